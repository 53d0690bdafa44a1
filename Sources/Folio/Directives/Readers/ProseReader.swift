/// Reads references (`@fig-lr-sweep`) and citations (`[@ioffe2015]`, `[@a; @b, p. 3]`,
/// narrative `@ioffe2015`) in prose text. They are checked once the whole notebook is read,
/// since a label may be defined after its first reference.
extension NotebookParser {
    /// Characters of a label or citation key (a trailing `.`, `:` or `-` ends a sentence instead).
    static func isKeyCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || "_-:./+".contains(character)
    }

    /// The pieces of one text node on `line`; nil when it holds no reference or citation.
    mutating func readProse(_ literal: String, line: Int) -> Block? {
        let characters = Array(literal)
        let sourceLine = sourceLines.indices.contains(line - 1) ? Array(sourceLines[line - 1]) : []
        var pieces: [ProsePiece] = [], text = "", index = 0, searchFrom = 0
        var found = false
        /// The column of `token` in the source line, searching on from the last one found.
        func column(of token: String) -> Int {
            let needle = Array(token)
            guard needle.count <= sourceLine.count else { return 1 }
            var start = min(searchFrom, sourceLine.count)
            while start + needle.count <= sourceLine.count {
                if Array(sourceLine[start..<start + needle.count]) == needle {
                    searchFrom = start + needle.count
                    return start + 1
                }
                start += 1
            }
            return 1
        }
        while index < characters.count {
            let character = characters[index]
            if character == "[", let (citation, end) = bracketCitation(characters, from: index, line: line, column: column) {
                if !text.isEmpty { pieces.append(.text(text)); text = "" }
                pieces.append(citation)
                index = end
                found = true
                continue
            }
            let startsWord = index == 0 || !(characters[index - 1].isLetter || characters[index - 1].isNumber || "@._".contains(characters[index - 1]))
            if character == "@", startsWord, let key = Self.key(characters, from: index + 1) {
                let location = SourceLocation(file: file, line: line, column: column(of: "@" + key))
                if Label.word(for: key) != nil {
                    if !text.isEmpty { pieces.append(.text(text)); text = "" }
                    pieces.append(.reference(Label(name: key, location: location)))
                    references.append(Label(name: key, location: location))
                    index += 1 + key.count
                    found = true
                    continue
                }
                if frontMatter.bibliography != nil {
                    if !text.isEmpty { pieces.append(.text(text)); text = "" }
                    let item = Citation.Item(key: key, locator: nil, location: location)
                    pieces.append(.citation(Citation(items: [item], narrative: true)))
                    citations.append(item)
                    index += 1 + key.count
                    found = true
                    continue
                }
            }
            text.append(character)
            index += 1
        }
        guard found else { return nil }
        if !text.isEmpty { pieces.append(.text(text)) }
        return .prose(pieces)
    }

    /// A key after `@`: key characters, without trailing punctuation.
    static func key(_ characters: [Character], from start: Int) -> String? {
        var end = start
        while end < characters.count, isKeyCharacter(characters[end]) { end += 1 }
        while end > start, ".:-/".contains(characters[end - 1]) { end -= 1 }
        guard end > start, characters[start].isLetter || characters[start].isNumber else { return nil }
        return String(characters[start..<end])
    }

    /// `[@a; @b, p. 3]` starting at `start`: the citation (or references) and the index after
    /// `]`; nil when the brackets hold anything else.
    private mutating func bracketCitation(
        _ characters: [Character], from start: Int, line: Int, column: (String) -> Int
    ) -> (ProsePiece, Int)? {
        guard let close = characters[start...].firstIndex(of: "]") else { return nil }
        let inside = String(characters[(start + 1)..<close])
        let parts = inside.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var items: [Citation.Item] = []
        for part in parts {
            let partCharacters = Array(part)
            guard partCharacters.first == "@", let key = Self.key(partCharacters, from: 1) else { return nil }
            var rest = part.dropFirst(1 + key.count).trimmingCharacters(in: .whitespaces)
            if rest.hasPrefix(",") { rest = rest.dropFirst().trimmingCharacters(in: .whitespaces) } else if !rest.isEmpty { return nil }
            items.append(Citation.Item(key: key, locator: rest.isEmpty ? nil : rest, location: SourceLocation(file: file, line: line, column: 1)))
        }
        guard !items.isEmpty else { return nil }
        // Locate each item now that the brackets are known to be a citation.
        let bracketColumn = column("[" + parts[0])
        for index in items.indices {
            items[index].location.column = index == 0 ? bracketColumn + 1 : column("@" + items[index].key)
        }
        if items.allSatisfy({ Label.word(for: $0.key) != nil }) && items.count == 1 {
            let label = Label(name: items[0].key, location: items[0].location)
            references.append(label)
            return (.reference(label), close + 1)
        }
        citations += items
        return (.citation(Citation(items: items, narrative: false)), close + 1)
    }
}
