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
        BLAS.gemm(
            transposeA: false, transposeB: false, m: batch, n: units, k: inputShape.count,
            a: input.data, lda: inputShape.count, b: weight.value.data, ldb: units,
            beta: 1, c: output.data, ldc: units)
        return output
    }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix {
        guard let input else { preconditionFailure("dense: backward before forward") }
        let batch = input.rows, inputs = inputShape.count, units = outputShape.count
        precondition(outputGradient.rows == batch && outputGradient.columns == units)
        // dW = xᵀ · dy
        BLAS.gemm(
            transposeA: true, transposeB: false, m: inputs, n: units, k: batch,
            a: input.data, lda: inputs, b: outputGradient.data, ldb: units,
            beta: 0, c: weight.gradient.data, ldc: units)
        // db = column sums of dy
        let biasGradient = bias.gradient.data
        biasGradient.update(repeating: 0, count: units)
        for row in 0..<batch {
            let gradientRow = outputGradient.row(row)
            for unit in 0..<units { biasGradient[unit] += gradientRow[unit] }
        }
        inputGradient.resize(rows: batch)
        if needsInputGradient {
            // dx = dy · Wᵀ
            BLAS.gemm(
                transposeA: false, transposeB: true, m: batch, n: inputs, k: units,
                a: outputGradient.data, lda: units, b: weight.value.data, ldb: units,
                beta: 0, c: inputGradient.data, ldc: inputs)
        }
        return inputGradient
    }
}
