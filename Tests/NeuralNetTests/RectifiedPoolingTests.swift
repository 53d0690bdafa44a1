import Testing

@testable import NeuralNet

/// `RectifiedPooling` (batch normalization, ReLU and 2×2 pooling as one pass each way) must
/// give the layers' own numbers bit for bit.
@Suite(.enabled(if: AVX2.isAvailable, "the fused pass runs where the CPU has AVX2"))
struct RectifiedPoolingTests {
    /// Values on a coarse grid, so that windows hold ties (the pooling's gradient goes to the
    /// first maximum) and the ReLU sees zeros and negatives.
    static func gridValues(_ count: Int, generator: RandomGenerator) -> [Float] {
        (0..<count).map { _ in Float(generator.integer(below: 16)) / 4 - 2 }
    }

    static func layers(_ shape: FeatureShape, batchNorm: Bool, generator: RandomGenerator) -> [any Layer] {
        var layers: [any Layer] = []
        if batchNorm {
            let norm = BatchNorm(shape: shape)
            for c in 0..<shape.channels {
                norm.gamma.value.data[c] = 0.5 + generator.uniformFloat()
                norm.beta.value.data[c] = generator.uniformFloat() - 0.5
            }
            layers.append(norm)
        }
        return layers + [Activation(.relu, shape: shape), MaxPool(shape: shape, size: 2)]
    }

    /// The first index where the two differ in any bit (or in length), nil when they are the same.
    static func firstDifference(_ a: [Float], _ b: [Float]) -> Int? {
        guard a.count == b.count else { return min(a.count, b.count) }
        return a.indices.first { a[$0].bitPattern != b[$0].bitPattern }
    }

    /// Shapes: small, odd channel counts, rows of whole vectors of eight outputs and of
    /// vectors and a remainder, rows that start inside a vector of the sums' lanes (widths 6,
    /// 14 and 36) and planes that end in part of one (14 × 14, the report's second block), and
    /// one large enough for the loops to be split between two threads.
    @Test(arguments: [
        (true, FeatureShape(channels: 3, height: 4, width: 6), 2), (false, FeatureShape(channels: 3, height: 4, width: 6), 2),
        (true, FeatureShape(channels: 5, height: 10, width: 2), 3), (false, FeatureShape(channels: 1, height: 2, width: 2), 1),
        (true, FeatureShape(channels: 3, height: 2, width: 16), 2), (false, FeatureShape(channels: 2, height: 4, width: 36), 2),
        (true, FeatureShape(channels: 2, height: 4, width: 36), 2), (true, FeatureShape(channels: 8, height: 14, width: 14), 3),
        (true, FeatureShape(channels: 16, height: 28, width: 28), 12), (false, FeatureShape(channels: 16, height: 28, width: 28), 12),
    ])
    func passesEqualTheLayers(batchNorm: Bool, shape: FeatureShape, batch: Int) throws {
        for training in [true, false] {
            let generator = RandomGenerator(seed: 7)
            let separate = Self.layers(shape, batchNorm: batchNorm, generator: RandomGenerator(seed: 8))
            let fusedLayers = Self.layers(shape, batchNorm: batchNorm, generator: RandomGenerator(seed: 8))
            let stage = try #require(RectifiedPooling(fusedLayers, at: 0))
            #expect(stage.layerCount == separate.count)
            let input = Matrix(rows: batch, columns: shape.count, values: Self.gridValues(batch * shape.count, generator: generator))
            let outputGradient = Matrix(
                rows: batch, columns: shape.count / 4, values: Self.gridValues(batch * shape.count / 4, generator: generator))
            // Twice, so that the second pass sees running statistics and gradients that were
            // already set.
            for _ in 0..<2 {
                var expected = input
                for layer in separate { expected = layer.forward(expected, training: training) }
                var expectedGradient = outputGradient
                for layer in separate.reversed() { expectedGradient = layer.backward(expectedGradient, needsInputGradient: true) }
                let output = stage.forward(input, training: training)
                let gradient = stage.backward(outputGradient, needsInputGradient: true)
                #expect(Self.firstDifference(output.values, expected.values) == nil, "output")
                #expect(Self.firstDifference(gradient.values, expectedGradient.values) == nil, "input gradient")
                if let norm = separate.first as? BatchNorm, let fusedNorm = fusedLayers.first as? BatchNorm {
                    #expect(Self.firstDifference(fusedNorm.gamma.gradient.values, norm.gamma.gradient.values) == nil, "dγ")
                    #expect(Self.firstDifference(fusedNorm.beta.gradient.values, norm.beta.gradient.values) == nil, "dβ")
                    #expect(Self.firstDifference(fusedNorm.runningMean, norm.runningMean) == nil, "running mean")
                    #expect(Self.firstDifference(fusedNorm.runningVariance, norm.runningVariance) == nil, "running variance")
                }
            }
        }
    }

