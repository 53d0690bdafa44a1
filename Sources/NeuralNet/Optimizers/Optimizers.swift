#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CKernels

/// Which optimizer to train with, and its settings.
public enum OptimizerKind: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Plain stochastic gradient descent: w −= η g.
    case sgd
    /// SGD with (heavy-ball) momentum, Keras's form: v = μ v − η g; w += v.
    case momentum(Double)
    /// Adam (Kingma and Ba, 2015) with Keras's defaults β₁ 0.9, β₂ 0.999, ε 1e-7.
    case adam

    public var description: String {
        switch self {
        case .sgd: "sgd"
        case .momentum(let momentum): "momentum \(momentum)"
        case .adam: "adam"
        }
    }

    /// A fresh optimizer of this kind for `parameters`.
    public func make(learningRate: Float, parameters: [Parameter]) -> Optimizer {
        switch self {
        case .sgd: SGD(learningRate: learningRate, parameters: parameters)
        case .momentum(let momentum): Momentum(learningRate: learningRate, momentum: Float(momentum), parameters: parameters)
        case .adam: Adam(learningRate: learningRate, parameters: parameters)
        }
    }
}

/// Updates a fixed list of parameters from their current gradients, one step at a time.
/// Any per-parameter state (velocities, moments) is allocated once, at creation.
public class Optimizer {
    /// Step size η.
    public var learningRate: Float
    /// The parameters this optimizer updates.
    public let parameters: [Parameter]

    init(learningRate: Float, parameters: [Parameter]) {
        self.learningRate = learningRate
        self.parameters = parameters
    }

    /// The learning rate when this update is plain SGD, which the trainer fuses into the
    /// backward pass (`Layer.backwardUpdating`); nil otherwise.
    var fusableRate: Float? { nil }

    /// Applies one update to every parameter.
    public func step() {
        for (index, parameter) in parameters.enumerated() {
            update(parameter.value.data, gradient: parameter.gradient.data, count: parameter.value.count, index: index)
        }
    }

    /// Updates the `index`th parameter's `count` values in place.
    func update(_ value: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>, count: Int, index: Int) {
        fatalError("subclasses override update")
    }
}

/// w −= η g.
public final class SGD: Optimizer {
    override var fusableRate: Float? { learningRate }

    override func update(_ value: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>, count: Int, index: Int) {
        let rate = learningRate
        for i in 0..<count { value[i] -= rate * gradient[i] }
    }
}

/// v = μ v − η g; w += v.
public final class Momentum: Optimizer {
    /// μ, the fraction of the previous velocity kept.
    public let momentum: Float
    private let velocities: [UnsafeMutablePointer<Float>]

    init(learningRate: Float, momentum: Float, parameters: [Parameter]) {
        self.momentum = momentum
        velocities = parameters.map { zeroBuffer(count: $0.value.count) }
        super.init(learningRate: learningRate, parameters: parameters)
    }

    deinit { velocities.forEach { $0.deallocate() } }

    override func update(_ value: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>, count: Int, index: Int) {
        let velocity = velocities[index], rate = learningRate, mu = momentum
        for i in 0..<count {
            velocity[i] = mu * velocity[i] - rate * gradient[i]
            value[i] += velocity[i]
        }
    }
}

/// m = β₁ m + (1 − β₁) g; v = β₂ v + (1 − β₂) g²; w −= η̂ m / (√v + ε) with the bias
/// correction folded into η̂ = η √(1 − β₂ᵗ) / (1 − β₁ᵗ), as Keras does.
public final class Adam: Optimizer {
    private let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7
    private let firstMoments: [UnsafeMutablePointer<Float>]
    private let secondMoments: [UnsafeMutablePointer<Float>]
    private var correctedRate: Float = 0
    private var steps = 0

    override init(learningRate: Float, parameters: [Parameter]) {
        firstMoments = parameters.map { zeroBuffer(count: $0.value.count) }
        secondMoments = parameters.map { zeroBuffer(count: $0.value.count) }
        super.init(learningRate: learningRate, parameters: parameters)
    }

    deinit { (firstMoments + secondMoments).forEach { $0.deallocate() } }

    public override func step() {
        steps += 1
        let t = Float(steps)
        correctedRate = learningRate * (1 - powf(beta2, t)).squareRoot() / (1 - powf(beta1, t))
        super.step()
    }

    override func update(_ value: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>, count: Int, index: Int) {
        let update = AdamUpdate(
            value: value, gradient: gradient, m: firstMoments[index], v: secondMoments[index],
            beta1: beta1, beta2: beta2, rate: correctedRate, epsilon: epsilon)
        Parallel.split(count, work: 4 * count, update)
    }
}

/// Adam's update of one parameter, over a range of its elements.
private struct AdamUpdate: SplitLoop {
    let value: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>
    let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>
    let beta1: Float, beta2: Float, rate: Float, epsilon: Float

    func run(_ range: Range<Int>) {
        let b1 = beta1, b2 = beta2, rate = rate, eps = epsilon
        if AVX2.isAvailable {
            let i = range.lowerBound
            folio_adam(range.count, value + i, gradient + i, m + i, v + i, b1, b2, rate, eps)
            return
        }
        for i in range {
            let g = gradient[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            value[i] -= rate * m[i] / (v[i].squareRoot() + eps)
        }
    }
}

private func zeroBuffer(count: Int) -> UnsafeMutablePointer<Float> {
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
    buffer.initialize(repeating: 0, count: count)
    return buffer
}
