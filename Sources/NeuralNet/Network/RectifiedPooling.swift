import CKernels

/// A run of layers that `Network` computes as one pass each way: batch normalization (if
/// present), ReLU and 2×2 max pooling over a convolution's output, the block of most CNNs
/// and of the report's. Run layer by layer, the three make seven passes over the
/// convolution's output forward (two for the statistics, then x̂ and y, the ReLU's output,
/// the pooling) and nine backward; here the statistics keep their two, one pass writes x̂
/// and the pooled output, and one pass from x̂, the pooled output and its gradient writes
/// the normalization's output gradient, with neither the ReLU's output nor its gradient
/// ever stored.
///
/// Every value is computed by the layers' own expressions in the same order (the pass is C,
/// `rectified_pooling.c`, which the compiler vectorizes), so results are
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
    /// and a max pooling of 2×2 windows that tile the image exactly, and the CPU has AVX2 (the
    /// pass is compiled for it on x86-64; elsewhere the layers run one by one).
    init?(_ layers: [any Layer], at start: Int) {
        guard AVX2.isAvailable else { return nil }
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
        let pass = Pass(direction: direction, stage: self, input: input, outputGradient: outputGradient)
        Parallel.split(batch * shape.channels * (shape.height / 2), work: batch * shape.count, pass)
    }

    /// The pass over a range of row pairs (CKernels' `rectified_pooling.c`): every pair of
    /// input rows of one channel makes one output row of the pooling.
    private struct Pass: SplitLoop {
        enum Direction { case forward, backward }
        let direction: Direction
        let stage: RectifiedPooling
        let input: Matrix
        let outputGradient: Matrix?

        func run(_ pairs: Range<Int>) {
            let shape = stage.shape, (lower, upper) = (Int32(pairs.lowerBound), Int32(pairs.upperBound))
            let (c, h, w) = (Int32(shape.channels), Int32(shape.height), Int32(shape.width))
            let normalization = stage.normalization?.normalization
            switch direction {
            case .forward:
                folio_relu_pool_forward(
                    c, h, w, input.data, normalization?.center, normalization?.scale, normalization?.gain, normalization?.shift,
                    stage.normalization?.normalized.data, stage.output.data, lower, upper)
            case .backward:
                guard let outputGradient else { return }
                folio_relu_pool_backward(
                    c, h, w, stage.normalization?.normalized.data ?? input.data, normalization?.gain, normalization?.shift,
                    stage.output.data, outputGradient.data, stage.gradient.data, lower, upper)
            }
        }
    }
}
