/// Reads `{expect}` claims and inline values `{= expression | format}`.
extension NotebookParser {
    /// One claim per line; blank lines and lines starting with `#` are skipped.
    mutating func readExpect(_ source: DirectiveSource) -> Block? {
        var claims: [Claim] = []
        for (offset, line) in source.literal.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("#") { continue }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            let location = SourceLocation(file: file, line: source.bodyLocation.line + offset, column: source.bodyLocation.column + indent)
            var parser = ExpressionParser(text, at: location)
            do {
                claims.append(try parser.claim(text: text))
            } catch {
                diagnostics.append(error)
            }
        }
        return .expect(ExpectDirective(location: source.location, claims: claims))
    }

    static let formatNames = ["percent", "fixed(N)", "number", "seconds"]

    /// `expression | format` inside `{= … }`.
    mutating func readInlineValue(_ text: String, _ location: SourceLocation) -> InlineValue? {
        let parts = text.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var format = InlineValue.Format.number
        if parts.count == 2 {
            guard let named = readFormat(parts[1], location) else { return nil }
            format = named
        }
        // `location` is the span's "{"; the expression starts after "{=" and the spaces
        // that follow it.
        let leading = text.prefix { $0 == " " }.count
        var parser = ExpressionParser(parts[0], at: SourceLocation(file: location.file, line: location.line, column: location.column + 2 + leading))
        do {
            return InlineValue(location: location, expression: try parser.expression(), format: format)
        } catch {
            diagnostics.append(error)
            return nil
        }
    }

    private mutating func readFormat(_ name: String, _ location: SourceLocation) -> InlineValue.Format? {
        switch name {
        case "percent": return .percent
        case "number": return .number
        case "seconds": return .seconds
        case let name where name.hasPrefix("fixed(") && name.hasSuffix(")"):
            guard let digits = Int(name.dropFirst(6).dropLast()), (0...10).contains(digits) else {
                diagnostics.error(location, "fixed(N) needs N from 0 to 10, in '\(name)'")
                return nil
            }
            return .fixed(digits)
        default:
            diagnostics.error(location, "unknown format '\(name)'\(suggestion(for: name, in: Self.formatNames)); known: \(Self.formatNames.joined(separator: ", "))")
            return nil
        }
    }
}
