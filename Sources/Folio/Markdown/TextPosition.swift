import Foundation

/// Line and column of a byte in a notebook's text, for messages about the bytes themselves
/// (invalid UTF-8, a NUL) before cmark has seen them.
enum TextPosition {
    /// Where the UTF-8 byte at `index` of `text` stands (columns count characters).
    static func location(of index: String.UTF8View.Index, in text: String, file: String) -> SourceLocation {
        var line = 1, column = 1
        for character in text[..<index] {
            if character == "\n" || character == "\r\n" { line += 1; column = 1 } else { column += 1 }
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    /// Where the first byte that is not part of valid UTF-8 stands.
    static func firstInvalidUTF8(_ data: Data, file: String) -> SourceLocation {
        let bytes = [UInt8](data)
        var line = 1, column = 1, index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 0
            let valid = length > 0 && index + length <= bytes.count
                && String(bytes: bytes[index..<index + length], encoding: .utf8) != nil
            if !valid { break }
            if byte == 0x0A { line += 1; column = 1 } else { column += 1 }
            index += length
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}