    @Test func onlyReLUThenExactPoolingFuses() {
        let shape = FeatureShape(channels: 2, height: 4, width: 4)
        let odd = FeatureShape(channels: 2, height: 5, width: 4)
        #expect(RectifiedPooling([Activation(.relu, shape: shape), MaxPool(shape: shape, size: 2)], at: 0) != nil)
        #expect(RectifiedPooling([Activation(.tanh, shape: shape), MaxPool(shape: shape, size: 2)], at: 0) == nil)
        #expect(RectifiedPooling([Activation(.relu, shape: odd), MaxPool(shape: odd, size: 2)], at: 0) == nil)
        #expect(RectifiedPooling([Activation(.relu, shape: shape), MaxPool(shape: shape, size: 4)], at: 0) == nil)
        #expect(RectifiedPooling([BatchNorm(shape: shape), Activation(.relu, shape: shape)], at: 0) == nil)
        let norm = BatchNorm(shape: shape)
        #expect(RectifiedPooling([norm, Activation(.relu, shape: shape), MaxPool(shape: shape, size: 2)], at: 0)?.layerCount == 3)
    }

    /// Whole networks, fused and not, trained a few steps with Adam and with the fused SGD
    /// update: the same parameters bit for bit.
    @Test(arguments: [true, false])
    func networksTrainTheSame(batchNorm: Bool) {
        let specs: [LayerSpec] = [.convolution(filters: 4, kernel: 3, stride: 1, padding: .same)] + (batchNorm ? [.batchNorm] : [])
            + [.activation(.relu), .maxPool(size: 2), .convolution(filters: 6, kernel: 3, stride: 1, padding: .same)]
            + (batchNorm ? [.batchNorm] : []) + [.activation(.relu), .maxPool(size: 2), .flatten, .dense(units: 3)]
        let shape = FeatureShape(channels: 2, height: 8, width: 12)
        for adam in [true, false] {
            var parameters: [[Float]] = []
            for fusing in [true, false] {
                let generator = RandomGenerator(seed: 11)
                let network = Network(specs: specs, inputShape: shape, generator: generator, fusing: fusing)
                let optimizer = OptimizerKind.adam.make(learningRate: 0.01, parameters: network.parameters)
                let loss = SoftmaxCrossEntropy(classes: 3)
                let data = RandomGenerator(seed: 12)
                for _ in 0..<3 {
                    let batch = Matrix(rows: 5, columns: shape.count, values: Self.gridValues(5 * shape.count, generator: data))
                    let labels = (0..<5).map { _ in Int32(data.integer(below: 3)) }
                    let logits = network.forward(batch, training: true)
                    _ = loss.evaluate(logits: logits, labels: labels, computeGradient: true)
                    if adam {
                        network.backward(loss.gradient)
                        optimizer.step()
                    } else {
                        network.backwardUpdating(loss.gradient, learningRate: 0.05)
                    }
                }
                let evaluation = network.forward(Matrix(rows: 2, columns: shape.count, values: Self.gridValues(2 * shape.count, generator: data)),
                                                 training: false)
                parameters.append(network.parameters.flatMap(\.value.values) + evaluation.values)
            }
            #expect(Self.firstDifference(parameters[0], parameters[1]) == nil, adam ? "Adam" : "SGD")
        }
    }
}
