/// Author–year citations and an APA-like reference list: "(Ioffe & Szegedy, 2015)",
/// "Ioffe and Szegedy (2015)", "Santurkar et al. (2018)"; entries sorted by first author.
enum CitationStyle {
    /// The author part of a citation: one name, two joined by "&" ("and" in running text),
    /// or the first with "et al." from three on.
    static func authors(_ reference: Reference, narrative: Bool) -> String {
        let names = reference.authors.map(\.last)
        switch names.count {
        case 0: return reference.fields["title"] ?? reference.key
        case 1: return names[0] + (reference.moreAuthors ? " et al." : "")
        case 2 where !reference.moreAuthors: return names[0] + (narrative ? " and " : " & ") + names[1]
        default: return names[0] + " et al."
        }
    }

    /// The years shown for `references` (those cited), with a, b, … where the same authors
    /// have several works in one year, lettered in reference-list order.
    static func years(_ references: [Reference]) -> [String: String] {
        var years: [String: String] = [:]
        let sorted = references.sorted { $0.sortKey < $1.sortKey }
        let groups = Dictionary(grouping: sorted) { authors($0, narrative: false) + "|" + $0.year }
        for reference in sorted {
            let group = groups[authors(reference, narrative: false) + "|" + reference.year] ?? []
            if group.count > 1, let position = group.firstIndex(where: { $0.key == reference.key }) {
                years[reference.key] = reference.year + String(UnicodeScalar(UInt8(97 + position % 26)))
            } else {
                years[reference.key] = reference.year
            }
        }
        return years
    }

    /// One reference-list entry (without its `<li>`).
    static func entry(_ reference: Reference, year: String) -> [HTML] {
        let fields = reference.fields
        var parts: [HTML] = [.text(authorList(reference) + " (\(year)). ")]
        let title = fields["title"].map { $0.hasSuffix("?") || $0.hasSuffix(".") ? $0 : $0 + "." } ?? ""
        let italicTitle = ["book", "phdthesis", "mastersthesis"].contains(reference.type)
        parts.append(italicTitle ? .tag("em", .text(title)) : .text(title))
        parts += container(reference)
        if let doi = fields["doi"] {
            let address = doi.hasPrefix("http") ? doi : "https://doi.org/" + doi
            parts += [" ", .tag("a", ["href": address], .text(address))]
        } else if let url = fields["url"] {
            parts += [" ", .tag("a", ["href": url], .text(url))]
        }
        return parts
    }

    /// "Ioffe, S., & Szegedy, C."; organizations as written.
    static func authorList(_ reference: Reference) -> String {
        let names = reference.authors.map { $0.first.isEmpty ? $0.last : "\($0.last), \($0.initials)" }
        var text: String
        switch names.count {
        case 0: text = ""
        case 1: text = names[0]
        case 2: text = names[0] + ", & " + names[1]
        default: text = names.dropLast().joined(separator: ", ") + ", & " + names.last!
        }
        if reference.moreAuthors { text += ", et al." }
        return text.isEmpty ? (reference.fields["title"] ?? reference.key) : text
    }

    /// Where the work appeared: journal and volume, proceedings, publisher, institution.
    private static func container(_ reference: Reference) -> [HTML] {
        let fields = reference.fields
        let pages = fields["pages"]
        switch reference.type {
        case "article":
            guard let journal = fields["journal"] ?? fields["journaltitle"] else { break }
            var parts: [HTML] = [" ", .tag("em", .text(journal))]
            if let volume = fields["volume"] { parts += [", ", .tag("em", .text(volume))] }
            if let number = fields["number"] { parts.append(.text("(\(number))")) }
            if let pages { parts.append(.text(", \(pages)")) }
            return parts + ["."]
        case "inproceedings", "incollection", "conference", "inbook":
            guard let book = fields["booktitle"] else { break }
            var parts: [HTML] = [" In ", .tag("em", .text(book))]
            if let pages { parts.append(.text(" (pp. \(pages))")) }
            parts.append(".")
            if let publisher = fields["publisher"] { parts.append(.text(" \(publisher).")) }
            return parts
        case "book":
            return (fields["publisher"]).map { [.text(" \($0).")] } ?? []
        case "techreport", "report":
            let number = fields["number"].map { " (Report No. \($0))." } ?? ""
            return [.text(number + (fields["institution"].map { " \($0)." } ?? ""))]
        case "phdthesis", "mastersthesis", "thesis":
            let kind = reference.type == "mastersthesis" ? "Master’s thesis" : "Doctoral dissertation"
            return [.text(" [\(kind)\(fields["school"].map { ", " + $0 } ?? "")].")]
        default: break
        }
        let note = fields["howpublished"] ?? fields["note"] ?? fields["publisher"] ?? fields["eprint"].map { "arXiv:" + $0 }
        return note.map { [.text(" \($0).")] } ?? []
    }
}
