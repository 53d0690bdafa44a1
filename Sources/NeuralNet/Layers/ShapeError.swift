/// Why a layer does not fit its input.
public struct ShapeError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
