import Foundation
import Testing

@testable import NeuralNet

/// BatchNorm against the numpy reference committed in Fixtures/, plus the identities its
/// backward pass must satisfy.
@Suite struct BatchNormTests {
    struct Reference: Decodable {
        struct Case: Decodable {
            var name: String
            var shape: [Int]
            var epsilon: Float
            var momentum: Float
            var x, dy, gamma, beta, y, dx, dgamma, dbeta: [Double]
            var running_mean, running_variance, y_eval: [Double]
        }
        var cases: [Case]
    }

    static let reference: Reference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/batchnorm_reference.json")
        // A missing or malformed fixture is a broken checkout: fail loudly.
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    static func layer(for reference: Reference.Case, epsilon: Float? = nil) -> (BatchNorm, Matrix) {
        let shape = reference.shape.count == 2
            ? FeatureShape(vector: reference.shape[1])
            : FeatureShape(channels: reference.shape[1], height: reference.shape[2], width: reference.shape[3])
        let layer = BatchNorm(shape: shape, options: BatchNormOptions(momentum: reference.momentum, epsilon: epsilon ?? reference.epsilon))
        for i in 0..<shape.channels {
            layer.gamma.value.data[i] = Float(reference.gamma[i])
            layer.beta.value.data[i] = Float(reference.beta[i])
        }
        let input = Matrix(rows: reference.shape[0], columns: shape.count, values: reference.x.map(Float.init))
        return (layer, input)
    }

    @Test(arguments: reference.cases.map(\.name))
    func matchesNumpy(_ name: String) throws {
        let reference = try #require(Self.reference.cases.first { $0.name == name })
        let (layer, input) = Self.layer(for: reference)
        let output = layer.forward(input, training: true).values
        expectClose(output, reference.y, "y")
        let upstream = Matrix(rows: input.rows, columns: input.columns, values: reference.dy.map(Float.init))
        let inputGradient = layer.backward(upstream, needsInputGradient: true).values
        expectClose(inputGradient, reference.dx, "dx")
        expectClose(layer.gamma.gradient.values, reference.dgamma, "dgamma")
        expectClose(layer.beta.gradient.values, reference.dbeta, "dbeta")
        expectClose(layer.runningMean, reference.running_mean, "running mean")
        expectClose(layer.runningVariance, reference.running_variance, "running variance")
        expectClose(layer.forward(input, training: false).values, reference.y_eval, "eval y")
    }

