import Testing

@testable import NeuralNet

/// The engine's small-batch kernels (`SmallProducts`) against a Double reference, against
/// sgemm's path, and split over threads against one thread.
@Suite(.enabled(if: AVX2.isAvailable, "needs AVX2 and FMA"))
struct SmallProductsTests {
    /// Shapes whose column counts leave every remainder modulo the kernels' 8 lanes, and the
    /// report's first layer (large enough to be split over the helper thread).
    static let shapes: [(inputs: Int, units: Int)] = [(1, 1), (5, 3), (13, 29), (40, 8), (31, 300), (784, 300)]

    @Test(arguments: 1...SmallProducts.maximumRows)
    func forwardMatchesADoubleReference(rows: Int) {
        for (inputs, units) in Self.shapes {
            let x = randomMatrix(rows: rows, columns: inputs, seed: 1, margin: 0)
            let w = randomMatrix(rows: inputs, columns: units, seed: 2, margin: 0)
            let y = randomMatrix(rows: rows, columns: units, seed: 3, margin: 0)
            let start = y.values
            SmallProducts.forward(input: x, weights: w, output: y)
            let expected = (0..<rows * units).map { index -> Double in
                let (r, j) = index.quotientAndRemainder(dividingBy: units)
                return Double(start[index]) + (0..<inputs).map { Double(x[r, $0]) * Double(w[$0, j]) }.reduce(0, +)
            }
            expectClose(y.values, expected, tolerance: 1e-5, "y for \(rows)×\(inputs)·\(inputs)×\(units)")
        }
    }

    @Test(arguments: 1...SmallProducts.maximumRows)
    func backwardMatchesADoubleReference(rows: Int) {
        for (inputs, units) in Self.shapes {
            let x = randomMatrix(rows: rows, columns: inputs, seed: 4, margin: 0)
            let dy = randomMatrix(rows: rows, columns: units, seed: 5, margin: 0)
            let w = randomMatrix(rows: inputs, columns: units, seed: 6, margin: 0)
            let before = w.values
            let dx = Matrix(rows: rows, columns: inputs), gradient = Matrix(rows: inputs, columns: units)
            let rate: Float = 0.25
            SmallProducts.backward(
                input: x, outputGradient: dy, weights: w, inputGradient: dx, gradient: gradient, rate: rate, update: true)
            let expectedDx = (0..<rows * inputs).map { index -> Double in
                let (r, i) = index.quotientAndRemainder(dividingBy: inputs)
                return (0..<units).map { Double(dy[r, $0]) * Double(before[i * units + $0]) }.reduce(0, +)
            }
            let expectedGradient = (0..<inputs * units).map { index -> Double in
                let (i, j) = index.quotientAndRemainder(dividingBy: units)
                return (0..<rows).map { Double(x[$0, i]) * Double(dy[$0, j]) }.reduce(0, +)
            }
            let shape = "\(rows) rows, \(inputs)×\(units)"
            expectClose(dx.values, expectedDx, tolerance: 1e-5, "dx, \(shape)")
            expectClose(gradient.values, expectedGradient, tolerance: 1e-5, "gradient, \(shape)")
            expectClose(
                w.values, zip(before, expectedGradient).map { Double($0) - Double(rate) * $1 }, tolerance: 1e-5,
                "updated weights, \(shape)")
        }
    }

    /// What the backward pass computes does not depend on what else it is asked for: the
    /// update is the same with the gradient kept or not, the gradient the same with or
    /// without the update, and the input gradient comes from the weights before the update.
    @Test func backwardPartsAreIndependent() {
        let x = randomMatrix(rows: 3, columns: 37, seed: 7, margin: 0), dy = randomMatrix(rows: 3, columns: 21, seed: 8, margin: 0)
        func run(dx: Bool, gradient: Bool, update: Bool) -> (dx: [Float], gradient: [Float], weights: [Float]) {
            let w = randomMatrix(rows: 37, columns: 21, seed: 9, margin: 0)
            let dxMatrix = Matrix(rows: 3, columns: 37), gradientMatrix = Matrix(rows: 37, columns: 21)
            SmallProducts.backward(
                input: x, outputGradient: dy, weights: w, inputGradient: dx ? dxMatrix : nil,
                gradient: gradient ? gradientMatrix : nil, rate: 0.1, update: update)
            return (dxMatrix.values, gradientMatrix.values, w.values)
        }
        let all = run(dx: true, gradient: true, update: true)
        #expect(run(dx: false, gradient: false, update: true).weights == all.weights)
        #expect(run(dx: false, gradient: true, update: false).gradient == all.gradient)
        #expect(run(dx: true, gradient: false, update: false).dx == all.dx)
    }

    /// A layer large enough to be split over the helper thread, at batch 2, split and not:
    /// the same bits.
    @Test func splittingChangesNoNumber() {
        let (inputs, units) = (1024, SmallProducts.minimumSplitWeights / 1024 + 5)
        func run() -> [[Float]] {
            let x = randomMatrix(rows: 2, columns: inputs, seed: 10, margin: 0), dy = randomMatrix(rows: 2, columns: units, seed: 11, margin: 0)
            let w = randomMatrix(rows: inputs, columns: units, seed: 12, margin: 0), y = Matrix(rows: 2, columns: units)
            let dx = Matrix(rows: 2, columns: inputs), gradient = Matrix(rows: inputs, columns: units)
            SmallProducts.forward(input: x, weights: w, output: y)
            SmallProducts.backward(input: x, outputGradient: dy, weights: w, inputGradient: dx, gradient: gradient, rate: 0.01, update: true)
            return [y.values, dx.values, gradient.values, w.values]
        }
        let (alone, shared) = withHelperOffAndOn(run)
        #expect(alone == shared)
    }

    /// A dense layer at the largest small batch and at the next (sgemm's path) computes the
    /// same function: the outputs, input gradients and updates of a shared batch agree.
    @Test func denseAgreesWithTheGeneralPath() {
        let rows = SmallProducts.maximumRows
        let x = randomMatrix(rows: rows + 1, columns: 50, seed: 13, margin: 0)
        let dy = randomMatrix(rows: rows + 1, columns: 19, seed: 14, margin: 0)
        for i in 0..<19 { dy.data[rows * 19 + i] = 0 }  // the extra row changes no gradient
        func run(batch: Int) -> (y: [Float], dx: [Float], weights: [Float]) {
            let layer = Dense(inputShape: FeatureShape(vector: 50), units: 19, initializer: .glorot, generator: RandomGenerator(seed: 15))
            let input = Matrix(rows: batch, columns: 50), gradient = Matrix(rows: batch, columns: 19)
            input.data.update(from: x.data, count: batch * 50)
            gradient.data.update(from: dy.data, count: batch * 19)
            let y = Array(layer.forward(input, training: true).values.prefix(rows * 19))
            let dx = layer.backwardUpdating(gradient, needsInputGradient: true, learningRate: 0.5, keepingGradients: false)
            return (y, Array(dx.values.prefix(rows * 50)), layer.weight.value.values)
        }
        let small = run(batch: rows), general = run(batch: rows + 1)
        expectClose(small.y, general.y.map(Double.init), tolerance: 1e-5, "y")
        expectClose(small.dx, general.dx.map(Double.init), tolerance: 1e-5, "dx")
        expectClose(small.weights, general.weights.map(Double.init), tolerance: 1e-5, "weights")
    }
}
