import Testing

@testable import NeuralNet

/// Every layer's backward pass against centred finite differences (Float32, step 1e-2,
/// relative error below 1e-2).
@Suite struct GradientCheckTests {
    let generator = RandomGenerator(seed: 42)

    @Test func dense() {
        let layer = Dense(inputShape: FeatureShape(vector: 7), units: 5, initializer: .glorot, generator: generator)
        // A non-zero bias, so that its gradient is checked away from the initial value.
        for i in 0..<5 { layer.bias.value.data[i] = Float(i) * 0.1 - 0.2 }
        checkGradients(of: layer, batch: 4)
    }

    /// Past `SmallProducts.maximumRows`, dense layers take sgemm's path.
    @Test func denseAtALargerBatch() {
        let layer = Dense(inputShape: FeatureShape(vector: 7), units: 5, initializer: .glorot, generator: generator)
        for i in 0..<5 { layer.bias.value.data[i] = Float(i) * 0.1 - 0.2 }
        checkGradients(of: layer, batch: SmallProducts.maximumRows + 2)
    }

    @Test func denseAfterImageInput() {
        let layer = Dense(inputShape: FeatureShape(channels: 2, height: 3, width: 2), units: 4, initializer: .he, generator: generator)
        checkGradients(of: layer, batch: 3)
    }

    @Test(arguments: Activation.Function.allCases)
    func activation(_ function: Activation.Function) {
        checkGradients(of: Activation(function, shape: FeatureShape(vector: 6)), batch: 5)
    }

    /// 19 values: the SIMD loops' vector part and their scalar tail are both exercised.
    @Test func reluOnUnevenLength() {
        checkGradients(of: Activation(.relu, shape: FeatureShape(vector: 19)), batch: 3)
    }

    @Test func batchNormDense() {
        let layer = BatchNorm(shape: FeatureShape(vector: 6))
        setAffine(layer.gamma, layer.beta)
        checkGradients(of: layer, batch: 8, margin: 0)
    }

    @Test func batchNormChannels() {
        let layer = BatchNorm(shape: FeatureShape(channels: 3, height: 2, width: 3), options: BatchNormOptions(epsilon: 1e-5))
        setAffine(layer.gamma, layer.beta)
        checkGradients(of: layer, batch: 4, margin: 0)
    }

    @Test func layerNorm() {
        let layer = LayerNorm(shape: FeatureShape(vector: 7))
        setAffine(layer.gamma, layer.beta)
        checkGradients(of: layer, batch: 4, margin: 0)
    }

    /// With the mask fixed (a fresh layer over the same seed for every evaluation), dropout
    /// is linear in its input; its gradient must match that function's differences.
    @Test func dropout() {
        let shape = FeatureShape(vector: 10)
        let input = randomMatrix(rows: 4, columns: 10, seed: 3)
        let upstream = randomMatrix(rows: 4, columns: 10, seed: 4, margin: 0)
        func fresh() -> Dropout { Dropout(rate: 0.3, shape: shape, generator: RandomGenerator(seed: 9)) }
        let layer = fresh()
        _ = layer.forward(input, training: true)
        let analytic = layer.backward(upstream, needsInputGradient: true).values.map(Double.init)
        let numeric = numericGradient(of: { weightedSum(fresh().forward(input, training: true), upstream) },
                                      values: input.data, count: input.count)
        #expect(relativeError(analytic, numeric) < 1e-2)
    }

    @Test func softmaxCrossEntropy() {
        let classes = 5, batch = 4
        let logits = randomMatrix(rows: batch, columns: classes, seed: 5, margin: 0, spread: 3)
        let labels: [Int32] = [0, 3, 4, 1]
        let loss = SoftmaxCrossEntropy(classes: classes)
        labels.withUnsafeBufferPointer { labelPointer in
            _ = loss.evaluate(logits: logits, labels: labelPointer.baseAddress!, computeGradient: true)
            let analytic = loss.gradient.values.map(Double.init)
            let numeric = numericGradient(
                of: { Double(loss.evaluate(logits: logits, labels: labelPointer.baseAddress!, computeGradient: false).loss) },
                values: logits.data, count: logits.count, step: 1e-2)
            #expect(relativeError(analytic, numeric) < 1e-2)
        }
    }

    /// The whole network, end to end: loss gradient through every layer type at once.
    @Test func networkParameters() {
        let generator = RandomGenerator(seed: 8)
        let network = Network(
            specs: [.dense(units: 6), .batchNorm, .activation(.tanh), .dense(units: 5), .layerNorm, .activation(.sigmoid),
                    .dense(units: 3)],
            inputShape: FeatureShape(vector: 4), generator: generator)
        let input = randomMatrix(rows: 6, columns: 4, seed: 11)
        let labels: [Int32] = [0, 1, 2, 2, 1, 0]
        let loss = SoftmaxCrossEntropy(classes: 3)
        labels.withUnsafeBufferPointer { labelPointer in
            func value() -> Double {
                Double(loss.evaluate(logits: network.forward(input, training: true), labels: labelPointer.baseAddress!,
                                     computeGradient: false).loss)
            }
            _ = loss.evaluate(logits: network.forward(input, training: true), labels: labelPointer.baseAddress!, computeGradient: true)
            network.backward(loss.gradient)
            // The first dense layer's bias feeds BatchNorm, which subtracts the batch mean:
            // the loss cannot depend on it, and its gradient must be exactly zero.
            let redundantBias = network.layers[0].parameters[1]
            #expect(redundantBias.gradient.values.allSatisfy { abs($0) < 1e-6 })
            for parameter in network.parameters where parameter !== redundantBias {
                let analytic = parameter.gradient.values.map(Double.init)
                let numeric = numericGradient(of: value, values: parameter.value.data, count: parameter.value.count)
                #expect(relativeError(analytic, numeric) < 1e-2, "\(parameter.name)")
            }
        }
    }

    /// Gamma and beta away from 1 and 0, so their gradients are checked in general position.
    private func setAffine(_ gamma: Parameter, _ beta: Parameter) {
        for i in 0..<gamma.value.count {
            gamma.value.data[i] = 0.5 + 0.25 * Float(i % 4)
            beta.value.data[i] = 0.3 * Float(i % 3) - 0.2
        }
    }
}
