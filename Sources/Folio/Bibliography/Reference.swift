import Foundation

/// A work a notebook can cite: a BibTeX entry with its names split and its text made plain.
struct Reference: Sendable {
    /// A person (or an organization, written in braces) as a reference list shows them.
    struct Name: Sendable, Equatable {
        /// "Ioffe"; "van der Maaten"; "Google Research".
        var last: String
        /// "Sergey"; empty for organizations.
        var first: String

        /// "S." for "Sergey", "J.-P." for "Jean-Pierre".
        var initials: String {
            first.split(separator: " ").map { word in
                word.split(separator: "-").compactMap { $0.first.map { "\($0)." } }.joined(separator: "-")
            }.joined(separator: " ")
        }
    }

    var key: String
    var type: String
    var authors: [Name]
    /// Whether the author list ends in "and others".
    var moreAuthors: Bool
    /// "2015", or "n.d." when the entry has none.
    var year: String
    /// Every field as plain text (TeX markup resolved).
    var fields: [String: String]
    var location: SourceLocation

    init(_ entry: BibTeXEntry) {
        key = entry.key
        type = entry.type
        location = entry.location
        fields = entry.fields.mapValues(TeXText.plain)
        let names = Self.splitNames(entry.fields["author"] ?? entry.fields["editor"] ?? "")
        moreAuthors = names.last?.lowercased() == "others"
        authors = names.filter { $0.lowercased() != "others" }.map(Self.name)
        let date = fields["year"] ?? fields["date"] ?? ""
        let digits = date.prefix { $0.isNumber }
        year = digits.count == 4 ? String(digits) : (date.isEmpty ? "n.d." : date)
    }

    /// Names separated by a whole-word `and` outside braces.
    static func splitNames(_ field: String) -> [String] {
        var names: [String] = [], current = "", depth = 0
        let words = field.split(whereSeparator: \.isWhitespace).map(String.init)
        for word in words {
            if depth == 0 && word.lowercased() == "and" {
                names.append(current)
                current = ""
                continue
            }
            depth += word.filter { $0 == "{" }.count - word.filter { $0 == "}" }.count
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { names.append(current) }
        return names
    }

    /// "Last, First", "Last, Jr, First", "First von Last" or "{Organization}".
    static func name(_ written: String) -> Name {
        let parts = splitOutsideBraces(written, on: ",")
        if parts.count >= 2 {
            return Name(last: TeXText.plain(parts[0]), first: TeXText.plain(parts[parts.count - 1]))
        }
        let words = splitOutsideBraces(written, on: " ").filter { !$0.isEmpty }
        guard words.count > 1 else { return Name(last: TeXText.plain(written), first: "") }
        // The last name starts at the first lower-case ("von") word, else it is the last word.
        let particle = words.dropLast().firstIndex { word in word.first.map { $0.isLowercase } ?? false } ?? (words.count - 1)
        return Name(last: TeXText.plain(words[particle...].joined(separator: " ")),
                    first: TeXText.plain(words[..<particle].joined(separator: " ")))
    }

    private static func splitOutsideBraces(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for character in text {
            if character == "{" { depth += 1 }
            if character == "}" { depth -= 1 }
            if character == separator && depth == 0 {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts
    }

    /// The first author's last name, for sorting the list.
    var sortKey: String { (authors.first?.last ?? fields["title"] ?? key).lowercased() + " " + year + " " + (fields["title"] ?? "").lowercased() }
}
