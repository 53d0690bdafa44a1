import Foundation

/// BibTeX field text as a reader sees it: TeX accents and special characters become Unicode
/// (`{\"u}` → ü, `\'{e}` → é, `\ss` → ß, `--` → –), protective braces disappear, and runs of
/// white space become one space.
enum TeXText {
    /// Accent commands and the combining character each puts on the following letter.
    static let accents: [Character: Character] = [
        "\"": "\u{0308}", "'": "\u{0301}", "`": "\u{0300}", "^": "\u{0302}", "~": "\u{0303}", "=": "\u{0304}",
        ".": "\u{0307}", "c": "\u{0327}", "v": "\u{030C}", "u": "\u{0306}", "H": "\u{030B}", "k": "\u{0328}", "r": "\u{030A}",
    ]
    /// Letter commands: `\ss`, `\o`, `\aa`, …
    static let letters: [String: String] = [
        "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł",
        "i": "ı", "j": "ȷ", "textendash": "–", "textemdash": "—", "textquoteright": "’", "textquoteleft": "‘", "dag": "†",
        "S": "§", "P": "¶", "copyright": "©", "textregistered": "®", "ldots": "…", "dots": "…",
    ]
    /// Escaped characters: `\&`, `\%`, …
    static let escaped: Set<Character> = ["&", "%", "$", "#", "_", "{", "}", " ", ","]

    /// `text` with TeX markup turned into plain Unicode text.
    static func plain(_ text: String) -> String {
        let characters = Array(text)
        var output = "", index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "{", "}": index += 1
            case "~": output.append("\u{00A0}"); index += 1
            case "-":
                var dashes = 0
                while index < characters.count, characters[index] == "-" { dashes += 1; index += 1 }
                output += dashes == 2 ? "–" : dashes == 3 ? "—" : String(repeating: "-", count: dashes)
            case "\\": index = command(characters, at: index, into: &output)
            default:
                output.append(character)
                index += 1
            }
        }
        let words = output.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
        return words.joined(separator: " ").precomposedStringWithCanonicalMapping
    }

    /// Reads the command at `index` (a backslash) and returns the index after it.
    private static func command(_ characters: [Character], at start: Int, into output: inout String) -> Int {
        var index = start + 1
        guard index < characters.count else { return index }
        let next = characters[index]
        if escaped.contains(next) {
            output.append(next == " " || next == "," ? " " : next)
            return index + 1
        }
        if let combining = accents[next], !(next.isLetter && index + 1 < characters.count && characters[index + 1].isLetter) {
            // \"u, \"{u}, \c{c}, \v s: the accent applies to the next letter (or \i, \j).
            index += 1
            while index < characters.count, characters[index] == " " || characters[index] == "{" { index += 1 }
            var base = ""
            if index < characters.count, characters[index] == "\\" {
                var name = ""
                var inner = index + 1
                while inner < characters.count, characters[inner].isLetter { name.append(characters[inner]); inner += 1 }
                base = name == "i" ? "i" : name == "j" ? "j" : letters[name] ?? ""
                index = inner
            } else if index < characters.count {
                base = String(characters[index])
                index += 1
            }
            output += base + String(combining)
            return index
        }
        var name = ""
        while index < characters.count, characters[index].isLetter { name.append(characters[index]); index += 1 }
        if let letter = letters[name] {
            output += letter
            // A command name ends at a space, which TeX swallows: `\ss e` is "ße".
            if index < characters.count, characters[index] == " " { index += 1 }
        }
        // Other commands (\emph, \textit, \url, …) vanish; their braced argument stays.
        return index
    }
}
