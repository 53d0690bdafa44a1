import Foundation
import Testing

@testable import NeuralNet

@Suite struct LayerTests {
    @Test func denseComputesAffineMap() {
        let generator = RandomGenerator(seed: 1)
        let layer = Dense(inputShape: FeatureShape(vector: 2), units: 3, initializer: .glorot, generator: generator)
        let weights: [Float] = [1, 2, 3, 4, 5, 6]
        for i in 0..<6 { layer.weight.value.data[i] = weights[i] }
        for i in 0..<3 { layer.bias.value.data[i] = Float(i) }
        let output = layer.forward(Matrix(rows: 2, columns: 2, values: [1, 1, 2, -1]), training: true)
        // [1 1]·W + b = [5 7 9] + [0 1 2]; [2 −1]·W + b = [−2 −1 0] + [0 1 2]
        #expect(output.values == [5, 8, 11, -2, 0, 2])
    }

    @Test func glorotStaysWithinItsLimit() {
        let generator = RandomGenerator(seed: 2)
        let layer = Dense(inputShape: FeatureShape(vector: 784), units: 300, initializer: .glorot, generator: generator)
        let limit = Float((6.0 / 1084.0).squareRoot())
        let values = layer.weight.value.values
        #expect(values.allSatisfy { abs($0) <= limit })
        // Uniform on ±limit has variance limit² / 3.
        let variance = values.map { Double($0 * $0) }.reduce(0, +) / Double(values.count)
        #expect(abs(variance - Double(limit * limit) / 3) < 0.02 * Double(limit * limit))
        #expect(layer.bias.value.values.allSatisfy { $0 == 0 })
    }

    @Test(arguments: [(Initializer.he, (2.0 / 400.0).squareRoot()), (.normal(0.05), 0.05)])
    func normalInitializersHaveTheirDeviation(_ initializer: Initializer, _ deviation: Double) {
        let layer = Dense(inputShape: FeatureShape(vector: 400), units: 200, initializer: initializer, generator: RandomGenerator(seed: 3))
        let values = layer.weight.value.values.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let measured = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        #expect(abs(mean) < 0.02 * deviation)
        #expect(abs(measured - deviation) < 0.02 * deviation)
    }

    @Test func dropoutScalesKeptInputsAndIsIdentityInEvaluation() {
        let layer = Dropout(rate: 0.25, shape: FeatureShape(vector: 1000), generator: RandomGenerator(seed: 4))
        let input = Matrix(rows: 4, columns: 1000)
        input.fill(1)
        let output = layer.forward(input, training: true).values
        let kept = output.filter { $0 != 0 }
        #expect(kept.allSatisfy { abs($0 - 4.0 / 3.0) < 1e-6 })
        #expect(abs(Double(kept.count) / 4000 - 0.75) < 0.03)
        #expect(layer.forward(input, training: false).values.allSatisfy { $0 == 1 })
    }

    @Test func layerNormNormalizesEachExample() {
        let layer = LayerNorm(shape: FeatureShape(vector: 4), epsilon: 0)
        let output = layer.forward(Matrix(rows: 2, columns: 4, values: [1, 2, 3, 4, -10, 0, 10, 20]), training: false)
        for row in 0..<2 {
            let values = (0..<4).map { Double(output[row, $0]) }
            #expect(abs(values.reduce(0, +)) < 1e-5)
            #expect(abs(values.map { $0 * $0 }.reduce(0, +) / 4 - 1) < 1e-5)
        }
    }

    @Test func networkShapesAndParameterCounts() {
        let network = Network(
            specs: BenchmarkShapes.mlpBatchNorm, inputShape: FeatureShape(channels: 1, height: 28, width: 28),
            generator: RandomGenerator(seed: 5))
        #expect(network.layers.map(\.outputShape.count) == [300, 300, 300, 100, 100, 100, 10])
        // 784·300 + 300 + 2·300 + 300·100 + 100 + 2·100 + 100·10 + 10
        #expect(network.parameterCount == 266_610 + 800)
        #expect(network.layers.map(\.description) == ["dense 300", "batchnorm", "relu", "dense 100", "batchnorm", "relu", "dense 10"])
    }

    @Test func softmaxCrossEntropyIsStableForHugeLogits() {
        let loss = SoftmaxCrossEntropy(classes: 3)
        let logits = Matrix(rows: 2, columns: 3, values: [1000, 0, -1000, 0, 0, 0])
        let labels: [Int32] = [0, 2]
        let result = labels.withUnsafeBufferPointer {
            loss.evaluate(logits: logits, labels: $0.baseAddress!, computeGradient: true)
        }
        // Example 1 is certain and right (loss 0); example 2 is uniform (loss log 3).
        let expected = Foundation.log(3.0) / 2
        #expect(abs(Double(result.loss) - expected) < 1e-6)
        #expect(result.correct == 1)
        #expect(loss.gradient.values.allSatisfy { $0.isFinite })
    }
}

/// The reference network's layers, as the benchmark uses them.
enum BenchmarkShapes {
    static let mlpBatchNorm: [LayerSpec] = [
        .dense(units: 300), .batchNorm, .activation(.relu), .dense(units: 100), .batchNorm, .activation(.relu),
        .dense(units: 10),
    ]
}
