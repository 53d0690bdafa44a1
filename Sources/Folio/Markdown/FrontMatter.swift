/// The optional YAML block between `---` lines at the very top of a notebook.
struct FrontMatter: Sendable {
    var title: String?
    var author: String?
    var date: String?
    var seed: UInt64?
    /// Settings applied to every experiment before its own.
    var defaults: [Setting] = []
    /// Whether reading `defaults` reported an error (every experiment builds on them).
    var defaultsHaveErrors = false
    /// Named values that directive bodies use as `$name`, overridable with `--set`.
    var params: [String: YAMLValue] = [:]
    /// Whether raw HTML in the prose is kept (dropped by default).
    var unsafeHTML = false
    /// The BibTeX file that citations refer to, relative to the notebook, and where it is named.
    var bibliography: (path: String, location: SourceLocation)?

    /// The printed page: `A4` (the default) or `letter`.
    var paper = "A4"

    static let keys = ["title", "author", "date", "seed", "defaults", "params", "unsafe_html", "bibliography", "paper"]

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

    /// Reads the front matter's keys. Params are read first and `overrides` (`--set`)
    /// applied to them, so that `defaults` may use `$name` wherever it stands.
    static func read(_ value: YAMLValue?, file: String, overrides: [String: String], _ diagnostics: inout Diagnostics) -> FrontMatter {
        var result = FrontMatter()
        let entries = value.flatMap { $0.entries("the front matter", known: keys, &diagnostics) } ?? []
        for entry in entries where entry.key == "params" {
            for parameter in entry.value.entries("params", known: [], &diagnostics) ?? [] {
                result.params[parameter.key] = parameter.value
            }
        }
        result.applyOverrides(overrides, file: file, &diagnostics)
        for entry in entries {
            let value = entry.value
            switch entry.key {
            case "title": result.title = value.string("title", &diagnostics)
            case "author": result.author = value.string("author", &diagnostics)
            case "date": result.date = value.string("date", &diagnostics)
            case "seed": result.seed = value.integer("seed", &diagnostics, minimum: 0).map(UInt64.init)
            case "unsafe_html": result.unsafeHTML = value.boolean("unsafe_html", &diagnostics) ?? false
            case "paper":
                guard let paper = value.string("paper", &diagnostics) else { continue }
                guard ["a4", "letter"].contains(paper.lowercased()) else {
                    diagnostics.error(value.location, "paper must be A4 or letter, not '\(paper)'")
                    continue
                }
                result.paper = paper.lowercased() == "a4" ? "A4" : "letter"
            case "bibliography": result.bibliography = value.string("bibliography", &diagnostics).map { ($0, value.location) }
            case "defaults":
                let before = diagnostics.all.count
                for setting in value.entries("defaults", known: ExperimentKeys.overridable, &diagnostics) ?? [] {
                    if let typed = ExperimentKeys.read(setting.key, result.substitute(setting.value, &diagnostics),
                                                       keyLocation: setting.keyLocation, &diagnostics) {
                        result.defaults.append(typed)
                    }
                }
                result.defaultsHaveErrors = diagnostics.all.count > before
            default: break
            }
        }
        return result
    }

    /// `--set name=value`: each name must be a declared param.
    private mutating func applyOverrides(_ overrides: [String: String], file: String, _ diagnostics: inout Diagnostics) {
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
            guard params[key] != nil else {
                let known = params.keys.sorted()
                diagnostics.error(SourceLocation(file: file, line: 1, column: 1),
                                  "--set \(key)=\(value): the notebook has no param '\(key)'\(suggestion(for: key, in: known))"
                                  + (known.isEmpty ? "" : "; its params: \(known.joined(separator: ", "))"))
                continue
            }
            params[key] = .scalar(value, SourceLocation(file: "--set", line: 1, column: 1))
        }
    }

    /// `value` with every scalar written `$name` replaced by the param's value.
    func substitute(_ value: YAMLValue, _ diagnostics: inout Diagnostics) -> YAMLValue {
        switch value {
        case .scalar(let text, let location):
            guard text.hasPrefix("$"), text.count > 1, !text.hasPrefix("$`") else { return value }
            let name = String(text.dropFirst())
            guard let replacement = params[name] else {
                diagnostics.error(location, "unknown param '$\(name)'\(suggestion(for: name, in: params.keys.sorted())); declare it under params: in the front matter")
                return value
            }
            // Keep the place of use, so later messages point here.
            if case .scalar(let text, _) = replacement { return .scalar(text, location) }
            return replacement
        case .sequence(let items, let location):
            return .sequence(items.map { substitute($0, &diagnostics) }, location)
        case .mapping(let entries, let location):
            return .mapping(entries.map { entry in
                var entry = entry
                entry.value = substitute(entry.value, &diagnostics)
                return entry
            }, location)
        }
    }
}