    /// Σ dx = 0 and Σ dx · x̂ = 0 per channel: the gradient cannot move the batch mean or
    /// scale, which normalization removes. The second identity is exact only for ε = 0:
    /// with ε, Σ x̂² = M σ² / (σ² + ε) < M and Σ dx x̂ = γ ε / (σ_ε (σ² + ε)) · Σ dy x̂.
    @Test(arguments: reference.cases.map(\.name))
    func inputGradientIsOrthogonalToMeanAndScale(_ name: String) throws {
        let reference = try #require(Self.reference.cases.first { $0.name == name })
        let (layer, input) = Self.layer(for: reference, epsilon: 0)
        let positions = layer.inputShape.spatialCount, channels = layer.inputShape.channels
        _ = layer.forward(input, training: true)
        let upstream = Matrix(rows: input.rows, columns: input.columns, values: reference.dy.map(Float.init))
        let dx = layer.backward(upstream, needsInputGradient: true)
        for c in 0..<channels {
            var values: [(x: Double, dx: Double)] = []
            for row in 0..<input.rows {
                for p in 0..<positions {
                    let column = c * positions + p
                    values.append((Double(input[row, column]), Double(dx[row, column])))
                }
            }
            let mean = values.map(\.x).reduce(0, +) / Double(values.count)
            let deviation = (values.map { ($0.x - mean) * ($0.x - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
            let gradientScale = values.map { abs($0.dx) }.max()!
            let sum = values.map(\.dx).reduce(0, +)
            let projection = values.map { $0.dx * ($0.x - mean) / deviation }.reduce(0, +)
            #expect(abs(sum) < 1e-4 * gradientScale * Double(values.count), "channel \(c): Σ dx = \(sum)")
            #expect(abs(projection) < 1e-4 * gradientScale * Double(values.count), "channel \(c): Σ dx x̂ = \(projection)")
        }
    }

    @Test func defaultsAreKeras() {
        let options = BatchNormOptions()
        #expect(options.momentum == 0.99)
        #expect(options.epsilon == 0.001)
    }

    /// In training the output has zero mean and unit variance per feature (up to epsilon),
    /// whatever the input's scale.
    @Test func trainingOutputIsNormalized() {
        let layer = BatchNorm(shape: FeatureShape(vector: 3))
        let input = Matrix(rows: 64, columns: 3)
        let generator = RandomGenerator(seed: 4)
        for row in 0..<64 {
            input[row, 0] = Float(generator.normal() * 100 + 50)
            input[row, 1] = Float(generator.normal() * 0.01 - 3)
            input[row, 2] = Float(generator.normal())
        }
        let output = layer.forward(input, training: true)
        for column in 0..<3 {
            let values = (0..<64).map { Double(output[$0, column]) }
            let mean = values.reduce(0, +) / 64
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 64
            #expect(abs(mean) < 1e-4)
            // Column 1's variance (1e-4) is comparable to epsilon, which shrinks it.
            #expect(column == 1 ? variance < 1 : abs(variance - 1) < 1e-2)
        }
    }

    /// Evaluation uses the running statistics, so a single example is normalized the same
    /// way whatever batch it comes in, and the running statistics stop moving.
    @Test func evaluationUsesRunningStatistics() {
        let layer = BatchNorm(shape: FeatureShape(vector: 2), options: BatchNormOptions(momentum: 0.5))
        let input = Matrix(rows: 2, columns: 2, values: [1, 10, 3, 30])
        _ = layer.forward(input, training: true)
        #expect(layer.runningMean == [1, 10])            // 0.5·0 + 0.5·2, 0.5·0 + 0.5·20
        #expect(layer.runningVariance == [1, 50.5])      // 0.5·1 + 0.5·1, 0.5·1 + 0.5·100
        let single = Matrix(rows: 1, columns: 2, values: [1, 10])
        let alone = layer.forward(single, training: false).values
        let pair = layer.forward(input, training: false).values
        #expect(alone == Array(pair[0..<2]))
        #expect(layer.runningMean == [1, 10])
        #expect(abs(alone[0] - 0) < 1e-6)
    }

    /// PyTorch's running variance follows the unbiased batch variance (M / (M − 1) times the
    /// biased one); the batch itself is still normalized with the biased variance.
    @Test func unbiasedRunningVariance() {
        let input = Matrix(rows: 2, columns: 2, values: [1, 10, 3, 30])
        let biased = BatchNorm(shape: FeatureShape(vector: 2), options: BatchNormOptions(momentum: 0.5))
        let unbiased = BatchNorm(shape: FeatureShape(vector: 2), options: BatchNormOptions(momentum: 0.5, runningVariance: .unbiased))
        let biasedOutput = biased.forward(input, training: true).values
        #expect(unbiased.forward(input, training: true).values == biasedOutput)
        #expect(unbiased.runningMean == [1, 10])
        #expect(unbiased.runningVariance == [1.5, 100.5])  // 0.5·1 + 0.5·(2·1), 0.5·1 + 0.5·(2·100)
    }

    /// The default option is not written, so specs hashed before the option existed keep
    /// their keys; the other value round-trips.
    @Test func runningVarianceEncoding() throws {
        let plain = try JSONEncoder().encode(BatchNormOptions())
        #expect(String(decoding: plain, as: UTF8.self).contains("running") == false)
        let options = BatchNormOptions(runningVariance: .unbiased)
        #expect(try JSONDecoder().decode(BatchNormOptions.self, from: JSONEncoder().encode(options)) == options)
        #expect(try JSONDecoder().decode(BatchNormOptions.self, from: plain) == BatchNormOptions())
    }
}
