/// How a convolution treats the border.
public enum Padding: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Zero-pad so that, at stride 1, the output has the input's height and width (odd kernels).
    case same
    /// No padding: the kernel stays inside the image.
    case valid
    /// This many zeros on every side.
    case explicit(Int)

    /// Zeros added on each side for a kernel of `size`.
    func amount(kernel size: Int) -> Int {
        switch self {
        case .same: (size - 1) / 2
        case .valid: 0
        case .explicit(let amount): amount
        }
    }

    public var description: String {
        switch self {
        case .same: "same"
        case .valid: "valid"
        case .explicit(let amount): "padding \(amount)"
        }
    }
}
