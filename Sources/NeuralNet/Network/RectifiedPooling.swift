/// A run of layers that `Network` computes as one pass each way: batch normalization (if
/// present), ReLU and 2×2 max pooling over a convolution's output, the block of most CNNs
/// and of the report's. Run layer by layer, the three make seven passes over the
/// convolution's output forward (two for the statistics, then x̂ and y, the ReLU's output,
/// the pooling) and nine backward; here the statistics keep their two, one pass writes x̂
/// and the pooled output, and one pass from x̂, the pooled output and its gradient writes
/// the normalization's output gradient, with neither the ReLU's output nor its gradient
/// ever stored.
///
/// Every value is computed by the layers' own expressions in the same order, so results are
/// bit for bit those of the layers run one by one (the golden numbers test it, and so does
/// `NetworkTests`): y = γ x̂ + β and the ReLU are recomputed from x̂ where the backward pass
/// needs them, and the pooling's gradient goes to the first cell of its window that equals
/// the maximum, as in `MaxPool`. After a pass the normalization layer holds what its own
/// `backward` needs; the ReLU and pooling layers are left untouched (and are not what
/// `Network.output(of:throughLayer:)` runs, which takes the layers one by one).
final class RectifiedPooling {
    /// The normalization in front, or nil for ReLU and pooling alone.
    let normalization: BatchNorm?
    /// How many layers of the network this stage stands for (2 or 3).
    let layerCount: Int
    private let shape: FeatureShape
    /// The pooled output [batch, C·H/2·W/2].
    private let output: Matrix
    /// The gradient this stage hands back: the normalization's output gradient, else the
    /// input gradient [batch, C·H·W].
    private let gradient: Matrix
    /// The input of the last forward pass (without normalization, the ReLU's input).
    private var input: Matrix?

    /// The stage for the layers starting at `start`, if they are [batch normalization,] ReLU
    /// and a max pooling of 2×2 windows that tile the image exactly.
    init?(_ layers: [any Layer], at start: Int) {
        var index = start
        let normalization = layers[index] as? BatchNorm
        if normalization != nil { index += 1 }
        guard index + 1 < layers.count, let activation = layers[index] as? Activation, activation.function == .relu,
            let pool = layers[index + 1] as? MaxPool, pool.tilesExactly, !pool.inputShape.isVector
        else { return nil }
        self.normalization = normalization
        layerCount = index + 2 - start
        shape = pool.inputShape
        output = Matrix(rows: 0, columns: pool.outputShape.count)
        gradient = Matrix(rows: 0, columns: shape.count)
    }

    /// The output of the run's last layer (the pooling) for `input`, as the layers would give it.
    func forward(_ input: Matrix, training: Bool) -> Matrix {
        self.input = input
        normalization?.prepare(input, training: training)
        output.resize(rows: input.rows)
        run(.forward, batch: input.rows, outputGradient: nil)
        return output
    }

    /// The gradient with respect to the input of the run's first layer, as the layers would
    /// give it; the normalization's parameters are updated by SGD at `learningRate` when it is
    /// not nil (see `Layer.backwardUpdating`).
    func backward(_ outputGradient: Matrix, needsInputGradient: Bool, learningRate: Float? = nil, keepingGradients: Bool = false)
        -> Matrix
    {
        guard let input else { preconditionFailure("relu-pool: backward before forward") }
        precondition(outputGradient.rows == input.rows, "relu-pool: backward batch differs from forward")
        gradient.resize(rows: input.rows)
        guard let normalization else {
            if needsInputGradient { run(.backward, batch: input.rows, outputGradient: outputGradient) }
            return gradient
        }
        run(.backward, batch: input.rows, outputGradient: outputGradient)
        guard let learningRate else { return normalization.backward(gradient, needsInputGradient: needsInputGradient) }
        return normalization.backwardUpdating(
            gradient, needsInputGradient: needsInputGradient, learningRate: learningRate, keepingGradients: keepingGradients)
    }

    private func run(_ direction: Pass.Direction, batch: Int, outputGradient: Matrix?) {
        guard let input else { return }
        let pass = Pass(
            direction: direction, stage: self, x: normalization?.normalized.data ?? input.data, input: input.data,
            y: output.data, dy: outputGradient?.data, dx: gradient.data)
        Parallel.split(batch * shape.channels * (shape.height / 2), work: batch * shape.count, pass)
    }

