/// A feed-forward stack of layers ending in logits, trained with softmax cross-entropy.
public final class Network {
    /// The layers in order.
    public let layers: [any Layer]
    /// Shape of one input example.
    public let inputShape: FeatureShape
    /// Every layer's parameters, in layer order (what the optimizer updates).
    public let parameters: [Parameter]

    /// Builds `specs` for inputs of `inputShape`, drawing initial weights (and, later,
    /// dropout masks) from `generator`.
    public init(
        specs: [LayerSpec], inputShape: FeatureShape, initializer: Initializer = .glorot,
        batchNorm: BatchNormOptions = BatchNormOptions(), generator: RandomGenerator
    ) {
        var shape = inputShape
        var layers: [any Layer] = []
        for spec in specs {
            let layer: any Layer
            switch spec {
            case .dense(let units):
                layer = Dense(inputShape: shape, units: units, initializer: initializer, generator: generator)
            case .batchNorm:
                layer = BatchNorm(shape: shape, options: batchNorm)
            case .layerNorm:
                layer = LayerNorm(shape: shape)
            case .activation(let function):
                layer = Activation(function, shape: shape)
            case .dropout(let rate):
                layer = Dropout(rate: Float(rate), shape: shape, generator: generator)
            case .convolution(let filters, let kernel, let stride, let padding):
                layer = Convolution(inputShape: shape, filters: filters, kernel: kernel, stride: stride, padding: padding,
                                    initializer: initializer, generator: generator)
            case .maxPool(let size):
                layer = MaxPool(shape: shape, size: size)
            case .flatten:
                layer = Flatten(shape: shape)
            }
            layers.append(layer)
            shape = layer.outputShape
        }
        self.layers = layers
        self.inputShape = inputShape
        self.parameters = layers.flatMap(\.parameters)
    }

    /// Shape of one output example (the logits).
    public var outputShape: FeatureShape { layers.last?.outputShape ?? inputShape }

    /// Number of learnable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Runs a batch [batch, inputShape.count] through every layer; the result is owned by
    /// the last layer.
    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        var activations = input
        for layer in layers { activations = layer.forward(activations, training: training) }
        return activations
    }

    /// Runs a batch through layers `0...last` only, returning that layer's output (owned
    /// by the layer): e.g. the input to a nonlinearity, to watch its distribution.
    public func output(of input: Matrix, throughLayer last: Int, training: Bool) -> Matrix {
        precondition(layers.indices.contains(last), "output(throughLayer:): no layer \(last)")
        var activations = input
        for layer in layers[...last] { activations = layer.forward(activations, training: training) }
        return activations
    }

    /// Back-propagates the gradient of the loss with respect to the logits, leaving every
    /// parameter's gradient set. The input gradient of the first layer is not computed.
    public func backward(_ outputGradient: Matrix) {
        var gradient = outputGradient
        for index in layers.indices.reversed() {
            gradient = layers[index].backward(gradient, needsInputGradient: index > 0)
        }
    }

    /// Back-propagates and applies plain SGD with `learningRate` layer by layer, fused where
    /// a layer can (see `Layer.backwardUpdating`): the same updates as `backward` then
    /// `SGD.step()` up to rounding (a fused dense layer adds −η xᵀ·dy in one product), without
    /// materializing the dense layers' weight gradients unless `keepingGradients`, which
    /// computes them too and changes no update.
    public func backwardUpdating(_ outputGradient: Matrix, learningRate: Float, keepingGradients: Bool = false) {
        var gradient = outputGradient
        for index in layers.indices.reversed() {
            gradient = layers[index].backwardUpdating(
                gradient, needsInputGradient: index > 0, learningRate: learningRate, keepingGradients: keepingGradients)
        }
    }
}
