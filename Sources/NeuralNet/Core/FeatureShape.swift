/// The shape of one example: channels × height × width, stored flattened in that order
/// (NCHW for a batch). Vectors are `channels × 1 × 1`.
public struct FeatureShape: Hashable, Sendable, Codable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int

    /// An image shape.
    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// A flat vector of `count` features.
    public init(vector count: Int) { self.init(channels: count, height: 1, width: 1) }

    /// Number of scalars in one example.
    public var count: Int { channels * height * width }
    /// Positions per channel (`height * width`).
    public var spatialCount: Int { height * width }
    /// Whether this is a plain vector.
    public var isVector: Bool { height == 1 && width == 1 }

    /// `784` for vectors, `28x28x1` (height × width × channels) for images.
    public var description: String { isVector ? "\(channels)" : "\(height)x\(width)x\(channels)" }
}
