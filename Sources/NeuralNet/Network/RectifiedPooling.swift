import CKernels

/// A run of layers that `Network` computes as one pass forward and one or two backward:
/// batch normalization (if present), ReLU and 2×2 max pooling over a convolution's output,
/// the block of most CNNs and of the report's. Run layer by layer, the three make seven passes
/// over the convolution's output forward (two for the statistics, then x̂ and y, the ReLU's
/// output, the pooling) and nine backward. Here the statistics keep their two and one pass
/// writes the pooled output; backward, one pass sums the normalization's parameter gradients
/// and one writes the input gradient, each computing x̂, the ReLU's output and the gradient
/// the pooling routes (dy) again, a few rows at a time, instead of reading them from memory.
/// Nothing but the pooled output and the input gradient is ever stored.
///
/// Every value is computed by the layers' own expressions in the same order (the passes are C,
/// `rectified_pooling.c`), so results are bit for bit those of the layers run one by one (the
/// golden numbers test it, and so do `RectifiedPoolingTests`): the pooling's gradient goes to
/// the first cell of its window that equals the maximum, as in `MaxPool`, and the sums of the
/// normalization's parameter gradients add each image's values in `Elementwise.sumAndDot`'s
/// order. The layers are left untouched apart from the normalization's statistics, running
/// statistics and parameter gradients (and `Network.output(of:throughLayer:)` runs the layers
/// one by one).
final class RectifiedPooling {
    /// The normalization in front, or nil for ReLU and pooling alone.
    let normalization: BatchNorm?
    /// How many layers of the network this stage stands for (2 or 3).
    let layerCount: Int
    private let shape: FeatureShape
    /// The pooled output [batch, C·H/2·W/2].
    private let output: Matrix
    /// The input gradient this stage hands back [batch, C·H·W].
    private let gradient: Matrix
    /// The input of the last forward pass.
    private var input: Matrix?
    /// Each thread's buffers for a plane's dy and x̂ in the sums pass: [2, 2 · (H·W + 16)].
    private let sumsScratch: Matrix

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
        sumsScratch = Matrix(rows: 2, columns: 2 * (shape.spatialCount + 16))
    }

    /// The output of the run's last layer (the pooling) for `input`, as the layers would give it.
    func forward(_ input: Matrix, training: Bool) -> Matrix {
        self.input = input
        normalization?.prepare(input, training: training)
        output.resize(rows: input.rows)
        run(.forward, over: input.rows * shape.channels * (shape.height / 2), outputGradient: nil)
        return output
    }

    /// The gradient with respect to the input of the run's first layer, as the layers would
    /// give it; the normalization's parameters are updated by SGD at `learningRate` when it is
    /// not nil (see `Layer.backwardUpdating`; their gradients are always kept).
    func backward(_ outputGradient: Matrix, needsInputGradient: Bool, learningRate: Float? = nil, keepingGradients: Bool = false)
        -> Matrix
    {
        guard let input else { preconditionFailure("relu-pool: backward before forward") }
        precondition(outputGradient.rows == input.rows, "relu-pool: backward batch differs from forward")
        let batch = input.rows
        gradient.resize(rows: batch)
        guard let normalization else {
            if needsInputGradient { run(.backward, over: batch * shape.channels * (shape.height / 2), outputGradient: outputGradient) }
            return gradient
        }
        normalization.planeTotals.resize(rows: batch)
        run(.sums, over: batch * shape.channels, outputGradient: outputGradient)
        normalization.addPlaneTotals(into: normalization.beta.gradient.data, normalization.gamma.gradient.data)
        if needsInputGradient {
            let factors = normalization.inputGradientFactors(batch: batch)
            run(.inputGradient(factors: factors), over: batch * shape.channels, outputGradient: outputGradient)
        }
        if let learningRate { normalization.descend(learningRate: learningRate) }
        return gradient
    }

    private func run(_ step: Pass.Step, over count: Int, outputGradient: Matrix?) {
        guard let input else { return }
        let pass = Pass(step: step, stage: self, input: input, outputGradient: outputGradient)
        Parallel.split(count, work: input.count, grain: max(count / 16, 1), pass)
    }

    /// The passes over a range of row pairs, channels or planes (CKernels' `rectified_pooling.c`).
    private struct Pass: SplitLoop {
        enum Step {
            /// The pooled output, over row pairs: every pair of input rows of one channel makes
            /// one output row.
            case forward
            /// Without normalization: the input gradient, over row pairs.
            case backward
            /// With normalization: each plane's share of its parameter gradients dβ = Σ dy and
            /// dγ = Σ dy · x̂ (`BatchNorm.planeTotals`), over planes (an image's channel).
            case sums
            /// With normalization: the input gradient, over planes (an image's channel), from the
            /// normalization's `inputGradientFactors`.
            case inputGradient(factors: UnsafePointer<Float>)
        }
        let step: Step
        let stage: RectifiedPooling
        let input: Matrix
        let outputGradient: Matrix?

        func run(_ range: Range<Int>) { run(range, worker: 0) }

        func run(_ range: Range<Int>, worker: Int) {
            let shape = stage.shape, (lower, upper) = (Int32(range.lowerBound), Int32(range.upperBound))
            let (c, h, w) = (Int32(shape.channels), Int32(shape.height), Int32(shape.width))
            let layer = stage.normalization, normalization = layer?.normalization
            let dy = outputGradient?.data
            switch step {
            case .forward:
                folio_relu_pool_forward(
                    c, h, w, input.data, normalization?.center, normalization?.scale, normalization?.gain, normalization?.shift,
                    stage.output.data, lower, upper)
            case .backward:
                folio_relu_pool_backward(w, input.data, stage.output.data, dy, stage.gradient.data, lower, upper)
            case .sums:
                guard let layer, let normalization else { return }
                folio_norm_relu_pool_sums(
                    c, h, w, input.data, normalization.center, normalization.scale, normalization.gain, normalization.shift,
                    stage.output.data, dy, layer.planeTotals.data, stage.sumsScratch.row(worker), lower, upper)
            case .inputGradient(let factors):
                guard let layer, let normalization else { return }
                folio_norm_relu_pool_gradient(
                    c, h, w, input.data, normalization.center, normalization.scale, normalization.gain, normalization.shift,
                    stage.output.data, dy, layer.beta.gradient.data, layer.gamma.gradient.data,
                    factors, Float(input.rows * shape.spatialCount),
                    stage.gradient.data, lower, upper)
            }
        }
    }
}
