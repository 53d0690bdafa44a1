/// Labels: defined by directives (`label: fig-…`), math blocks (```` ```math {#eq-…} ````) and
/// headings (`## Title {#sec-…}`); each defined once, and every reference to one checked.
extension NotebookParser {
    /// Registers label `name` of a `kind` whose labels take `prefix`; nil after an error.
    mutating func define(_ name: String, at location: SourceLocation, kind: String, prefix: String) -> Label? {
        define(name, at: location, kind: kind, prefixes: [prefix])
    }

    mutating func define(_ name: String, at location: SourceLocation, kind: String, prefixes prefix: [String]) -> Label? {
        guard prefix.contains(where: { name.hasPrefix($0) }), name.count > 4,
              name.allSatisfy(Self.isKeyCharacter), Self.key(Array(name), from: 0) == name
        else {
            let prefixes = prefix.map { "'\($0)'" }.joined(separator: " or ")
            diagnostics.error(location, "\(kind)'s label must start with \(prefixes) followed by a name of letters, digits and '-', e.g. \(prefix[0])loss-curves; not '\(name)'")
            return nil
        }
        if let first = labels[name] {
            diagnostics.error(location, "duplicate label '\(name)' (first defined at line \(first.line))")
            return nil
        }
        labels[name] = location
        return Label(name: name, location: location)
    }

    /// The `label:` of a directive block.
    mutating func readLabel(_ value: YAMLValue, kind: String, prefix: String...) -> Label? {
        guard let name = value.string("label", &diagnostics) else { return nil }
        return define(name, at: value.location, kind: kind, prefixes: prefix)
    }

    /// Every reference names a label, and every citation a work of the bibliography.
    mutating func checkReferences(bibliography: [String: Reference]) {
        let names = labels.keys.sorted()
        for reference in references where labels[reference.name] == nil {
            diagnostics.error(reference.location, "no figure, table, equation or section labelled '\(reference.name)'\(suggestion(for: reference.name, in: names))")
        }
        guard let (path, _) = frontMatter.bibliography else {
            for citation in citations {
                diagnostics.error(citation.location, "'@\(citation.key)' cites a work, but the front matter names no bibliography (add bibliography: references.bib)")
            }
            return
        }
        let keys = bibliography.keys.sorted()
        for citation in citations where bibliography[citation.key] == nil {
            diagnostics.error(citation.location, "no entry '\(citation.key)' in \(path)\(suggestion(for: citation.key, in: keys))")
        }
    }
}
