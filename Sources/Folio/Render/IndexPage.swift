import Foundation

/// The page `folio build DIR` writes beside the reports: each notebook of the folder with
/// its title, when its report was written, and how many of its claims hold.
public enum IndexPage {
    /// One notebook as the index shows it.
    public struct Entry: Sendable {
        /// The notebook's file name without `.md`.
        public var name: String
        public var title: String
        /// When the report now in the output folder was written; nil when there is none.
        public var built: Date?
        public var claimsHeld: Int
        public var claimCount: Int
        /// Errors that stopped the last build (the report shown is an earlier one).
        public var errorCount: Int
        public var hasPDF: Bool

        public init(name: String, title: String, built: Date?, claimsHeld: Int, claimCount: Int, errorCount: Int, hasPDF: Bool) {
            self.name = name
            self.title = title
            self.built = built
            self.claimsHeld = claimsHeld
            self.claimCount = claimCount
            self.errorCount = errorCount
            self.hasPDF = hasPDF
        }
    }

    /// The page for `entries`, titled after `folder`.
    public static func render(folder: String, entries: [Entry]) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        let rows: [HTML] = entries.map { entry in
            let report: HTML = entry.built == nil ? .text(entry.title)
                : .tag("a", ["href": entry.name + ".html"], .text(entry.title))
            let pdf: HTML = entry.hasPDF ? .fragment([" (", .tag("a", ["href": entry.name + ".pdf"], "PDF"), ")"]) : .empty
            let claims = entry.claimCount == 0 ? "no claims"
                : entry.claimsHeld == entry.claimCount ? "all \(entry.claimCount) hold"
                : "\(entry.claimCount - entry.claimsHeld) of \(entry.claimCount) fail"
            var status = entry.built.map { formatter.string(from: $0) + " UTC" } ?? "never built"
            if entry.errorCount > 0 { status += "; last build stopped by \(entry.errorCount) error\(entry.errorCount == 1 ? "" : "s")" }
            return .tag("tr", ["class": entry.errorCount > 0 || entry.claimsHeld < entry.claimCount ? "fail" : "pass"],
                        .tag("th", ["scope": "row"], report, pdf), .tag("td", .tag("code", .text(entry.name + ".md"))),
                        .tag("td", .text(status)), .tag("td", .text(claims))) + "\n"
        }
        let table = HTML.tag("table", "\n",
                             .tag("thead", .tag("tr", .tag("th", ["scope": "col"], "report"), .tag("th", ["scope": "col"], "notebook"),
                                                .tag("th", ["scope": "col"], "last build"), .tag("th", ["scope": "col"], "claims"))), "\n",
                             .tag("tbody", children: ["\n"] + rows), "\n")
        let page = HTML.page(title: "Notebooks in \(folder)", style: ReportStyle.sheet + ".fail td:last-child{color:#b00020}",
                             main: [.tag("h1", .text("Notebooks in \(folder)")), "\n", .tag("div", ["class": "table-wrap"], table), "\n"])
        return page.rendered
    }
}
