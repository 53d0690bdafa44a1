/// One layer of a model description, independent of any input size: what a notebook's
/// `model:` list or a benchmark names. `Network` turns a list of them into layers.
public enum LayerSpec: Hashable, Sendable, Codable, CustomStringConvertible {
    /// `dense N`
    case dense(units: Int)
    /// `batchnorm`
    case batchNorm
    /// `layernorm`
    case layerNorm
    /// `relu`, `sigmoid`, `tanh`
    case activation(Activation.Function)
    /// `dropout P`
    case dropout(rate: Double)

    public var description: String {
        switch self {
        case .dense(let units): "dense \(units)"
        case .batchNorm: "batchnorm"
        case .layerNorm: "layernorm"
        case .activation(let function): function.rawValue
        case .dropout(let rate): "dropout \(rate)"
        }
    }
}
