/// A feed-forward stack of layers ending in logits, trained with softmax cross-entropy.
public final class Network {
    /// The layers in order.
    public let layers: [any Layer]
    /// Shape of one input example.
    public let inputShape: FeatureShape
    /// Every layer's parameters, in layer order (what the optimizer updates).
    public let parameters: [Parameter]

    /// How `forward` and the backward passes run the layers: one by one, or a run of them as
    /// one pass (`RectifiedPooling`), with the same results.
    private enum Stage {
        case layer(Int)
        case rectifiedPooling(RectifiedPooling, first: Int)
    }
    private let stages: [Stage]

    /// Builds `specs` for inputs of `inputShape`, drawing initial weights (and, later,
    /// dropout masks) from `generator`.
    public convenience init(
        specs: [LayerSpec], inputShape: FeatureShape, initializer: Initializer = .glorot,
        batchNorm: BatchNormOptions = BatchNormOptions(), generator: RandomGenerator
    ) {
        self.init(specs: specs, inputShape: inputShape, initializer: initializer, batchNorm: batchNorm, generator: generator,
                  fusing: true)
    }

    /// The network, with runs of layers fused into one pass where they can be or (for tests
    /// comparing the two) never.
    init(
        specs: [LayerSpec], inputShape: FeatureShape, initializer: Initializer = .glorot,
        batchNorm: BatchNormOptions = BatchNormOptions(), generator: RandomGenerator, fusing: Bool
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
        var stages: [Stage] = []
        var index = 0
        while index < layers.count {
            if fusing, let run = RectifiedPooling(layers, at: index) {
                stages.append(.rectifiedPooling(run, first: index))
                index += run.layerCount
            } else {
                stages.append(.layer(index))
                index += 1
            }
        }
        self.stages = stages
    }

    /// Shape of one output example (the logits).
    public var outputShape: FeatureShape { layers.last?.outputShape ?? inputShape }

    /// Number of learnable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Runs a batch [batch, inputShape.count] through every layer; the result is owned by
    /// the last layer.
    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        var activations = input
        for stage in stages {
            switch stage {
            case .layer(let index): activations = layers[index].forward(activations, training: training)
            case .rectifiedPooling(let run, _): activations = run.forward(activations, training: training)
            }
        }
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
        for stage in stages.reversed() {
            switch stage {
            case .layer(let index): gradient = layers[index].backward(gradient, needsInputGradient: index > 0)
            case .rectifiedPooling(let run, let first): gradient = run.backward(gradient, needsInputGradient: first > 0)
            }
        }
    }

    /// Back-propagates and applies plain SGD with `learningRate` layer by layer, fused where
    /// a layer can (see `Layer.backwardUpdating`): the same updates as `backward` then
    /// `SGD.step()` up to rounding (a fused dense layer adds −η xᵀ·dy in one product), without
    /// materializing the dense layers' weight gradients unless `keepingGradients`, which
    /// computes them too and changes no update.
    public func backwardUpdating(_ outputGradient: Matrix, learningRate: Float, keepingGradients: Bool = false) {
        var gradient = outputGradient
        for stage in stages.reversed() {
            switch stage {
            case .layer(let index):
                gradient = layers[index].backwardUpdating(
                    gradient, needsInputGradient: index > 0, learningRate: learningRate, keepingGradients: keepingGradients)
            case .rectifiedPooling(let run, let first):
                gradient = run.backward(
                    gradient, needsInputGradient: first > 0, learningRate: learningRate, keepingGradients: keepingGradients)
            }
        }
    }
}
