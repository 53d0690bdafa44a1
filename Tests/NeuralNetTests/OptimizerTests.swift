import Testing

@testable import NeuralNet

@Suite struct OptimizerTests {
    /// A parameter holding `values` with gradient `gradient`.
    func parameter(_ values: [Float], gradient: [Float]) -> Parameter {
        let parameter = Parameter(name: "w", value: Matrix(rows: 1, columns: values.count, values: values))
        for (i, g) in gradient.enumerated() { parameter.gradient.data[i] = g }
        return parameter
    }

    @Test func sgdStepsAgainstTheGradient() {
        let w = parameter([1, -2], gradient: [0.5, -1])
        OptimizerKind.sgd.make(learningRate: 0.1, parameters: [w]).step()
        #expect(w.value.values == [0.95, -1.9])
    }

    @Test func momentumAccumulatesVelocity() {
        let w = parameter([0], gradient: [1])
        let optimizer = OptimizerKind.momentum(0.9).make(learningRate: 0.1, parameters: [w])
        optimizer.step()            // v = −0.1, w = −0.1
        optimizer.step()            // v = 0.9·(−0.1) − 0.1 = −0.19, w = −0.29
        #expect(abs(w.value[0, 0] + 0.29) < 1e-6)
    }

    /// Adam's first step moves each weight by about the learning rate, whatever the
    /// gradient's size: m̂ / √v̂ = g / |g|.
    @Test func adamFirstStepIsSignedLearningRate() {
        let w = parameter([1, 1, 1], gradient: [1000, -0.001, 3])
        OptimizerKind.adam.make(learningRate: 0.01, parameters: [w]).step()
        let moved = w.value.values.map { $0 - 1 }
        #expect(abs(moved[0] + 0.01) < 1e-5)
        #expect(abs(moved[1] - 0.01) < 1e-4)
        #expect(abs(moved[2] + 0.01) < 1e-5)
    }

    @Test func adamMinimizesAQuadratic() {
        // f(w) = Σ (w − 3)², gradient 2 (w − 3).
        let w = parameter([0, 10], gradient: [0, 0])
        let optimizer = OptimizerKind.adam.make(learningRate: 0.1, parameters: [w])
        for _ in 0..<2000 {
            for i in 0..<2 { w.gradient.data[i] = 2 * (w.value.data[i] - 3) }
            optimizer.step()
        }
        #expect(w.value.values.allSatisfy { abs($0 - 3) < 1e-2 })
    }
}
