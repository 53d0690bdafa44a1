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
    /// `conv N KxK`, optionally `stride S` and `valid`, `same` or `padding P`
    case convolution(filters: Int, kernel: Int, stride: Int, padding: Padding)
    /// `maxpool K`
    case maxPool(size: Int)
    /// `flatten`
    case flatten

    public var description: String {
        switch self {
        case .dense(let units): "dense \(units)"
        case .batchNorm: "batchnorm"
        case .layerNorm: "layernorm"
        case .activation(let function): function.rawValue
        case .dropout(let rate): "dropout \(rate)"
        case .convolution(let filters, let kernel, let stride, let padding):
            "conv \(filters) \(kernel)x\(kernel)" + (stride == 1 ? "" : " stride \(stride)") + (padding == .same ? "" : " \(padding)")
        case .maxPool(let size): "maxpool \(size)"
        case .flatten: "flatten"
        }
    }

    /// The shape this layer produces from `input`, or why it does not fit.
    public func outputShape(for input: FeatureShape) -> Result<FeatureShape, ShapeError> {
        switch self {
        case .dense(let units): .success(FeatureShape(vector: units))
        case .batchNorm, .layerNorm, .activation, .dropout: .success(input)
        case .convolution(let filters, let kernel, let stride, let padding):
            Convolution.outputShape(input: input, filters: filters, kernel: kernel, stride: stride, padding: padding)
        case .maxPool(let size): MaxPool.outputShape(input: input, size: size)
        case .flatten: .success(FeatureShape(vector: input.count))
        }
    }
}
