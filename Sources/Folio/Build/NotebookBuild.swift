import Foundation
import NeuralNet

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
        if !diagnostics.hasErrors {
            report(outcome.results, plan: plan, notebook: notebook, previews: previews, options: options, &summary, &diagnostics)
        }
        summary.diagnostics = diagnostics.sorted
        return summary
    }

    /// Renders the report from every run's results, checks its claims, writes its files and
    /// prints the PDF, noting each in `summary`.
    private static func report(
        _ results: [RunResult], plan: BuildPlan, notebook: Notebook, previews: [String: DatasetPreview], options: BuildOptions,
        _ summary: inout BuildSummary, _ diagnostics: inout Diagnostics
    ) {
        for result in results where result.diverged && !result.run.mayDiverge {
            let where_ = result.seeds.compactMap(\.divergence).first.map { "epoch \($0.epoch), step \($0.step)" } ?? ""
            summary.divergedRuns.append("\(result.run.location): error: run \(result.name) diverged (loss became NaN or infinite at \(where_)); lower its learning rate, or set may_diverge: true if that is the point")
        }
        var renderer = ReportRenderer(notebook: notebook, results: results, previews: previews)
        let report = renderer.render()
        summary.claimCount = report.claims.count
        for (claim, check) in report.claims where !check.holds {
            summary.failedClaims.append("\(claim.location): error: claim failed: \(claim.text) (\(check.description) is false)")
        }
        let start = SourceLocation(file: summary.notebook, line: 1, column: 1)
        do {
            let keys = Dictionary(plan.runs.map { ($0.run.name, $0.seeds.map(\.key)) }, uniquingKeysWith: { first, _ in first })
            summary.writtenFiles = try ReportFiles.write(report, results: results, keys: keys, notebook: notebook, to: options.outputDirectory)
        } catch {
            diagnostics.error(start, "cannot write the report: \(error.localizedDescription)")
        }
        if let chromium = options.pdfPrinter, let html = summary.writtenFiles.first {
            let pdf = options.outputDirectory.appendingPathComponent(notebook.name + ".pdf")
            do throws(PDFPrinter.Failure) {
                try PDFPrinter.print(URL(fileURLWithPath: html), to: pdf, chromium: chromium)
                summary.writtenFiles.append(pdf.path)
            } catch {
                diagnostics.error(start, "cannot print the PDF: \(error)")
            }
        }
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
}
