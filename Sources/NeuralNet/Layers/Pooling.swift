/// Max pooling over K×K windows with stride K (no padding; a partial window at the edge is
/// dropped, as in Keras and PyTorch). Remembers where each maximum came from, which is where
/// its gradient goes.
public final class MaxPool: Layer {
    public let inputShape: FeatureShape
    public let outputShape: FeatureShape
    public let size: Int
    public var parameters: [Parameter] { [] }
    public var description: String { "maxpool \(size)" }

    private let output: Matrix
    private let inputGradient: Matrix
    /// For each output value, the offset of its maximum within the example's input.
    private var winners: UnsafeMutablePointer<Int32>
    private var winnerCapacity = 0

    /// The output shape for `input`, or why the window does not fit it.
    public static func outputShape(input: FeatureShape, size: Int) -> Result<FeatureShape, ShapeError> {
        guard size > 0, input.height >= size, input.width >= size, !(input.isVector && size > 1) else {
            return .failure(ShapeError("a \(size)x\(size) pooling window does not fit a \(input.height)x\(input.width) input"))
        }
        return .success(FeatureShape(channels: input.channels, height: input.height / size, width: input.width / size))
    }

    /// Pooling of `size`×`size` windows over `shape`.
    public init(shape: FeatureShape, size: Int) {
        guard case .success(let output) = Self.outputShape(input: shape, size: size) else {
            preconditionFailure("maxpool: window does not fit the input")
        }
        inputShape = shape
        outputShape = output
        self.size = size
        self.output = Matrix(rows: 0, columns: output.count)
        inputGradient = Matrix(rows: 0, columns: shape.count)
        winners = .allocate(capacity: 1)
    }

    deinit { winners.deallocate() }

    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        let batch = input.rows
        output.resize(rows: batch)
        if output.count > winnerCapacity {
            winners.deallocate()
            winnerCapacity = output.count
            winners = .allocate(capacity: winnerCapacity)
        }
        pool(input, 0..<batch)
        return output
    }

    private func pool(_ input: Matrix, _ images: Range<Int>) {
        let height = inputShape.height, width = inputShape.width, outHeight = outputShape.height, outWidth = outputShape.width
        for n in images {
            let x = input.row(n), y = output.row(n), chosen = winners + n * outputShape.count
            if size == 2 {
                poolPairs(x, y, chosen)
                continue
            }
            for c in 0..<inputShape.channels {
                let plane = c * height * width
                for oy in 0..<outHeight {
                    for ox in 0..<outWidth {
                        var best = plane + oy * size * width + ox * size
                        for i in 0..<size {
                            let rowStart = plane + (oy * size + i) * width + ox * size
                            for j in 0..<size where x[rowStart + j] > x[best] { best = rowStart + j }
                        }
                        let index = (c * outHeight + oy) * outWidth + ox
                        y[index] = x[best]
                        chosen[index] = Int32(best)
                    }
                }
            }
        }
    }

    /// The common 2×2 case of one example, without the general loop's inner branches.
    @inline(__always)
    private func poolPairs(_ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ chosen: UnsafeMutablePointer<Int32>) {
        let width = inputShape.width, outHeight = outputShape.height, outWidth = outputShape.width
        for c in 0..<inputShape.channels {
            let plane = c * inputShape.height * width
            for oy in 0..<outHeight {
                let top = plane + 2 * oy * width, target = (c * outHeight + oy) * outWidth
                for ox in 0..<outWidth {
                    let a = top + 2 * ox, b = a + 1, d = a + width, e = d + 1
                    let upper = x[b] > x[a] ? b : a, lower = x[e] > x[d] ? e : d
                    let best = x[lower] > x[upper] ? lower : upper
                    y[target + ox] = x[best]
                    chosen[target + ox] = Int32(truncatingIfNeeded: best)
                }
            }
        }
    }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix {
        inputGradient.resize(rows: outputGradient.rows)
        guard needsInputGradient else { return inputGradient }
        inputGradient.fill(0)
        for n in 0..<outputGradient.rows {
            let dy = outputGradient.row(n), dx = inputGradient.row(n), chosen = winners + n * outputShape.count
            for index in 0..<outputShape.count { dx[Int(chosen[index])] += dy[index] }
        }
        return inputGradient
    }
}

/// Reinterprets an image as a flat vector. The data is already stored flattened (NCHW), so
/// this only changes the shape that later layers see.
public final class Flatten: Layer {
    public let inputShape: FeatureShape
    public var outputShape: FeatureShape { FeatureShape(vector: inputShape.count) }
    public var parameters: [Parameter] { [] }
    public var description: String { "flatten" }

    public init(shape: FeatureShape) { inputShape = shape }

    public func forward(_ input: Matrix, training: Bool) -> Matrix { input }
    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix { outputGradient }
}
