import Foundation

/// A heading's label, written after its text as in Quarto and Pandoc: `## Batch sizes {#sec-batch}`.
enum HeadingLabel {
    /// The heading's text without the label, and the label; nil when there is none.
    static func split(_ text: String) -> (text: String, label: String)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix("}"), let open = trimmed.range(of: "{#", options: .backwards) else { return nil }
        let label = String(trimmed[open.upperBound..<trimmed.index(before: trimmed.endIndex)])
        guard !label.isEmpty, !label.contains(where: { $0 == " " || $0 == "{" || $0 == "}" }) else { return nil }
        return (String(trimmed[..<open.lowerBound]).trimmingCharacters(in: .whitespaces), label)
    }
}
