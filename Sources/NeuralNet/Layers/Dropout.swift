/// Inverted dropout: in training, each input is zeroed with probability `rate` and the rest
/// are scaled by 1 / (1 - rate), so evaluation is the identity.
public final class Dropout: Layer {
    /// Probability of dropping an input, in [0, 1).
    public let rate: Float
    public let inputShape: FeatureShape
    public var outputShape: FeatureShape { inputShape }
    public var parameters: [Parameter] { [] }
    public var description: String { "dropout \(rate)" }

    private let generator: RandomGenerator
    private let mask: Matrix
    private let output: Matrix
    private let inputGradient: Matrix

    /// Dropout at `rate`, drawing its masks from the run's `generator`.
    public init(rate: Float, shape: FeatureShape, generator: RandomGenerator) {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1)")
        self.rate = rate
        self.inputShape = shape
        self.generator = generator
        self.mask = Matrix(rows: 0, columns: shape.count)
        self.output = Matrix(rows: 0, columns: shape.count)
        self.inputGradient = Matrix(rows: 0, columns: shape.count)
    }

    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        output.resize(rows: input.rows)
        mask.resize(rows: input.rows)
        let count = input.count, x = input.data, y = output.data, m = mask.data
        if training {
            let keep = 1 / (1 - rate)
            for i in 0..<count { m[i] = generator.uniformFloat() < rate ? 0 : keep }
        } else {
            m.update(repeating: 1, count: count)
        }
        for i in 0..<count { y[i] = x[i] * m[i] }
        return output
    }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix {
        inputGradient.resize(rows: outputGradient.rows)
        guard needsInputGradient else { return inputGradient }
        let dy = outputGradient.data, dx = inputGradient.data, m = mask.data
        for i in 0..<outputGradient.count { dx[i] = dy[i] * m[i] }
        return inputGradient
    }
}
