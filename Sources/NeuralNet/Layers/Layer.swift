/// A learnable tensor and the gradient of the loss with respect to it.
public final class Parameter {
    /// Short name within its layer: `weight`, `bias`, `gamma`, `beta`.
    public let name: String
    /// Current value.
    public let value: Matrix
    /// Gradient from the latest backward pass (same shape as `value`).
    public let gradient: Matrix

    /// A parameter holding `value`, with a zero gradient of the same shape.
    public init(name: String, value: Matrix) {
        self.name = name
        self.value = value
        self.gradient = Matrix(rows: value.rows, columns: value.columns)
    }
}

/// One stage of a network. Layers own their parameters and whatever their backward pass
/// needs from the forward pass, and reuse their output matrices across batches.
///
/// `forward` returns a matrix owned by the layer, valid until its next `forward`; `backward`
/// must follow the `forward` of the same batch and returns the gradient with respect to the
/// input (owned by the layer likewise). Shapes are `[batch, inputShape.count]` in and
/// `[batch, outputShape.count]` out.
public protocol Layer: AnyObject {
    /// The layer as written in a model description, e.g. `dense 300`.
    var description: String { get }
    /// Shape of one input example.
    var inputShape: FeatureShape { get }
    /// Shape of one output example.
    var outputShape: FeatureShape { get }
    /// Learnable parameters, in a fixed order (empty for activations).
    var parameters: [Parameter] { get }
    /// Computes the output for a batch. `training` selects batch statistics and dropout.
    func forward(_ input: Matrix, training: Bool) -> Matrix
    /// Accumulates nothing: overwrites each parameter's gradient with this batch's, and
    /// returns the input gradient unless `needsInputGradient` is false (the first layer),
    /// in which case the returned matrix's contents are unspecified.
    func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix
    /// `backward` followed by plain SGD on this layer's parameters (w −= η ∂L/∂w), which a
    /// layer may fuse: `Dense` adds −η xᵀ·dy straight into its weights, never writing the
    /// gradient. The trainer always updates plain SGD this way, so a fused layer's numbers
    /// are the numbers of SGD. Parameter gradients are left set when `keepingGradients` is
    /// true (a fused layer then computes them as well, changing no update), else unspecified.
    func backwardUpdating(_ outputGradient: Matrix, needsInputGradient: Bool, learningRate: Float, keepingGradients: Bool)
        -> Matrix
}

extension Layer {
    public func backwardUpdating(_ outputGradient: Matrix, needsInputGradient: Bool, learningRate: Float, keepingGradients: Bool)
        -> Matrix
    {
        let inputGradient = backward(outputGradient, needsInputGradient: needsInputGradient)
        descend(learningRate: learningRate)
        return inputGradient
    }

    /// One step of plain SGD on every parameter from its gradient: value −= learningRate · gradient.
    func descend(learningRate: Float) {
        for parameter in parameters {
            let value = parameter.value.data, gradient = parameter.gradient.data
            for i in 0..<parameter.value.count { value[i] -= learningRate * gradient[i] }
        }
    }
}

extension Layer {
    /// Number of learnable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
}
