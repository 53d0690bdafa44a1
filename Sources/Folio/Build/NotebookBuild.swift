import Charts
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

    public init(outputDirectory: URL, cacheDirectory: URL, overrides: [String: String] = [:], useCache: Bool = true,
                jobs: Int = 1, workingDirectory: URL) {
        self.outputDirectory = outputDirectory
        self.cacheDirectory = cacheDirectory
        self.overrides = overrides
        self.useCache = useCache
        self.jobs = jobs
        self.workingDirectory = workingDirectory
    }
}

/// What a build did and found.
public struct BuildSummary: Sendable {
    public var notebook: String
    /// Errors and warnings in the notebook or its data, compiler-style.
    public var diagnostics: [Diagnostic]
    /// One located line per failed `{expect}` claim, with both sides' values.
    public var failedClaims: [String]
    /// Claims checked.
    public var claimCount: Int
    /// Runs whose loss became NaN or infinite (without `may_diverge: true`).
    public var divergedRuns: [String]
    /// Runs trained in this build (the rest came from the cache).
    public var trainedRuns: [String]
    /// Files written.
    public var writtenFiles: [String]

    /// 2 for notebook or data errors (nothing written), 1 for a failed claim or a
    /// diverged run (report written), else 0.
    public var exitCode: Int32 {
        if diagnostics.contains(where: { $0.severity == .error }) { return 2 }
        return failedClaims.isEmpty && divergedRuns.isEmpty ? 0 : 1
    }
}

/// Builds one notebook into `output/<name>.html`, `output/<name>.json` and
/// `output/<name>/figure-N.svg`.
public enum NotebookBuild {
    public static func build(_ url: URL, displayPath: String, options: BuildOptions, progress: ProgressSink?) -> BuildSummary {
        var summary = BuildSummary(notebook: displayPath, diagnostics: [], failedClaims: [], claimCount: 0, divergedRuns: [],
                                   trainedRuns: [], writtenFiles: [])
        let notebook: Notebook
        switch NotebookParser.parse(contentsOf: url, file: displayPath, overrides: options.overrides) {
        case .success(let parsed): notebook = parsed
        case .failure(let diagnostics):
            summary.diagnostics = diagnostics.sorted
            return summary
        }
        var diagnostics = Diagnostics()
        for (_, block) in notebook.blocks {
            switch block {
            case .displayMath(let tex, let location):
                if case .failure(let error) = MathML.render(tex, display: true, at: location) { diagnostics.append(error) }
            case .inlineMath(let tex, let location):
                if case .failure(let error) = MathML.render(tex, display: false, at: location) { diagnostics.append(error) }
            default: break
            }
        }
        let runs = Planner.plan(notebook, &diagnostics)
        let runner = Runner(cache: ResultCache(directory: options.cacheDirectory), useCache: options.useCache, jobs: options.jobs,
                            baseDirectory: options.workingDirectory, progress: progress)
        let previews = datasetPreviews(notebook, options: options, loader: runner, &diagnostics)
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
        summary.diagnostics = diagnostics.sorted
        return summary
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
            try Data((svg + "\n").utf8).write(to: url, options: .atomic)
            written.append(url.path)
        }
        // Figures of an earlier build that no longer exist.
        for name in (try? manager.contentsOfDirectory(atPath: figureDirectory.path)) ?? [] where name.hasPrefix("figure-") {
            if let number = Int(name.dropFirst(7).dropLast(4)), number > report.figures.count {
                try? manager.removeItem(at: figureDirectory.appendingPathComponent(name))
            }
        }
        let json = options.outputDirectory.appendingPathComponent(notebook.name + ".json")
        try resultsJSON(results, notebook: notebook).write(to: json, options: .atomic)
        let html = options.outputDirectory.appendingPathComponent(notebook.name + ".html")
        try Data(report.html.utf8).write(to: html, options: .atomic)
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

    /// Sample images and class counts for every `{dataset}`, cached by the data's fingerprint.
    static func datasetPreviews(
        _ notebook: Notebook, options: BuildOptions, loader: Runner, _ diagnostics: inout Diagnostics
    ) -> [String: DatasetPreview] {
        var previews: [String: DatasetPreview] = [:]
        for (_, block) in notebook.blocks {
            guard case .dataset(let directive) = block, let source = DataSource(rawValue: directive.dataset) else { continue }
            let key = directive.dataset + "|" + (directive.path ?? "")
            if previews[key] != nil { continue }
            let directory = DataLocation.directory(for: source, path: directive.path, baseDirectory: options.workingDirectory)
            let fingerprint = DataLocation.fingerprint(for: source, directory: directory)
            let cacheFile = options.cacheDirectory.appendingPathComponent(
                "datasets/" + SHA256.hex(Array("\(fingerprint)|\(directive.samplesPerClass)|preview-1".utf8)) + ".json")
            if options.useCache, let data = try? Data(contentsOf: cacheFile),
               let cached = try? JSONDecoder().decode(DatasetPreview.self, from: data) {
                previews[key] = cached
                continue
            }
            do {
                // Through the runner, which keeps what it reads for the runs that train on it.
                let training = try loader.load(source, .train, directory)
                let test = try? loader.load(source, .test, directory)
                let preview = makePreview(training: training, test: test, name: source.rawValue, samples: directive.samplesPerClass)
                previews[key] = preview
                try? FileManager.default.createDirectory(at: cacheFile.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? JSONEncoder().encode(preview).write(to: cacheFile, options: .atomic)
            } catch {
                diagnostics.error(directive.location, "cannot load the data set \(source.rawValue): \(error)")
            }
        }
        return previews
    }

    static func makePreview(training: Dataset, test: Dataset?, name: String, samples: Int) -> DatasetPreview {
        var preview = DatasetPreview(
            name: name, classNames: training.classNames, trainingCounts: training.classCounts,
            testCounts: test?.classCounts ?? [], pngBase64: nil, pixelWidth: 0, pixelHeight: 0)
        let shape = training.shape
        guard samples > 0, shape.channels == 1 || shape.channels == 3, !shape.isVector else { return preview }
        let width = shape.count
        var rows: [[[Float]]] = Array(repeating: [], count: training.classCount)
        for index in 0..<training.count {
            let label = Int(training.labels[index])
            guard rows[label].count < samples else { continue }
            let pixels = Array(training.features[index * width..<(index + 1) * width])
            // Colour images are shown as their grey-level mean over channels.
            let plane = shape.spatialCount
            rows[label].append(shape.channels == 1 ? pixels : (0..<plane).map { p in
                (pixels[p] + pixels[plane + p] + pixels[2 * plane + p]) / 3
            })
            if rows.allSatisfy({ $0.count == samples }) { break }
        }
        let grid = GrayImageGrid(imageWidth: shape.width, imageHeight: shape.height, rows: rows)
        preview.pngBase64 = Data(grid.png()).base64EncodedString()
        preview.pixelWidth = grid.pixelWidth
        preview.pixelHeight = grid.pixelHeight
        return preview
    }
}
