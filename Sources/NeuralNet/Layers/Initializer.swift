#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a layer's weights are drawn before training. Biases start at zero.
public enum Initializer: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Uniform in ±sqrt(6 / (fanIn + fanOut)) (Glorot and Bengio, 2010). Keras's default.
    case glorot
    /// Normal with deviation sqrt(2 / fanIn) (He et al., 2015), suited to ReLU.
    case he
    /// Normal with the given standard deviation.
    case normal(Double)

    /// Fills `count` weights of a layer with `fanIn` inputs and `fanOut` outputs per weight.
    func fill(_ weights: UnsafeMutablePointer<Float>, count: Int, fanIn: Int, fanOut: Int, generator: RandomGenerator) {
        switch self {
        case .glorot:
            let limit = (6.0 / Double(fanIn + fanOut)).squareRoot()
            for i in 0..<count { weights[i] = Float((generator.uniform() * 2 - 1) * limit) }
        case .he:
            let deviation = (2.0 / Double(fanIn)).squareRoot()
            for i in 0..<count { weights[i] = Float(generator.normal() * deviation) }
        case .normal(let deviation):
            for i in 0..<count { weights[i] = Float(generator.normal() * deviation) }
        }
    }

    public var description: String {
        switch self {
        case .glorot: "glorot"
        case .he: "he"
        case .normal(let deviation): "normal \(deviation)"
        }
    }
}
