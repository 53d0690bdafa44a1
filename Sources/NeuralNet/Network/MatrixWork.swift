/// The floating-point operations of a model's matrix products for one training example,
/// counted from its layers: a dense layer does 2·in·out forward and 4·in·out backward (the
/// weight gradient and the input gradient), a convolution the same per output position of
/// its im2col product (in = C·K·K), except that the first layer has no input gradient to
/// compute (its input is the data). Element-wise layers count nothing here.
public struct MatrixWork: Sendable, Equatable {
    /// Multiply-adds ×2, forward and backward, per training example.
    public var flopsPerExample: Double
    /// Learnable scalars.
    public var parameters: Double
    /// Values the layers write per example (each output, and a convolution's patches).
    public var valuesPerExample: Double

    /// The work of `layers` on inputs of `shape`; nil when the layers do not fit it.
    public init?(_ layers: [LayerSpec], input shape: FeatureShape) {
        var shape = shape
        var flops = 0.0, values = 0.0, parameters = 0.0
        for (index, layer) in layers.enumerated() {
            guard case .success(let output) = layer.outputShape(for: shape) else { return nil }
            let inputs = Double(shape.count), outputs = Double(output.count)
            let passes: Double = index == 0 ? 4 : 6
            switch layer {
            case .dense(let units):
                flops += passes * inputs * Double(units)
                parameters += (inputs + 1) * Double(units)
            case .convolution(let filters, let kernel, _, _):
                let patch = Double(shape.channels * kernel * kernel)
                flops += passes * patch * outputs
                parameters += (patch + 1) * Double(filters)
                values += patch * Double(output.height * output.width)
            case .batchNorm, .layerNorm:
                parameters += 2 * Double(output.channels)
            case .activation, .dropout, .maxPool, .flatten:
                break
            }
            values += outputs
            shape = output
        }
        flopsPerExample = flops
        self.parameters = parameters
        valuesPerExample = values
    }
}
