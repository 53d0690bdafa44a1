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
    /// False with `--refresh` (`--no-cache`): everything trains again, neither the cache nor
    /// the committed results are reused (the cache is refreshed).
    public var useCache: Bool
    /// Independent runs trained at once.
    public var jobs: Int
    /// Relative data paths are resolved against this folder.
    public var workingDirectory: URL
    /// The Chromium to print `<name>.pdf` with (`--pdf`), or nil for no PDF.
    public var pdfPrinter: String?
    /// `--shard K/N`: train only the K-th (1-based) of N slices of the runs into the cache,
    /// and write no report.
    public var shard: (index: Int, count: Int)?
    /// A build whose training is estimated to take longer stops before training, saying so
    /// (`--yes` lifts it); nil for no limit.
    public var trainingLimitSeconds: Double? = 3600

    public init(outputDirectory: URL, cacheDirectory: URL, overrides: [String: String] = [:], useCache: Bool = true,
                jobs: Int = 1, workingDirectory: URL, pdfPrinter: String? = nil, shard: (index: Int, count: Int)? = nil,
                trainingLimitSeconds: Double? = 3600) {
        self.pdfPrinter = pdfPrinter
        self.shard = shard
        self.trainingLimitSeconds = trainingLimitSeconds
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
    /// A notebook read and planned: its runs, where each seed's result comes from, and the
    /// runner that will train the rest.
    struct Prepared {
        var notebook: Notebook
        var plan: BuildPlan
        var runner: Runner
    }

    /// Reads and plans the notebook; nil (with the diagnostics in `summary`) when it has errors.
    static func prepare(_ url: URL, displayPath: String, options: BuildOptions, progress: ProgressSink?,
                        _ summary: inout BuildSummary, _ diagnostics: inout Diagnostics) -> Prepared? {
        let (parsed, parseDiagnostics) = NotebookParser.parse(contentsOf: url, file: displayPath, overrides: options.overrides)
        diagnostics = parseDiagnostics
        guard let notebook = parsed else { return nil }
        summary.inputs = notebook.inputs
        summary.title = notebook.frontMatter.title
        // Planned even when reading found mistakes, so that one build reports them all.
        let runs = Planner.plan(notebook, &diagnostics)
        summary.inputs += dataFiles(runs, baseDirectory: options.workingDirectory)
        guard !diagnostics.hasErrors else { return nil }
        let frozen = options.useCache
            ? ResultsFile.load(options.outputDirectory.appendingPathComponent(notebook.name + ".json"))?.recordsByKey ?? [:] : [:]
        let runner = Runner(cache: ResultCache(directory: options.cacheDirectory), useCache: options.useCache, frozen: frozen,
                            jobs: options.jobs, baseDirectory: options.workingDirectory, progress: progress)
        return Prepared(notebook: notebook, plan: runner.plan(runs), runner: runner)
    }

    /// The notebook's plan without training anything (`folio plan`); nil with diagnostics
    /// when the notebook has errors.
    public static func plan(_ url: URL, displayPath: String, options: BuildOptions) -> (PlanReport?, [Diagnostic]) {
        var summary = BuildSummary(notebook: displayPath)
        var diagnostics = Diagnostics()
        guard let prepared = prepare(url, displayPath: displayPath, options: options, progress: nil, &summary, &diagnostics) else {
            return (nil, diagnostics.sorted)
        }
        return (PlanReport(notebook: displayPath, plan: prepared.plan, shards: options.shard?.count), diagnostics.sorted)
    }

    public static func build(_ url: URL, displayPath: String, options: BuildOptions, progress: ProgressSink?) -> BuildSummary {
        var summary = BuildSummary(notebook: displayPath)
        var diagnostics = Diagnostics()
        guard let prepared = prepare(url, displayPath: displayPath, options: options, progress: progress, &summary, &diagnostics) else {
            summary.diagnostics = diagnostics.sorted
            return summary
        }
        let (notebook, plan, runner) = (prepared.notebook, prepared.plan, prepared.runner)
        let shardKeys = options.shard.map { plan.shard($0.index, of: $0.count) }
        let planSummary = plan.summary(trainingOnly: shardKeys)
        progress?.planned(planSummary)
        if let limit = options.trainingLimitSeconds, planSummary.estimatedSeconds > limit {
            let largest = plan.runs.max { $0.secondsToTrain < $1.secondsToTrain }!
            diagnostics.error(largest.run.location, "this build would train \(planSummary.seedsToTrain) run seed(s) for about \(BuildPlan.Summary.duration(planSummary.estimatedSeconds)) (the most, about \(BuildPlan.Summary.duration(largest.secondsToTrain)), in run \(largest.run.name)), more than the limit of \(BuildPlan.Summary.duration(limit)); pass --yes to train anyway, or shorten it (e.g. --set epochs=2, fewer swept values, or --shard K/N on several machines)")
            summary.diagnostics = diagnostics.sorted
            return summary
        }
        if let shard = options.shard {
            summary.shard = "\(shard.index)/\(shard.count)"
            let outcome = runner.run(plan, only: shardKeys)
            diagnostics.append(contentsOf: outcome.diagnostics)
            summary.trainedRuns = outcome.trained
            summary.diagnostics = diagnostics.sorted
            return summary
        }
        let previews = DatasetPreviews.make(notebook, options: options, loader: runner, &diagnostics)
        guard !diagnostics.hasErrors else {
            summary.diagnostics = diagnostics.sorted
            return summary
        }
        let outcome = runner.run(plan)
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
            let keys = Dictionary(plan.runs.map { ($0.run.name, $0.seeds.map(\.key)) }, uniquingKeysWith: { first, _ in first })
            summary.writtenFiles = try write(report, results: outcome.results, keys: keys, notebook: notebook, options: options)
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
    static func write(_ report: RenderedReport, results: [RunResult], keys: [String: [String]], notebook: Notebook,
                      options: BuildOptions) throws -> [String] {
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
        try AtomicFile.write(ResultsFile(results, notebook: notebook, keys: keys).encoded(), to: json)
        let html = options.outputDirectory.appendingPathComponent(notebook.name + ".html")
        try AtomicFile.write(Data(report.html.utf8), to: html)
        return [html.path, json.path] + written
    }
}
