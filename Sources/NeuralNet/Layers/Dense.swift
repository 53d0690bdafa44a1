/// A fully connected layer: y = x · W + b, with W of shape [inputs, units].
///
/// The input is taken flattened, so a dense layer can follow an image layer directly.
public final class Dense: Layer {
    public let inputShape: FeatureShape
    public let outputShape: FeatureShape
    /// Weights, [inputs, units].
    public let weight: Parameter
    /// Biases, [1, units].
    public let bias: Parameter
    public var parameters: [Parameter] { [weight, bias] }
    public var description: String { "dense \(outputShape.count)" }

    private let output: Matrix
    private let inputGradient: Matrix
    private var input: Matrix?

    /// A layer with `units` outputs whose weights are drawn by `initializer`.
    public init(inputShape: FeatureShape, units: Int, initializer: Initializer, generator: RandomGenerator) {
        precondition(units > 0, "dense needs at least one unit")
        self.inputShape = inputShape
        self.outputShape = FeatureShape(vector: units)
        let inputs = inputShape.count
        let weights = Matrix(rows: inputs, columns: units)
        initializer.fill(weights.data, count: weights.count, fanIn: inputs, fanOut: units, generator: generator)
        self.weight = Parameter(name: "weight", value: weights)
        self.bias = Parameter(name: "bias", value: Matrix(rows: 1, columns: units))
        self.output = Matrix(rows: 0, columns: units)
        self.inputGradient = Matrix(rows: 0, columns: inputs)
    }

    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        precondition(input.columns == inputShape.count, "dense: input has \(input.columns) features, expected \(inputShape.count)")
        self.input = input
        let batch = input.rows, units = outputShape.count
        output.resize(rows: batch)
        // Start from the bias in every row, then add x · W.
        for row in 0..<batch { output.row(row).update(from: bias.value.data, count: units) }
        if SmallProducts.apply(rows: batch) {
            SmallProducts.forward(input: input, weights: weight.value, output: output)
            return output
        }
        BLAS.gemm(
            transposeA: false, transposeB: false, m: batch, n: units, k: inputShape.count,
            a: input.data, lda: inputShape.count, b: weight.value.data, ldb: units,
            beta: 1, c: output.data, ldc: units)
        return output
    }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix {
        if let input, SmallProducts.apply(rows: input.rows) {
            return backwardInOnePass(outputGradient, needsInputGradient: needsInputGradient, rate: 0, update: false, keepingGradients: true)
        }
        computeInputGradient(outputGradient, needed: needsInputGradient)
        // dW = xᵀ · dy, db = column sums of dy
        accumulate(outputGradient, scale: 1, weights: weight.gradient.data, bias: bias.gradient.data, beta: 0)
        return inputGradient
    }

    public func backwardUpdating(_ outputGradient: Matrix, needsInputGradient: Bool, learningRate: Float, keepingGradients: Bool)
        -> Matrix
    {
        if let input, SmallProducts.apply(rows: input.rows) {
            return backwardInOnePass(
                outputGradient, needsInputGradient: needsInputGradient, rate: learningRate, update: true,
                keepingGradients: keepingGradients)
        }
        // The input gradient needs the weights before this step's update: compute it first.
        computeInputGradient(outputGradient, needed: needsInputGradient)
        if keepingGradients {
            accumulate(outputGradient, scale: 1, weights: weight.gradient.data, bias: bias.gradient.data, beta: 0)
        }
        // W += −η xᵀ · dy, b += −η Σ dy: one GEMM, and no gradient written or re-read.
        accumulate(outputGradient, scale: -learningRate, weights: weight.value.data, bias: bias.value.data, beta: 1)
        return inputGradient
    }

    /// The backward pass at a small batch: the input gradient, the weight gradient (when kept)
    /// and the update (with `update`) in one pass over the weights; the bias as in `accumulate`.
    private func backwardInOnePass(
        _ outputGradient: Matrix, needsInputGradient: Bool, rate: Float, update: Bool, keepingGradients: Bool
    ) -> Matrix {
        guard let input else { preconditionFailure("dense: backward before forward") }
        precondition(outputGradient.rows == input.rows && outputGradient.columns == outputShape.count)
        inputGradient.resize(rows: input.rows)
        SmallProducts.backward(
            input: input, outputGradient: outputGradient, weights: weight.value,
            inputGradient: needsInputGradient ? inputGradient : nil, gradient: keepingGradients ? weight.gradient : nil,
            rate: rate, update: update)
        if keepingGradients { accumulateBias(outputGradient, scale: 1, into: bias.gradient.data, beta: 0) }
        if update { accumulateBias(outputGradient, scale: -rate, into: bias.value.data, beta: 1) }
        return inputGradient
    }

    /// dx = dy · Wᵀ into `inputGradient` (resized either way).
    private func computeInputGradient(_ outputGradient: Matrix, needed: Bool) {
        guard let input else { preconditionFailure("dense: backward before forward") }
        precondition(outputGradient.rows == input.rows && outputGradient.columns == outputShape.count)
        inputGradient.resize(rows: input.rows)
        guard needed else { return }
        let units = outputShape.count
        BLAS.gemm(
            transposeA: false, transposeB: true, m: input.rows, n: inputShape.count, k: units,
            a: outputGradient.data, lda: units, b: weight.value.data, ldb: units,
            beta: 0, c: inputGradient.data, ldc: inputShape.count)
    }

    /// weights = beta · weights + scale · xᵀ · dy; bias = beta · bias + scale · Σ_rows dy.
    private func accumulate(
        _ outputGradient: Matrix, scale: Float, weights: UnsafeMutablePointer<Float>,
        bias: UnsafeMutablePointer<Float>, beta: Float
    ) {
        guard let input else { preconditionFailure("dense: backward before forward") }
        let batch = input.rows, inputs = inputShape.count, units = outputShape.count
        BLAS.gemm(
            transposeA: true, transposeB: false, m: inputs, n: units, k: batch, alpha: scale,
            a: input.data, lda: inputs, b: outputGradient.data, ldb: units,
            beta: beta, c: weights, ldc: units)
        accumulateBias(outputGradient, scale: scale, into: bias, beta: beta)
    }

    /// bias = beta · bias + scale · Σ_rows dy, for beta 0 or 1.
    private func accumulateBias(_ outputGradient: Matrix, scale: Float, into bias: UnsafeMutablePointer<Float>, beta: Float) {
        let units = outputShape.count
        if beta == 0 { bias.update(repeating: 0, count: units) }
        for row in 0..<outputGradient.rows {
            let gradientRow = outputGradient.row(row)
            for unit in 0..<units { bias[unit] += scale * gradientRow[unit] }
        }
    }
}
