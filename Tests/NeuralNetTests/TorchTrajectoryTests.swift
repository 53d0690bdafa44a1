import Foundation
import Testing

@testable import NeuralNet

/// Folio's engine against PyTorch, step by step: the same networks, weights and batches as
/// `Fixtures/torch_trajectory.py` (see there for what the fixture holds), trained here and
/// compared after every step.
///
/// Tolerances: losses to 1e-4 relative; every value of a parameter, gradient or running
/// statistic to 1e-4 of the largest value compared (rounding in float32 is relative to the
/// operands of a sum, not to its result, so an entry near zero has no more correct digits
/// than the large ones beside it); norms of a parameter's change since the start to 1e-3,
/// since a change is a small difference of large numbers. Measured: at most 1e-5 of the
/// largest value, as close as PyTorch's float32 comes to its own float64 on the same steps.
/// One difference is explained rather than matched: see `adamStepOfTheConvolutionalNetwork`.
@Suite struct TorchTrajectoryTests {
    struct Fixture: Decodable {
        struct Values: Decodable {
            var values: [Double]?
            var samples: [Double]?
            var change_norm: Double?
            var norm: Double?
        }
        struct Running: Decodable {
            var mean: [Double]
            var unbiased_variance: [Double]
            var biased_variance: [Double]
        }
        struct Step: Decodable {
            var loss: Double
            var parameters: [String: Values]
            var running: [String: Running]
            var gradients: [String: Values]?
        }
        struct Trajectory: Decodable {
            var seed: UInt64
            var learning_rate: Float
            var batch_size: Int
            var steps: [Step]
            var evaluation: [String: Double]
        }
        var samples: Int
        var full: Int
        var mlp: Trajectory
        var cnn: Trajectory
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/torch_trajectory.json")
        // A missing or malformed fixture is a broken checkout: fail loudly.
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// The fixture's generator: x ← 6364136223846793005 x + 1442695040888963407 (mod 2⁶⁴),
    /// u = the top 24 bits / 2²⁴, exact in Float.
    final class Draws {
        private var state: UInt64
        init(seed: UInt64) { state = seed }

        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 40) / 16_777_216
        }

