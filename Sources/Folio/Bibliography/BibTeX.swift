/// One entry of a `.bib` file, fields as written (TeX markup kept), names lower-cased.
struct BibTeXEntry: Sendable {
    /// `article`, `inproceedings`, … (lower case).
    var type: String
    var key: String
    var fields: [String: String]
    /// Where the entry's `@` stands.
    var location: SourceLocation
}

/// Reads BibTeX as authors keep it (and publishers and Google Scholar export it): entries
/// in braces or parentheses; values in braces, quotes or bare numbers, joined with `#`;
/// `@string` macros and the month abbreviations; `@comment` and `@preamble` skipped; text
/// outside entries ignored, as BibTeX does. Every malformed entry is a located error, and
/// reading goes on at the next `@`.
struct BibTeXParser {
    private let characters: [Character]
    private var index = 0, line = 1, column = 1
    private let file: String
    private var macros: [String: String] = [
        "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June", "jul": "July",
        "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December",
    ]
    private(set) var entries: [BibTeXEntry] = []
    private(set) var diagnostics = Diagnostics()

    /// Parses `text`, the contents of `file`.
    static func parse(_ text: String, file: String) -> (entries: [BibTeXEntry], diagnostics: Diagnostics) {
        var parser = BibTeXParser(text, file: file)
        parser.parseAll()
        return (parser.entries, parser.diagnostics)
    }

    private init(_ text: String, file: String) {
        characters = Array(text.replacingOccurrences(of: "\r\n", with: "\n"))
        self.file = file
    }

    private struct Failure: Error {
        var location: SourceLocation
        var message: String
    }

    private var here: SourceLocation { SourceLocation(file: file, line: line, column: column) }
    private var peek: Character? { index < characters.count ? characters[index] : nil }

    private mutating func advance() {
        if characters[index] == "\n" { line += 1; column = 1 } else { column += 1 }
        index += 1
    }

    /// Whether an `@` at the start of a line is next: a new entry, so whatever was open
    /// before it was never closed.
    private var startsEntryLine: Bool { peek == "@" && column == 1 }

    private mutating func skipSpace() {
        while let character = peek, character.isWhitespace { advance() }
    }

    private mutating func parseAll() {
        var seen: [String: SourceLocation] = [:]
        while index < characters.count {
            guard peek == "@" else { advance(); continue }
            let start = here
            do {
                if let entry = try parseEntry(at: start) {
                    if let first = seen[entry.key.lowercased()] {
                        diagnostics.error(start, "duplicate key '\(entry.key)' (first defined at line \(first.line))")
                    } else {
                        seen[entry.key.lowercased()] = start
                        entries.append(entry)
                    }
                }
            } catch {
                diagnostics.error(error.location, error.message)
                // Go on at the next line that starts an entry.
                while index < characters.count, !startsEntryLine { advance() }
            }
        }
    }

    /// An entry, or nil for `@string`, `@comment` and `@preamble`.
    private mutating func parseEntry(at start: SourceLocation) throws(Failure) -> BibTeXEntry? {
        advance()  // @
        let type = identifier().lowercased()
        guard !type.isEmpty else { throw Failure(location: here, message: "expected an entry type after '@', e.g. @article") }
        skipSpace()
        guard let open = peek, open == "{" || open == "(" else {
            throw Failure(location: here, message: "expected '{' after @\(type)")
        }
        let close: Character = open == "{" ? "}" : ")"
        if type == "comment" || type == "preamble" {
            _ = try braced(open: open, close: close, start: here)
            return nil
        }
        advance()
        skipSpace()
        if type == "string" {
            let (name, value) = try field()
            macros[name] = value
            skipSpace()
            try expect(close, "to end the @string")
            return nil
        }
        let key = keyText()
        guard !key.isEmpty else { throw Failure(location: here, message: "@\(type) needs a citation key before its fields, e.g. @\(type){ioffe2015, …") }
        var fields: [String: String] = [:]
        skipSpace()
        while peek == "," {
            advance()
            skipSpace()
            if peek == close { break }
            let fieldStart = here
            let (name, value) = try field()
            if fields[name] != nil {
                throw Failure(location: fieldStart, message: "field '\(name)' appears twice in '\(key)'")
            }
            fields[name] = value
            skipSpace()
        }
        guard peek == close else {
            throw Failure(location: peek == nil || startsEntryLine ? start : here,
                          message: peek == nil || startsEntryLine ? "entry '\(key)' has no closing '\(close)'"
                          : "expected ',' or '\(close)' after a field of '\(key)', found '\(peek!)'")
        }
        advance()
        return BibTeXEntry(type: type, key: key, fields: fields, location: start)
    }

