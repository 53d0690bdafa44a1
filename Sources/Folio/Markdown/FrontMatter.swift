/// The optional YAML block between `---` lines at the very top of a notebook.
struct FrontMatter: Sendable {
    var title: String?
    var author: String?
    var date: String?
    var seed: UInt64?
    /// Keys applied to every experiment before its own.
    var defaults: [YAMLValue.Entry] = []
    /// Named values that directive bodies use as `$name`, overridable with `--set`.
    var params: [String: YAMLValue] = [:]
    /// Whether raw HTML in the prose is kept (dropped by default).
    var unsafeHTML = false

    static let keys = ["title", "author", "date", "seed", "defaults", "params", "unsafe_html"]

    /// Splits `text` into front matter (YAML text and the line its body starts on) and the
    /// document, in which the front matter's lines are left blank so that cmark's line
    /// numbers are the file's.
    static func split(_ text: String) -> (yaml: String?, document: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.trimmingCharacters(in: .whitespaces) == "---" else { return (nil, text) }
        guard let end = lines.indices.dropFirst().first(where: {
            let line = lines[$0].trimmingCharacters(in: .whitespaces)
            return line == "---" || line == "..."
        }) else { return (nil, text) }
        let yaml = lines[1..<end].joined(separator: "\n")
        for index in 0...end { lines[index] = "" }
        return (yaml, lines.joined(separator: "\n"))
    }

    /// Reads the front matter's keys.
    static func read(_ value: YAMLValue, _ diagnostics: inout Diagnostics) -> FrontMatter {
        var result = FrontMatter()
        guard let entries = value.entries("the front matter", known: keys, &diagnostics) else { return result }
        for entry in entries {
            let value = entry.value
            switch entry.key {
            case "title": result.title = value.string("title", &diagnostics)
            case "author": result.author = value.string("author", &diagnostics)
            case "date": result.date = value.string("date", &diagnostics)
            case "seed": result.seed = value.integer("seed", &diagnostics, minimum: 0).map(UInt64.init)
            case "unsafe_html": result.unsafeHTML = value.boolean("unsafe_html", &diagnostics) ?? false
            case "defaults": result.defaults = value.entries("defaults", known: ExperimentKeys.overridable, &diagnostics) ?? []
            case "params":
                for parameter in value.entries("params", known: [], &diagnostics) ?? [] {
                    result.params[parameter.key] = parameter.value
                }
            default: break
            }
        }
        return result
    }
}

import Foundation
