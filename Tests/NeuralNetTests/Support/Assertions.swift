import Synchronization
import Testing

@testable import NeuralNet

/// ‖a − b‖ / (‖a‖ + ‖b‖), 0 when both are zero: the relative error of one gradient
/// against another, insensitive to the scale of either.
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    var difference = 0.0, sizeA = 0.0, sizeB = 0.0
    for (x, y) in zip(a, b) {
        difference += (x - y) * (x - y)
        sizeA += x * x
        sizeB += y * y
    }
    let scale = sizeA.squareRoot() + sizeB.squareRoot()
    return scale == 0 ? 0 : difference.squareRoot() / scale
}

/// Expects every element of `actual` within `tolerance` (absolute plus relative) of `expected`.
func expectClose(
    _ actual: [Float], _ expected: [Double], tolerance: Double = 1e-4, _ what: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
    for (index, (a, e)) in zip(actual, expected).enumerated() where abs(Double(a) - e) > tolerance * (1 + abs(e)) {
        Issue.record("\(what)[\(index)] = \(a), expected \(e)", sourceLocation: sourceLocation)
        return
    }
}

/// A matrix of values drawn uniformly from ±(margin … margin + spread), so that no value
/// sits near a kink at zero (ReLU) where finite differences would straddle it.
func randomMatrix(rows: Int, columns: Int, seed: UInt64, margin: Float = 0.1, spread: Float = 1) -> Matrix {
    let generator = RandomGenerator(seed: seed)
    let matrix = Matrix(rows: rows, columns: columns)
    for i in 0..<matrix.count {
        let magnitude = margin + spread * generator.uniformFloat()
        matrix.data[i] = generator.uniformFloat() < 0.5 ? -magnitude : magnitude
    }
    return matrix
}

/// `count` distinct values 0.05 apart, centred on 0, in an order drawn from `seed`: no two
/// are within a finite-difference step of each other (for layers that compare values).
func distinctValues(rows: Int, columns: Int, seed: UInt64) -> Matrix {
    var order = Array(0..<rows * columns)
    order.withUnsafeMutableBufferPointer { RandomGenerator(seed: seed).shuffle($0) }
    return Matrix(rows: rows, columns: columns, values: order.map { Float($0 - rows * columns / 2) * 0.05 })
}

/// Σ y · r in Double: a scalar loss whose gradient with respect to y is exactly r.
func weightedSum(_ y: Matrix, _ r: Matrix) -> Double {
    precondition(y.count == r.count)
    var total = 0.0
    for i in 0..<y.count { total += Double(y.data[i]) * Double(r.data[i]) }
    return total
}

/// Centred finite differences (f(v + h) − f(v − h)) / 2h of `loss` with respect to each
/// of the `count` values at `values`, perturbed in place and restored.
func numericGradient(
    of loss: () -> Double, values: UnsafeMutablePointer<Float>, count: Int, step: Float = 1e-2
) -> [Double] {
    (0..<count).map { i in
        let saved = values[i]
        values[i] = saved + step
        let plus = loss()
        values[i] = saved - step
        let minus = loss()
        values[i] = saved
        return (plus - minus) / (2 * Double(step))
    }
}

/// Checks a layer's input and parameter gradients against finite differences of
/// Σ forward(x) · r, in the given mode. Returns the worst relative error found.
@discardableResult
func checkGradients(
    of layer: any Layer, batch: Int, training: Bool = true, seed: UInt64 = 1, margin: Float = 0.1,
    input given: Matrix? = nil, tolerance: Double = 1e-2, sourceLocation: SourceLocation = #_sourceLocation
) -> Double {
    let input = given ?? randomMatrix(rows: batch, columns: layer.inputShape.count, seed: seed, margin: margin)
    let upstream = randomMatrix(rows: batch, columns: layer.outputShape.count, seed: seed + 100, margin: 0)
    let loss = { weightedSum(layer.forward(input, training: training), upstream) }

    _ = layer.forward(input, training: training)
    let inputGradient = layer.backward(upstream, needsInputGradient: true).values.map(Double.init)
    let parameterGradients = layer.parameters.map { $0.gradient.values.map(Double.init) }

    var worst = relativeError(inputGradient, numericGradient(of: loss, values: input.data, count: input.count))
    #expect(worst < tolerance, "\(layer.description): input gradient error \(worst)", sourceLocation: sourceLocation)
    for (parameter, analytic) in zip(layer.parameters, parameterGradients) {
        let numeric = numericGradient(of: loss, values: parameter.value.data, count: parameter.value.count)
        let error = relativeError(analytic, numeric)
        #expect(error < tolerance, "\(layer.description).\(parameter.name): gradient error \(error)", sourceLocation: sourceLocation)
        worst = max(worst, error)
    }
    return worst
}

/// Serializes the tests that switch the helper thread off and on: the switch is global and
/// tests run concurrently.
private let helperSwitch = Mutex(())

/// Runs `body` with the helper thread off, then on, and returns both results; records an
/// issue if the helper took no part in the second run.
func withHelperOffAndOn<T>(_ body: () -> T, sourceLocation: SourceLocation = #_sourceLocation) -> (alone: T, shared: T) {
    helperSwitch.withLock { _ in
        let wasEnabled = Parallel.isEnabled
        defer { Parallel.isEnabled = wasEnabled }
        Parallel.isEnabled = false
        let alone = body()
        Parallel.isEnabled = true
        let before = Parallel.handOffs
        let shared = body()
        #expect(Parallel.handOffs > before, "the helper took no part", sourceLocation: sourceLocation)
        return (alone, shared)
    }
}
