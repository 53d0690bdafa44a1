import Foundation
import NeuralNet

/// How to build.
public struct BuildOptions: Sendable {
    /// Where reports go (`output/`).
    public var outputDirectory: URL
    /// Where results are cached (`.folio/`).
    public var cacheDirectory: URL
    /// `--set name=value` overrides of front-matter params.
    public var overrides: [String: String]
    /// False with `--no-cache`: everything trains again (and the cache is refreshed).
    public var useCache: Bool
    /// Independent runs trained at once.
    public var jobs: Int
    /// Relative data paths are resolved against this folder.
    public var workingDirectory: URL
    /// The Chromium to print `<name>.pdf` with (`--pdf`), or nil for no PDF.
    public var pdfPrinter: String?

    public init(outputDirectory: URL, cacheDirectory: URL, overrides: [String: String] = [:], useCache: Bool = true,
                jobs: Int = 1, workingDirectory: URL, pdfPrinter: String? = nil) {
        self.pdfPrinter = pdfPrinter
        self.outputDirectory = outputDirectory
        self.cacheDirectory = cacheDirectory
        self.overrides = overrides
        self.useCache = useCache
        self.jobs = jobs
        self.workingDirectory = workingDirectory
    }
}

/// Builds one notebook into `output/<name>.html`, `output/<name>.json` and
/// `output/<name>/figure-N.svg`.
public enum NotebookBuild {
    public static func build(_ url: URL, displayPath: String, options: BuildOptions, progress: ProgressSink?) -> BuildSummary {
        var summary = BuildSummary(notebook: displayPath, diagnostics: [], failedClaims: [], claimCount: 0, divergedRuns: [],
                                   trainedRuns: [], writtenFiles: [])
        let (parsed, parseDiagnostics) = NotebookParser.parse(contentsOf: url, file: displayPath, overrides: options.overrides)
        var diagnostics = parseDiagnostics
        guard let notebook = parsed else {
            summary.diagnostics = diagnostics.sorted
            return summary
        }
        summary.inputs = notebook.inputs
        summary.title = notebook.frontMatter.title
        // Planned even when reading found mistakes, so that one build reports them all.
        let runs = Planner.plan(notebook, &diagnostics)
        summary.inputs += dataFiles(runs, baseDirectory: options.workingDirectory)
        guard !diagnostics.hasErrors else {
            summary.diagnostics = diagnostics.sorted
            return summary
        }
        let runner = Runner(cache: ResultCache(directory: options.cacheDirectory), useCache: options.useCache, jobs: options.jobs,
                            baseDirectory: options.workingDirectory, progress: progress)
        let previews = DatasetPreviews.make(notebook, options: options, loader: runner, &diagnostics)
        guard !diagnostics.hasErrors else {
            summary.diagnostics = diagnostics.sorted
            return summary
        }
        let outcome = runner.run(runs)
        diagnostics.append(contentsOf: outcome.diagnostics)
        summary.trainedRuns = outcome.trained
        guard !diagnostics.hasErrors else {
            summary.diagnostics = diagnostics.sorted
            return summary
        }
        for result in outcome.results where result.diverged && !result.run.mayDiverge {
            let where_ = result.seeds.compactMap(\.divergence).first.map { "epoch \($0.epoch), step \($0.step)" } ?? ""
            summary.divergedRuns.append("\(result.run.location): error: run \(result.name) diverged (loss became NaN or infinite at \(where_)); lower its learning rate, or set may_diverge: true if that is the point")
        }
        var renderer = ReportRenderer(notebook: notebook, results: outcome.results, previews: previews)
        let report = renderer.render()
        summary.claimCount = report.claims.count
        for (claim, holds, left, right) in report.claims where !holds {
            summary.failedClaims.append("\(claim.location): error: claim failed: \(claim.text) (\(NumberFormat.significant(left, 4)) \(claim.comparison) \(NumberFormat.significant(right, 4)) is false)")
        }
        do {
            summary.writtenFiles = try write(report, results: outcome.results, notebook: notebook, options: options)
        } catch {
            diagnostics.error(SourceLocation(file: displayPath, line: 1, column: 1), "cannot write the report: \(error.localizedDescription)")
        }
        if let chromium = options.pdfPrinter, let html = summary.writtenFiles.first {
            let pdf = options.outputDirectory.appendingPathComponent(notebook.name + ".pdf")
            do throws(PDFPrinter.Failure) {
                try PDFPrinter.print(URL(fileURLWithPath: html), to: pdf, chromium: chromium)
                summary.writtenFiles.append(pdf.path)
            } catch {
                diagnostics.error(SourceLocation(file: displayPath, line: 1, column: 1), "cannot print the PDF: \(error)")
            }
        }
        summary.diagnostics = diagnostics.sorted
        return summary
    }

    /// The data-set files the runs read, each once.
    static func dataFiles(_ runs: [PlannedRun], baseDirectory: URL) -> [URL] {
        var seen = Set<String>()
        return runs.flatMap { run in
            let directory = DataLocation.directory(for: run.spec.dataset, path: run.spec.path, baseDirectory: baseDirectory)
            guard seen.insert("\(run.spec.dataset.rawValue)|\(directory)").inserted else { return [URL]() }
            return DataLocation.files(for: run.spec.dataset, directory: directory).map { URL(fileURLWithPath: $0.path) }
        }
    }

    /// Writes the page, the results and the figures, each to a temporary file renamed into
    /// place, so a reader never sees half a report.
    static func write(_ report: RenderedReport, results: [RunResult], notebook: Notebook, options: BuildOptions) throws -> [String] {
        let manager = FileManager.default
        let figureDirectory = options.outputDirectory.appendingPathComponent(notebook.name)
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
        let json = options.outputDirectory.appendingPathComponent(notebook.name + ".json")
        try AtomicFile.write(resultsJSON(results, notebook: notebook), to: json)
        let html = options.outputDirectory.appendingPathComponent(notebook.name + ".html")
        try AtomicFile.write(Data(report.html.utf8), to: html)
        return [html.path, json.path] + written
    }

    struct ResultsFile: Encodable {
        struct Run: Encodable {
            var name: String
            var experiment: String
            var spec: RunSpec
            var seeds: [SeedRecord]
        }
        var notebook: String
        var engine: String
        var runs: [Run]
    }

    static func resultsJSON(_ results: [RunResult], notebook: Notebook) throws -> Data {
        let file = ResultsFile(notebook: notebook.name, engine: Engine.version, runs: results.map {
            ResultsFile.Run(name: $0.name, experiment: $0.run.experiment, spec: $0.run.spec, seeds: $0.seeds)
        })
        let encoder = ResultCache.encoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(file)
    }
}
