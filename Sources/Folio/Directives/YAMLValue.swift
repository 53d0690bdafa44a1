import Yams

/// A YAML value and where it was written, converted from Yams's node tree so that every
/// later message can point at the exact key or value.
indirect enum YAMLValue: Sendable {
    case scalar(String, SourceLocation)
    case sequence([YAMLValue], SourceLocation)
    case mapping([Entry], SourceLocation)

    struct Entry: Sendable {
        var key: String
        var keyLocation: SourceLocation
        var value: YAMLValue
    }

    var location: SourceLocation {
        switch self {
        case .scalar(_, let location), .sequence(_, let location), .mapping(_, let location): location
        }
    }

    /// The text of a scalar (nil for collections).
    var text: String? {
        if case .scalar(let text, _) = self { return text }
        return nil
    }

    /// The value as one line of text: a scalar's text, a list as `[a, b]`, a mapping as
    /// `{k: v}` (names runs of a sweep).
    var summary: String {
        switch self {
        case .scalar(let text, _): text
        case .sequence(let items, _): "[" + items.map(\.summary).joined(separator: ", ") + "]"
        case .mapping(let entries, _): "{" + entries.map { "\($0.key): \($0.value.summary)" }.joined(separator: ", ") + "}"
        }
    }

    /// Whether `key` is a key of this mapping or of a mapping one level inside it.
    func mentions(key: String) -> Bool {
        guard case .mapping(let entries, _) = self else { return false }
        return entries.contains { entry in
            if entry.key == key { return true }
            if case .mapping(let inner, _) = entry.value { return inner.contains { $0.key == key } }
            return false
        }
    }

    /// A short description for messages: `'ten'`, `a list`, `a mapping`.
    var kindDescription: String {
        switch self {
        case .scalar(let text, _): "'\(text)'"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    /// Parses `text`, whose first line is line `firstLine` of `file` (indented by
    /// `column - 1`). An empty document is an empty mapping.
    static func parse(_ text: String, file: String, firstLine: Int, column: Int = 1) -> Result<YAMLValue, Diagnostic> {
        func located(_ mark: Mark?) -> SourceLocation {
            guard let mark else { return SourceLocation(file: file, line: firstLine, column: column) }
            return SourceLocation(file: file, line: firstLine + mark.line - 1, column: column + mark.column - 1)
        }
        func convert(_ node: Node) -> YAMLValue {
            switch node {
            case .scalar(let scalar): return .scalar(scalar.string, located(scalar.mark))
            case .sequence(let sequence): return .sequence(sequence.map(convert), located(sequence.mark))
            case .mapping(let mapping):
                return .mapping(mapping.map { key, value in
                    Entry(key: key.scalar?.string ?? "\(key)", keyLocation: located(key.mark), value: convert(value))
                }, located(mapping.mark))
            case .alias(let alias): return .scalar("*\(alias)", located(alias.mark))
            }
        }
        if let (deepLine, deepColumn) = tooDeep(text) {
            let location = SourceLocation(file: file, line: firstLine + deepLine - 1, column: column + deepColumn - 1)
            return .failure(Diagnostic(location, "YAML nested more than \(deepestNesting) levels deep"))
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                return .success(.mapping([], located(nil)))
            }
            return .success(convert(node))
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                 .composer(_, let problem, let mark, _):
                // metric[N] inside [a, b] opens a nested list: the usual cause of this message.
                let hint = problem.contains("',' or ']'") ? " (quote items that contain brackets, e.g. \"val_loss[3]\")"
                    : problem.contains("mapping values are not allowed") ? " (quote text that contains ': ', e.g. caption: \"Loss: by epoch\")"
                    : ""
                return .failure(Diagnostic(located(mark), "invalid YAML: \(problem)\(hint)"))
            case .duplicatedKeysInMapping(let duplicates, _):
                return .failure(Diagnostic(located(nil), "invalid YAML: duplicate key '\(duplicates.joined(separator: "', '"))'"))
            default:
                return .failure(Diagnostic(located(nil), "invalid YAML: \(error)"))
            }
        } catch {
            return .failure(Diagnostic(located(nil), "invalid YAML: \(error)"))
        }
    }
}

