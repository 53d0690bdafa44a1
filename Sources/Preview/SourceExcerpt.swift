import Folio
import Foundation

/// The line a diagnostic points into, with a caret under its column, as a compiler shows it:
///
///        12 | model: [dense 32, batchnrom, relu]
///           |                   ^
enum SourceExcerpt {
    /// The excerpt for `location`, reading its file relative to `directory`; nil when the
    /// file or the line cannot be read.
    static func excerpt(_ location: SourceLocation, relativeTo directory: URL, cache: inout [String: [Substring]]) -> String? {
        let lines: [Substring]
        if let known = cache[location.file] {
            lines = known
        } else {
            let url = location.file.hasPrefix("/") ? URL(fileURLWithPath: location.file) : directory.appendingPathComponent(location.file)
            guard let data = try? Data(contentsOf: url), data.count <= 16 << 20 else { return nil }
            lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            cache[location.file] = lines
        }
        guard location.line >= 1, location.line <= lines.count else { return nil }
        let text = lines[location.line - 1].replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\t", with: " ")
        let number = String(location.line)
        let gutter = String(repeating: " ", count: number.count)
        let column = min(max(location.column, 1), text.count + 1)
        return "\(number) | \(text)\n\(gutter) | \(String(repeating: " ", count: column - 1))^"
    }

    /// Each diagnostic followed by its excerpt, indented, as the terminal shows them.
    static func annotated(_ diagnostics: [Diagnostic], relativeTo directory: URL) -> [(Diagnostic, String?)] {
        var cache: [String: [Substring]] = [:]
        return diagnostics.map { ($0, excerpt($0.location, relativeTo: directory, cache: &cache)) }
    }
}