    /// The pass over a range of row pairs: every pair of input rows of one channel makes one
    /// output row of the pooling.
    private struct Pass: SplitLoop {
        enum Direction { case forward, backward }
        let direction: Direction
        let stage: RectifiedPooling
        /// x̂ (with normalization; written forward, read backward), else the input.
        let x: UnsafeMutablePointer<Float>
        /// The input (read forward).
        let input: UnsafeMutablePointer<Float>
        /// The pooled output (written forward, read backward).
        let y: UnsafeMutablePointer<Float>
        /// The pooled output's gradient (backward).
        let dy: UnsafeMutablePointer<Float>?
        /// The gradient written backward.
        let dx: UnsafeMutablePointer<Float>

        func run(_ pairs: Range<Int>) {
            let width = stage.shape.width
            // The ReLU's output for one row pair, in L1 (small: images are at most some hundred wide).
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * width) { buffer in
                let rectified = buffer.baseAddress!
                for pair in pairs {
                    let offset = 2 * pair * width
                    rectify(pair: pair, offset: offset, into: rectified)
                    switch direction {
                    case .forward: pool(rectified, pair: pair)
                    case .backward: route(rectified, pair: pair, into: dx + offset)
                    }
                }
            }
        }

        /// The ReLU's output for the pair's 2 × width cells: forward from the input (through
        /// x̂ = (x − center) · scale, stored), backward from the stored x̂; with the
        /// expressions of `BatchNorm.normalize` and of `Elementwise.relu`'s vector loop.
        @inline(__always)
        private func rectify(pair: Int, offset: Int, into rectified: UnsafeMutablePointer<Float>) {
            let count = 2 * stage.shape.width
            guard let normalization = stage.normalization else {
                for i in 0..<count {
                    let value = input[offset + i]
                    rectified[i] = value < 0 ? 0 : value
                }
                return
            }
            let channel = pair / (stage.shape.height / 2) % stage.shape.channels
            let (center, scale, gain, shift) = normalization.normalization(ofChannel: channel)
            let xHat = x + offset
            if direction == .forward {
                let source = input + offset
                for i in 0..<count {
                    let value = (source[i] - center) * scale
                    xHat[i] = value
                    let normalized = gain * value + shift
                    rectified[i] = normalized < 0 ? 0 : normalized
                }
            } else {
                for i in 0..<count {
                    let normalized = gain * xHat[i] + shift
                    rectified[i] = normalized < 0 ? 0 : normalized
                }
            }
        }

        /// The pooled row, as `MaxPool`'s 2×2 loop computes it.
        @inline(__always)
        private func pool(_ rectified: UnsafeMutablePointer<Float>, pair: Int) {
            let width = stage.shape.width, outputs = width / 2
            let top = rectified, bottom = rectified + width, row = y + pair * outputs
            for o in 0..<outputs {
                row[o] = max(max(top[2 * o], top[2 * o + 1]), max(bottom[2 * o], bottom[2 * o + 1]))
            }
        }

        /// The gradient of the pair's cells: each output's gradient to the first cell of its
        /// window that equals the output (as `MaxPool`), then through the ReLU (kept where its
        /// output is positive, as `Elementwise.reluGradient`).
        @inline(__always)
        private func route(_ rectified: UnsafeMutablePointer<Float>, pair: Int, into gradient: UnsafeMutablePointer<Float>) {
            guard let dy else { return }
            let width = stage.shape.width, outputs = width / 2
            let top = rectified, bottom = rectified + width, row = y + pair * outputs, dRow = dy + pair * outputs
            let dTop = gradient, dBottom = gradient + width
            for o in 0..<outputs {
                let left = 2 * o, right = left + 1, maximum = row[o]
                var remaining = dRow[o]
                let topLeft = top[left] == maximum ? remaining : 0
                remaining = top[left] == maximum ? 0 : remaining
                let topRight = top[right] == maximum ? remaining : 0
                remaining = top[right] == maximum ? 0 : remaining
                let bottomLeft = bottom[left] == maximum ? remaining : 0
                remaining = bottom[left] == maximum ? 0 : remaining
                let bottomRight = bottom[right] == maximum ? remaining : 0
                dTop[left] = top[left] > 0 ? topLeft : 0
                dTop[right] = top[right] > 0 ? topRight : 0
                dBottom[left] = bottom[left] > 0 ? bottomLeft : 0
                dBottom[right] = bottom[right] > 0 ? bottomRight : 0
            }
        }
    }
}