extension YAMLValue {
    /// Deeper flow collections (`[[[…]]]`) are refused before parsing: the YAML parser and
    /// the conversion above recurse once per level.
    static let deepestNesting = 64

    /// Where brackets or braces first open more than `deepestNesting` levels deep, counted
    /// over the whole text (quoted or not, which can only over-count), or nil.
    static func tooDeep(_ text: String) -> (line: Int, column: Int)? {
        var depth = 0, line = 1, column = 1
        for character in text {
            switch character {
            case "[", "{":
                depth += 1
                if depth > deepestNesting { return (line, column) }
            case "]", "}": depth = max(0, depth - 1)
            case "\n": line += 1; column = 0
            default: break
            }
            column += 1
        }
        return nil
    }
}

/// Typed reading of YAML values, with located messages for wrong types.
extension YAMLValue {
    func string(_ what: String, _ diagnostics: inout Diagnostics) -> String? {
        guard let text else {
            diagnostics.error(location, "\(what) must be text, not \(kindDescription)")
            return nil
        }
        return text
    }

    /// Whole numbers up to `maximum`, which keeps every later product of sizes (batch ×
    /// features, seeds, epochs × steps) far from overflowing.
    func integer(_ what: String, _ diagnostics: inout Diagnostics, minimum: Int? = nil, maximum: Int = YAMLValue.largestInteger) -> Int? {
        guard let text, let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            diagnostics.error(location, "\(what) must be a whole number, not \(kindDescription)")
            return nil
        }
        if let minimum, value < minimum {
            diagnostics.error(location, "\(what) must be at least \(minimum), not \(value)")
            return nil
        }
        if value > maximum {
            diagnostics.error(location, "\(what) must be at most \(maximum), not \(value)")
            return nil
        }
        return value
    }

    /// The largest whole number a setting takes (2³¹ − 1).
    static let largestInteger = Int(Int32.max)

    func number(_ what: String, _ diagnostics: inout Diagnostics, positive: Bool = false) -> Double? {
        guard let text, let value = Double(text), value.isFinite else {
            diagnostics.error(location, "\(what) must be a number, not \(kindDescription)")
            return nil
        }
        if positive && value <= 0 {
            diagnostics.error(location, "\(what) must be greater than 0, not \(text)")
            return nil
        }
        return value
    }

    func boolean(_ what: String, _ diagnostics: inout Diagnostics) -> Bool? {
        switch text?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            diagnostics.error(location, "\(what) must be true or false, not \(kindDescription)")
            return nil
        }
    }

    /// A list of scalars; a single scalar counts as a list of one.
    func strings(_ what: String, _ diagnostics: inout Diagnostics) -> [(String, SourceLocation)]? {
        switch self {
        case .scalar(let text, let location): return [(text, location)]
        case .sequence(let items, _):
            var result: [(String, SourceLocation)] = []
            for item in items {
                guard let text = item.text else {
                    diagnostics.error(item.location, "\(what) must be a list of names, not contain \(item.kindDescription)")
                    return nil
                }
                result.append((text, item.location))
            }
            return result
        case .mapping:
            diagnostics.error(location, "\(what) must be a name or a list, not a mapping")
            return nil
        }
    }

    /// The entries of a mapping, reporting unknown keys (with the nearest known one).
    func entries(_ what: String, known: [String], _ diagnostics: inout Diagnostics) -> [Entry]? {
        guard case .mapping(let entries, _) = self else {
            diagnostics.error(location, "\(what) must be a mapping of keys to values, not \(kindDescription)")
            return nil
        }
        var seen = Set<String>()
        var valid: [Entry] = []
        for entry in entries {
            if !known.isEmpty && !known.contains(entry.key) {
                diagnostics.error(entry.keyLocation, "unknown key '\(entry.key)' in \(what)\(suggestion(for: entry.key, in: known))")
            } else if !seen.insert(entry.key).inserted {
                diagnostics.error(entry.keyLocation, "duplicate key '\(entry.key)' in \(what)")
            } else {
                valid.append(entry)
            }
        }
        return valid
    }
}
