/// Reinterprets an image as a flat vector. The data is already stored flattened (NCHW), so
/// this only changes the shape that later layers see.
public final class Flatten: Layer {
    public let inputShape: FeatureShape
    public var outputShape: FeatureShape { FeatureShape(vector: inputShape.count) }
    public var parameters: [Parameter] { [] }
    public var description: String { "flatten" }

    public init(shape: FeatureShape) { inputShape = shape }

    public func forward(_ input: Matrix, training: Bool) -> Matrix { input }
    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix { outputGradient }
}
