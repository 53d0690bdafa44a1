#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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

    /// Adam's update (eight elements at a time where the CPU has AVX2, with a scalar tail)
    /// gives what its formula gives element by element in Float, bit for bit: 21 elements, so
    /// two whole vectors and a tail, over three steps with gradients of every sign and size.
    @Test func adamMatchesItsFormulaBitForBit() {
        let count = 21
        let start = (0..<count).map { Float($0) * 0.37 - 3 }
        let gradients: [[Float]] = (1...3).map { step in
            (0..<count).map { i in
                let mantissa = sinf(Float(i * 3 + step) * 1.7)
                return mantissa * powf(10, Float(i % 5 - 2))
            }
        }
        let w = parameter(start, gradient: gradients[0])
        let optimizer = OptimizerKind.adam.make(learningRate: 0.01, parameters: [w])
        var value = start, m = [Float](repeating: 0, count: count), v = m
        let (beta1, beta2, epsilon): (Float, Float, Float) = (0.9, 0.999, 1e-7)
        for (step, gradient) in gradients.enumerated() {
            for i in 0..<count { w.gradient.data[i] = gradient[i] }
            optimizer.step()
            let t = Float(step + 1)
            let rate = 0.01 * (1 - powf(beta2, t)).squareRoot() / (1 - powf(beta1, t))
            for i in 0..<count {
                let g = gradient[i]
                m[i] = beta1 * m[i] + (1 - beta1) * g
                v[i] = beta2 * v[i] + (1 - beta2) * g * g
                value[i] -= rate * m[i] / (v[i].squareRoot() + epsilon)
            }
        }
        #expect(w.value.values.map { $0.bitPattern } == value.map { $0.bitPattern })
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
