import Foundation
import Testing

@testable import NeuralNet

/// The engine's numbers, guarded: the result cache trusts `Engine.version` to change
/// whenever a run's numbers may, and this test holds it to that. A few steps of small fixed
/// networks (dense with BatchNorm, LayerNorm and dropout; convolutions with BatchNorm and
/// pooling at both im2col paths, directly and through Winograd; each optimizer; SGD keeping its gradients) are hashed, bit for
/// bit, and compared with the hashes recorded in `Engine.goldenNumbers` for this version and
/// this machine's arithmetic (the BLAS kernels: other kernels round differently).
@Suite struct GoldenNumbersTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var layers: [LayerSpec]
        var optimizer: OptimizerKind
        var learningRate: Float
        var images: Bool
        var keepsGradients = false
        var batchSize = 16
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "dense-batchnorm-sgd", layers: [.dense(units: 16), .batchNorm, .activation(.relu), .dense(units: 3)],
             optimizer: .sgd, learningRate: 0.1, images: false),
        Case(name: "dense-batchnorm-sgd-keeping-gradients",
             layers: [.dense(units: 16), .batchNorm, .activation(.relu), .dense(units: 3)],
             optimizer: .sgd, learningRate: 0.1, images: false, keepsGradients: true),
        Case(name: "dense-batchnorm-sgd-batch-2", layers: [.dense(units: 16), .batchNorm, .activation(.relu), .dense(units: 3)],
             optimizer: .sgd, learningRate: 0.05, images: false, batchSize: 2),
        Case(name: "dense-batchnorm-sgd-batch-2-keeping-gradients",
             layers: [.dense(units: 16), .batchNorm, .activation(.relu), .dense(units: 3)],
             optimizer: .sgd, learningRate: 0.05, images: false, keepsGradients: true, batchSize: 2),
        Case(name: "dense-layernorm-dropout-momentum",
             layers: [.dense(units: 16), .layerNorm, .activation(.tanh), .dropout(rate: 0.25), .dense(units: 3)],
             optimizer: .momentum(0.9), learningRate: 0.05, images: false),
        Case(name: "dense-batchnorm-adam", layers: [.dense(units: 16), .batchNorm, .activation(.sigmoid), .dense(units: 3)],
             optimizer: .adam, learningRate: 0.01, images: false),
        Case(name: "conv-batchnorm-pool-adam",
             layers: [.convolution(filters: 4, kernel: 3, stride: 1, padding: .same), .batchNorm, .activation(.relu),
                      .maxPool(size: 2), .flatten, .dense(units: 3)],
             optimizer: .adam, learningRate: 0.01, images: true),
        // The second convolution (over 4 channels) goes through Winograd's transforms.
        Case(name: "conv-conv-batchnorm-adam",
             layers: [.convolution(filters: 4, kernel: 3, stride: 1, padding: .same), .activation(.relu),
                      .convolution(filters: 6, kernel: 3, stride: 1, padding: .same), .batchNorm, .activation(.relu),
                      .maxPool(size: 2), .flatten, .dense(units: 3)],
             optimizer: .adam, learningRate: 0.01, images: true),
        Case(name: "conv-stride-valid-sgd",
             layers: [.convolution(filters: 3, kernel: 3, stride: 2, padding: .valid), .batchNorm, .activation(.relu),
                      .flatten, .dense(units: 3)],
             optimizer: .sgd, learningRate: 0.05, images: true),
    ]

    /// 96 examples in three classes: 2-D blobs, or 2×8×8 images whose classes differ in
    /// brightness.
    static func data(images: Bool) -> Dataset {
        guard images else { return Synthetic.blobs(count: 96, seed: 11) }
        let generator = RandomGenerator(seed: 12)
        let shape = FeatureShape(channels: 2, height: 8, width: 8)
        let labels = (0..<96).map { Int32($0 % 3) }
        let features = labels.flatMap { label in
            (0..<shape.count).map { _ in generator.uniformFloat() + 0.3 * Float(label) }
        }
        return Dataset(name: "images", shape: shape, classNames: ["a", "b", "c"], features: features, labels: labels)
    }

    /// Trains the case for two epochs in batches of 16 (or its own size) and hashes every epoch's metrics (wall
    /// times aside), every parameter and every BatchNorm's running statistics.
    static func hash(_ test: Case) -> String {
        let data = data(images: test.images)
        let (training, validation) = data.splitValidation(count: 16)
        let generator = RandomGenerator(seed: 5)
        let network = Network(specs: test.layers, inputShape: data.shape, generator: generator)
        let trainer = Trainer(
            network: network, optimizer: test.optimizer.make(learningRate: test.learningRate, parameters: network.parameters),
            generator: generator)
        trainer.keepsGradients = test.keepsGradients
        let history = trainer.train(on: training, validation: validation, epochs: 2, batchSize: test.batchSize)
        var hasher = BitHasher()
        for epoch in history.epochs {
            for value in [epoch.loss, epoch.accuracy, epoch.validationLoss ?? .nan, epoch.validationAccuracy ?? .nan] {
                hasher.add(value.bitPattern)
            }
        }
        for parameter in network.parameters {
            for value in parameter.value.values { hasher.add(UInt64(value.bitPattern)) }
        }
        for case let norm as BatchNorm in network.layers {
            for value in norm.runningMean + norm.runningVariance { hasher.add(UInt64(value.bitPattern)) }
        }
        return hasher.hex
    }

    /// FNV-1a over 64-bit words.
    struct BitHasher {
        private(set) var state: UInt64 = 0xcbf2_9ce4_8422_2325
        mutating func add(_ word: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) {
                state ^= (word >> UInt64(shift)) & 0xff
                state = state &* 0x100_0000_01b3
            }
        }
        var hex: String { String(state, radix: 16) }
    }

    static var recorded: [String: String]? { Engine.goldenNumbers.hashes[Engine.arithmetic] }

    @Test(.enabled(if: recorded != nil, "golden numbers are recorded for \(Engine.goldenNumbers.hashes.keys.sorted()) only"),
          arguments: cases)
    func numbersMatchTheEngineVersion(_ test: Case) throws {
        let hash = Self.hash(test)
        guard Engine.goldenNumbers.version == Engine.version else {
            Issue.record("""
                Engine.version is \(Engine.version) but Engine.goldenNumbers are recorded for \
                \(Engine.goldenNumbers.version): record this version's hashes there (\(test.name): "\(hash)").
                """)
            return
        }
        let expected = try #require(Self.recorded?[test.name], "no golden hash recorded for \(test.name): record \"\(hash)\"")
        #expect(hash == expected, """
            \(test.name) computes other numbers than Engine.version \(Engine.version) recorded on \(Engine.arithmetic) \
            (hash \(hash), recorded \(expected)). If the change is meant, move Engine.version, so that \
            cached results of the old numbers are not reused, and record the new hashes in Engine.goldenNumbers; \
            if it is not, find the change that moved the numbers.
            """)
    }

    /// Recording gradients must not change a run's numbers.
    @Test func keepingGradientsGivesTheSameNumbers() {
        #expect(Self.hash(Self.cases[0]) == Self.hash(Self.cases[1]))
        // At batch 2, through the engine's small-batch kernels.
        #expect(Self.hash(Self.cases[2]) == Self.hash(Self.cases[3]))
    }
}