        func symmetric(_ limit: Double) -> Float { Float((2 * uniform() - 1) * limit) }
    }

    static let mlpLayers: [LayerSpec] = [
        .dense(units: 300), .batchNorm, .activation(.relu), .dense(units: 100), .batchNorm, .activation(.relu),
        .dense(units: 10),
    ]

    /// Builds `specs` with the fixture's weights (in the script's order: per layer, weights
    /// then biases, or γ then β).
    static func network(_ specs: [LayerSpec], input: FeatureShape, draws: Draws, runningVariance: BatchNormOptions.RunningVariance)
        -> Network
    {
        let network = Network(
            specs: specs, inputShape: input, batchNorm: BatchNormOptions(runningVariance: runningVariance),
            generator: RandomGenerator(seed: 0))
        for layer in network.layers {
            if let dense = layer as? Dense {
                let fans = Double(dense.inputShape.count + dense.outputShape.count)
                fill(dense.weight, limit: (6 / fans).squareRoot(), draws)
                fill(dense.bias, limit: 0.1, draws)
            } else if let conv = layer as? Convolution {
                let area = Double(conv.kernel * conv.kernel)
                let fans = Double(conv.inputShape.channels) * area + Double(conv.outputShape.channels) * area
                fill(conv.weight, limit: (6 / fans).squareRoot(), draws)
                fill(conv.bias, limit: 0.1, draws)
            } else if let norm = layer as? BatchNorm {
                for i in 0..<norm.gamma.value.count { norm.gamma.value.data[i] = 1 + draws.symmetric(0.1) }
                fill(norm.beta, limit: 0.1, draws)
            }
        }
        return network
    }

    static func fill(_ parameter: Parameter, limit: Double, _ draws: Draws) {
        for i in 0..<parameter.value.count { parameter.value.data[i] = draws.symmetric(limit) }
    }

    static func batch(_ draws: Draws, count: Int, features: Int) -> (Matrix, [Int32]) {
        let x = Matrix(rows: count, columns: features)
        for i in 0..<x.count { x.data[i] = Float(draws.uniform()) }
        let labels = (0..<count).map { _ in Int32(draws.uniform() * 10) }
        return (x, labels)
    }

    /// Trains `trajectory`'s steps, handing each step's loss and the network to `check`.
    static func replay(
        _ trajectory: Fixture.Trajectory, specs: [LayerSpec], input: FeatureShape, optimizer kind: OptimizerKind,
        runningVariance: BatchNormOptions.RunningVariance, fused: Bool = false,
        check: (_ step: Int, _ loss: Float, _ network: Network) -> Void
    ) -> (network: Network, draws: Draws) {
        let draws = Draws(seed: trajectory.seed)
        let network = network(specs, input: input, draws: draws, runningVariance: runningVariance)
        let optimizer = kind.make(learningRate: trajectory.learning_rate, parameters: network.parameters)
        let loss = SoftmaxCrossEntropy(classes: 10)
        for step in trajectory.steps.indices {
            let (x, labels) = batch(draws, count: trajectory.batch_size, features: input.count)
            let logits = network.forward(x, training: true)
            let result = loss.evaluate(logits: logits, labels: labels, computeGradient: true)
            if fused {
                network.backwardUpdating(loss.gradient, learningRate: trajectory.learning_rate)
            } else {
                network.backward(loss.gradient)
                optimizer.step()
            }
            check(step, result.loss, network)
        }
        return (network, draws)
    }

    /// The evaluation loss of the fixture's final batch.
    static func evaluationLoss(_ network: Network, _ draws: Draws, features: Int) -> Double {
        let (x, labels) = batch(draws, count: 100, features: features)
        let logits = network.forward(x, training: false)
        let loss = SoftmaxCrossEntropy(classes: 10)
        return Double(loss.evaluate(logits: logits, labels: labels, computeGradient: false).loss)
    }

    /// Parameters by the fixture's names ("3.weight": layer 3's weight), with their
    /// starting values.
    static func named(_ network: Network) -> [String: Parameter] {
        var result: [String: Parameter] = [:]
        for (index, layer) in network.layers.enumerated() {
            for parameter in layer.parameters { result["\(index).\(parameter.name)"] = parameter }
        }
        return result
    }

    /// Whether `actual` is within `tolerance` of `expected`, relative to the larger of
    /// |expected| and `scale`.
    static func close(_ actual: Double, _ expected: Double, tolerance: Double, scale: Double) -> Bool {
        abs(actual - expected) <= tolerance * max(abs(expected), scale)
    }

    /// Compares `values` with `expected` (all values, or the fixture's samples and the norm
    /// of the change since `start`), recording the first mismatch.
    static func compare(
        _ values: [Float], start: [Float]?, with expected: Fixture.Values, _ what: String, tolerance: Double = 1e-4,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let samples = fixture.samples
        let compared: [(Double, Double)]
        if let all = expected.values {
            compared = zip(values.map(Double.init), all).map { ($0, $1) }
        } else {
            let positions = (0..<samples).map { $0 * values.count / samples }
            compared = zip(positions.map { Double(values[$0]) }, expected.samples ?? []).map { ($0, $1) }
        }
        #expect(!compared.isEmpty, "\(what): nothing to compare", sourceLocation: sourceLocation)
        let scale = compared.map { abs($0.1) }.max() ?? 0
        if let (index, pair) = compared.enumerated().first(where: { !close($0.element.0, $0.element.1, tolerance: tolerance, scale: scale) }) {
            Issue.record("\(what)[\(index)] = \(pair.0), PyTorch \(pair.1)", sourceLocation: sourceLocation)
        }
        let norm: (Double, Double)?
        if let start, let changeNorm = expected.change_norm {
            norm = (zip(values, start).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot(), changeNorm)
        } else if let expectedNorm = expected.norm {
            norm = (values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot(), expectedNorm)
        } else {
            norm = nil
        }
        if let (actual, reference) = norm, !close(actual, reference, tolerance: 10 * tolerance, scale: 0) {
            Issue.record("\(what): norm \(actual), PyTorch \(reference)", sourceLocation: sourceLocation)
        }
    }

    static func compareRunning(_ network: Network, _ expected: [String: Fixture.Running], variance: BatchNormOptions.RunningVariance, _ what: String) {
        for (index, running) in expected {
            let norm = network.layers[Int(index)!] as! BatchNorm
            compare(norm.runningMean, start: nil, with: .init(values: running.mean), "\(what) layer \(index) running mean")
            let reference = variance == .biased ? running.biased_variance : running.unbiased_variance
            compare(norm.runningVariance, start: nil, with: .init(values: reference), "\(what) layer \(index) running variance")
        }
    }

    /// Twenty SGD steps of the BN MLP: every loss, parameter and running statistic, with
    /// each running variance, through the plain and the fused update.
    @Test(arguments: [(BatchNormOptions.RunningVariance.unbiased, false), (.biased, false), (.biased, true)])
    func sgdStepsOfTheMLP(variance: BatchNormOptions.RunningVariance, fused: Bool) {
        let trajectory = Self.fixture.mlp
        let start = Self.startingValues(Self.mlpLayers, input: FeatureShape(vector: 784), trajectory: trajectory)
        let (network, draws) = Self.replay(
            trajectory, specs: Self.mlpLayers, input: FeatureShape(vector: 784), optimizer: .sgd, runningVariance: variance,
            fused: fused
        ) { step, loss, network in
            let expected = trajectory.steps[step]
            let what = "step \(step + 1)"
            #expect(Self.close(Double(loss), expected.loss, tolerance: 1e-4, scale: 0), "\(what): loss \(loss), PyTorch \(expected.loss)")
            for (name, parameter) in Self.named(network) {
                Self.compare(parameter.value.values, start: start[name], with: expected.parameters[name]!, "\(what) \(name)")
            }
            Self.compareRunning(network, expected.running, variance: variance, what)
        }
        let evaluation = Self.evaluationLoss(network, draws, features: 784)
        let reference = trajectory.evaluation[variance.rawValue]!
        #expect(Self.close(evaluation, reference, tolerance: 1e-4, scale: 0), "evaluation loss \(evaluation), PyTorch \(reference)")
    }

    /// Every parameter's values before training, by name, drawn again (the fixture stores
    /// only how far they move).
    static func startingValues(_ specs: [LayerSpec], input: FeatureShape, trajectory: Fixture.Trajectory) -> [String: [Float]] {
        let network = network(specs, input: input, draws: Draws(seed: trajectory.seed), runningVariance: .biased)
        return named(network).mapValues(\.value.values)
    }

    static let cnnLayers: [LayerSpec] = [
        .convolution(filters: 32, kernel: 3, stride: 1, padding: .same), .batchNorm, .activation(.relu), .maxPool(size: 2),
        .convolution(filters: 64, kernel: 3, stride: 1, padding: .same), .batchNorm, .activation(.relu), .maxPool(size: 2),
        .flatten, .dense(units: 128), .batchNorm, .activation(.relu), .dense(units: 10),
    ]

    /// One Adam step of the report's BN-CNN: the loss, every gradient, the updated
    /// parameters and the running statistics.
    ///
    /// Explained difference: the biases of the layers that feed a BatchNorm (layers 0, 4 and
    /// 9) have no effect on the loss, so their true gradient is 0 and both engines compute
    /// rounding noise (about 1e-9) instead. Adam's first step moves every weight by about
    /// η · g / |g|, the learning rate times the sign of its gradient, so those biases move by
    /// ±0.001 at random in each engine. They are compared to that absolute tolerance: a
    /// step of at most η, in either direction.
    @Test(arguments: BatchNormOptions.RunningVariance.allCases)
    func adamStepOfTheConvolutionalNetwork(variance: BatchNormOptions.RunningVariance) {
        let trajectory = Self.fixture.cnn
        let input = FeatureShape(channels: 1, height: 28, width: 28)
        let noiseOnly: Set<String> = ["0.bias", "4.bias", "9.bias"]
        let before = Self.startingValues(Self.cnnLayers, input: input, trajectory: trajectory)
        let (network, finalDraws) = Self.replay(
            trajectory, specs: Self.cnnLayers, input: input, optimizer: .adam, runningVariance: variance
        ) { step, loss, network in
            let expected = trajectory.steps[step]
            #expect(Self.close(Double(loss), expected.loss, tolerance: 1e-4, scale: 0), "loss \(loss), PyTorch \(expected.loss)")
            for (name, parameter) in Self.named(network) {
                if noiseOnly.contains(name) {
                    let moved = zip(parameter.value.values, before[name]!).map { abs($0 - $1) }.max() ?? 0
                    #expect(moved <= trajectory.learning_rate * 1.0001, "\(name) moved \(moved), more than the learning rate")
                    continue
                }
                Self.compare(parameter.gradient.values, start: nil, with: expected.gradients![name]!, "gradient of \(name)")
                Self.compare(parameter.value.values, start: before[name], with: expected.parameters[name]!, name)
            }
            Self.compareRunning(network, expected.running, variance: variance, "CNN")
        }
        let evaluation = Self.evaluationLoss(network, finalDraws, features: input.count)
        let reference = trajectory.evaluation[variance.rawValue]!
        #expect(Self.close(evaluation, reference, tolerance: 1e-4, scale: 0), "evaluation loss \(evaluation), PyTorch \(reference)")
    }
}
