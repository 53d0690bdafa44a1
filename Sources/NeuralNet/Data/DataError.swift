/// Why a data file could not be used. Every case names the file, so the message alone tells
/// a person what to fix.
public struct DataError: Error, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Problem: Equatable, Sendable {
        /// The file does not exist.
        case missing
        /// The file exists but could not be read.
        case unreadable(String)
        /// The file holds no bytes.
        case empty
        /// The file ends before the data its header announces.
        case truncated(expected: Int, found: Int)
        /// The file holds more bytes than its header announces.
        case trailingBytes(expected: Int, found: Int)
        /// The header's magic number is not the expected one.
        case wrongMagic(expected: UInt32, found: UInt32)
        /// The dimensions in the header are not what this kind of file has.
        case wrongDimensions(String)
        /// Images and labels disagree on the number of examples.
        case countMismatch(images: Int, labels: Int)
        /// A label is outside the classes of the data set.
        case badLabel(value: Int, index: Int, classes: Int)
        /// A compressed file could not be decompressed.
        case corruptCompression(String)
        /// A synthetic or named data set is unknown or its parameters are impossible.
        case invalid(String)
    }

    /// The file (or data set name) concerned.
    public var path: String
    /// What was wrong with it.
    public var problem: Problem

    public init(path: String, _ problem: Problem) {
        self.path = path
        self.problem = problem
    }

    /// `path: what was wrong`.
    public var description: String { "\(path): \(message)" }

    /// What was wrong, without the path.
    public var message: String {
        switch problem {
        case .missing: "file not found"
        case .unreadable(let reason): "cannot read the file (\(reason))"
        case .empty: "the file is empty"
        case .truncated(let expected, let found): "the file is truncated: expected \(expected) bytes, found \(found)"
        case .trailingBytes(let expected, let found): "unexpected trailing data: expected \(expected) bytes, found \(found)"
        case .wrongMagic(let expected, let found):
            "not the expected file type: magic number \(hex(found)), expected \(hex(expected))"
        case .wrongDimensions(let detail): "unexpected dimensions: \(detail)"
        case .countMismatch(let images, let labels): "\(images) images but \(labels) labels"
        case .badLabel(let value, let index, let classes): "label \(value) of example \(index) is not in 0..<\(classes)"
        case .corruptCompression(let detail): "corrupt gzip data (\(detail))"
        case .invalid(let detail): detail
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
