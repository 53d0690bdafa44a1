/// Max pooling over K×K windows with stride K (no padding; a partial window at the edge is
/// dropped, as in Keras and PyTorch). The gradient of each window goes to its maximum; the
/// backward pass finds it again by comparing the input with the output (the first cell in
/// row-major order that equals the maximum, which is the one the forward pass kept), so the
/// layer stores no indices.
public final class MaxPool: Layer {
    public let inputShape: FeatureShape
    public let outputShape: FeatureShape
    public let size: Int
    public var parameters: [Parameter] { [] }
    public var description: String { "maxpool \(size)" }

    private let output: Matrix
    private let inputGradient: Matrix
    private var input: Matrix?

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
    }

    /// Whether the vectorized 2×2 path applies: every input row belongs to a window, so the
    /// batch is a plain sequence of row pairs.
    var tilesExactly: Bool { size == 2 && inputShape.height % 2 == 0 && inputShape.width % 2 == 0 }

    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        precondition(input.columns == inputShape.count, "maxpool: input has \(input.columns) features, expected \(inputShape.count)")
        self.input = input
        output.resize(rows: input.rows)
        if tilesExactly {
            poolPairs(input, dy: nil, dx: nil)
            return output
        }
        let x = input.data, y = output.data, width = inputShape.width
        forEachWindow(rows: input.rows) { window, index in
            var best = x[window]
            for i in 0..<size {
                for j in 0..<size { best = max(best, x[window + i * width + j]) }
            }
            y[index] = best
        }
        return output
    }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix {
        guard let input else { preconditionFailure("maxpool: backward before forward") }
        precondition(outputGradient.rows == input.rows, "maxpool: backward batch differs from forward")
        inputGradient.resize(rows: input.rows)
        guard needsInputGradient else { return inputGradient }
        if tilesExactly {
            poolPairs(input, dy: outputGradient.data, dx: inputGradient.data)
            return inputGradient
        }
        inputGradient.fill(0)
        let x = input.data, y = output.data, dy = outputGradient.data, dx = inputGradient.data, width = inputShape.width
        forEachWindow(rows: input.rows) { window, index in
            for i in 0..<size {
                for j in 0..<size where x[window + i * width + j] == y[index] {
                    dx[window + i * width + j] = dy[index]
                    return
                }
            }
        }
        return inputGradient
    }

    /// The 2×2 path over every row pair of the batch: forward without gradients, backward with.
    private func poolPairs(_ input: Matrix, dy: UnsafePointer<Float>?, dx: UnsafeMutablePointer<Float>?) {
        let pooling = PairPooling(width: inputShape.width, x: input.data, y: output.data, dy: dy, dx: dx)
        Parallel.split(input.rows * inputShape.channels * outputShape.height, work: input.count, pooling)
    }

    /// Calls `body` with the offset of every window's top-left input (in the batch's data)
    /// and the offset of its output.
    @inline(__always)
    private func forEachWindow(rows: Int, _ body: (_ window: Int, _ index: Int) -> Void) {
        let height = inputShape.height, width = inputShape.width
        var index = 0
        for plane in 0..<rows * inputShape.channels {
            for oy in 0..<outputShape.height {
                let rowStart = (plane * height + oy * size) * width
                for ox in 0..<outputShape.width {
                    body(rowStart + ox * size, index)
                    index += 1
                }
            }
        }
    }
}

/// 2×2 max pooling over a range of row pairs: every pair of input rows of `width` makes one
/// output row of `width / 2`. Forward (x → y) without gradients, backward (dy → dx) with.
/// Written with selects rather than branches (the maxima of random data would mispredict
/// every other branch), which also lets the loops vectorize.
private struct PairPooling: SplitLoop {
    let width: Int
    let x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
    let dy: UnsafePointer<Float>?, dx: UnsafeMutablePointer<Float>?

    func run(_ pairs: Range<Int>) {
        if let dy, let dx { backward(dy: dy, dx: dx, pairs: pairs) } else { forward(pairs: pairs) }
    }

    private func forward(pairs: Range<Int>) {
        let outputs = width / 2
        for pair in pairs {
            let top = x + 2 * pair * width, bottom = top + width, row = y + pair * outputs
            for o in 0..<outputs {
                row[o] = max(max(top[2 * o], top[2 * o + 1]), max(bottom[2 * o], bottom[2 * o + 1]))
            }
        }
    }

    /// Routes each output's gradient to the first of its window's cells (top left, top
    /// right, bottom left, bottom right) that equals the output; the other cells get 0.
    private func backward(dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, pairs: Range<Int>) {
        let outputs = width / 2
        for pair in pairs {
            let offset = 2 * pair * width, top = x + offset, bottom = top + width
            let dTop = dx + offset, dBottom = dTop + width, row = y + pair * outputs, dRow = dy + pair * outputs
            for o in 0..<outputs {
                let left = 2 * o, right = left + 1, maximum = row[o]
                // The gradient not yet taken by an earlier cell of the window.
                var remaining = dRow[o]
                dTop[left] = top[left] == maximum ? remaining : 0
                remaining = top[left] == maximum ? 0 : remaining
                dTop[right] = top[right] == maximum ? remaining : 0
                remaining = top[right] == maximum ? 0 : remaining
                dBottom[left] = bottom[left] == maximum ? remaining : 0
                remaining = bottom[left] == maximum ? 0 : remaining
                dBottom[right] = bottom[right] == maximum ? remaining : 0
            }
        }
    }
}
