import Foundation

/// The files of a built report: `<name>.html`, `<name>.json` (the results) and
/// `<name>/figure-N.svg`.
enum ReportFiles {
    /// Writes the page, the results and the figures, each to a temporary file renamed into
    /// place, so a reader never sees half a report.
    static func write(_ report: RenderedReport, results: [RunResult], keys: [String: [String]], notebook: Notebook,
                      to directory: URL) throws -> [String] {
        let manager = FileManager.default
        let figureDirectory = directory.appendingPathComponent(notebook.name)
        try manager.createDirectory(at: figureDirectory, withIntermediateDirectories: true)
        var written: [String] = []
        for (index, svg) in report.figures.enumerated() {
            let url = figureDirectory.appendingPathComponent("figure-\(index + 1).svg")
            try AtomicFile.write(Data((svg + "\n").utf8), to: url)
            written.append(url.path)
        }
        // Figures of an earlier build that no longer exist.
        for name in (try? manager.contentsOfDirectory(atPath: figureDirectory.path)) ?? [] where name.hasPrefix("figure-") {
            if let number = Int(name.dropFirst(7).dropLast(4)), number > report.figures.count {
                try? manager.removeItem(at: figureDirectory.appendingPathComponent(name))
            }
        }
        let json = directory.appendingPathComponent(notebook.name + ".json")
        try AtomicFile.write(ResultsFile(results, notebook: notebook, keys: keys).encoded(), to: json)
        let html = directory.appendingPathComponent(notebook.name + ".html")
        try AtomicFile.write(Data(report.html.utf8), to: html)
        return [html.path, json.path] + written
    }
}