    /// `name = value # value …`
    private mutating func field() throws(Failure) -> (String, String) {
        let name = identifier().lowercased()
        guard !name.isEmpty else {
            throw Failure(location: here, message: peek.map { "expected a field name, found '\($0)'" } ?? "the file ends inside an entry")
        }
        skipSpace()
        try expect("=", "after field '\(name)'")
        var value = ""
        repeat {
            skipSpace()
            value += try part(of: name)
            skipSpace()
        } while consume("#")
        return (name, value)
    }

    private mutating func consume(_ character: Character) -> Bool {
        guard peek == character else { return false }
        advance()
        return true
    }

    /// One `{…}`, `"…"`, number or macro name.
    private mutating func part(of name: String) throws(Failure) -> String {
        let start = here
        switch peek {
        case "{"?:
            return try braced(open: "{", close: "}", start: start)
        case "\""?:
            advance()
            var text = "", depth = 0
            while let character = peek, !startsEntryLine {
                if character == "\"" && depth == 0 { advance(); return text }
                if character == "{" { depth += 1 }
                if character == "}" { depth -= 1 }
                text.append(character)
                advance()
            }
            throw Failure(location: start, message: "the quoted value of '\(name)' has no closing '\"'")
        case let character? where character.isNumber:
            var text = ""
            while let digit = peek, digit.isNumber { text.append(digit); advance() }
            return text
        case let character? where character.isLetter:
            let macro = identifier()
            guard let value = macros[macro.lowercased()] else {
                throw Failure(location: start, message: "unknown @string macro '\(macro)' in field '\(name)' (quote or brace text values)")
            }
            return value
        default:
            throw Failure(location: start, message: "field '\(name)' needs a value in braces or quotes, found "
                          + (peek.map { "'\($0)'" } ?? "the end of the file"))
        }
    }

    /// The text between balanced `open` and `close` (inner braces kept).
    private mutating func braced(open: Character, close: Character, start: SourceLocation) throws(Failure) -> String {
        advance()
        var text = "", depth = 0
        while let character = peek, !startsEntryLine {
            if character == close && depth == 0 { advance(); return text }
            if character == "{" { depth += 1 }
            if character == "}" { depth -= 1 }
            text.append(character)
            advance()
        }
        throw Failure(location: start, message: "'\(open)' has no matching '\(close)'")
    }

    private mutating func expect(_ character: Character, _ context: String) throws(Failure) {
        guard peek == character else {
            throw Failure(location: here, message: "expected '\(character)' \(context)" + (peek.map { ", found '\($0)'" } ?? ", found the end of the file"))
        }
        advance()
    }

    /// Letters, digits and `_-:.+/`.
    private mutating func identifier() -> String {
        var text = ""
        while let character = peek, character.isLetter || character.isNumber || "_-:.+/".contains(character) {
            text.append(character)
            advance()
        }
        return text
    }

    /// A citation key: anything up to a comma, space or closing delimiter.
    private mutating func keyText() -> String {
        var text = ""
        while let character = peek, !character.isWhitespace, !",})".contains(character) {
            text.append(character)
            advance()
        }
        return text
    }
}
