import Foundation

/// Reads the `.bib` file a notebook names.
enum BibliographyFile {
    /// What reading gave: the works by key, the file (for `watch`), and any mistakes.
    struct Contents: Sendable {
        var references: [String: Reference]
        var url: URL?
        var diagnostics: Diagnostics

        /// A bibliography that could not be read, with the message at `location`.
        static func failed(_ location: SourceLocation, _ message: String) -> Contents {
            var diagnostics = Diagnostics()
            diagnostics.error(location, message)
            return Contents(references: [:], url: nil, diagnostics: diagnostics)
        }

        /// No file system to read from.
        static func missing(_ location: SourceLocation) -> Contents {
            failed(location, "cannot read a bibliography here")
        }
    }

    /// `(url, folder shown in messages, path as written, where it is named) → contents`.
    typealias Reader = @Sendable (URL, String, String, SourceLocation) -> Contents

    /// Reads and parses `url`; messages about the file name it as `folder/path`.
    static let read: Reader = { url, folder, path, location in
        let shown = folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
        guard let data = try? Data(contentsOf: url) else {
            return .failed(location, "cannot read the bibliography '\(path)' (looked for \(shown))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failed(TextPosition.firstInvalidUTF8(data, file: shown), "the bibliography is not valid UTF-8 text")
        }
        return parse(text, file: shown, url: url)
    }

    /// The works of BibTeX `text`, read from `file`.
    static func parse(_ text: String, file: String, url: URL?) -> Contents {
        let (entries, diagnostics) = BibTeXParser.parse(text, file: file)
        var references: [String: Reference] = [:]
        for entry in entries { references[entry.key] = Reference(entry) }
        return Contents(references: references, url: url, diagnostics: diagnostics)
    }
}
