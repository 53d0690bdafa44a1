import ArgumentParser
import Folio
import Foundation

/// Options shared by `build`, `check`, `plan`, `watch` and `preview`.
struct BuildOptionGroup: ParsableArguments {
    @Option(name: .shortAndLong, help: "Folder for reports, results and figures.")
    var output: String = "output"

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a front-matter param, e.g. --set epochs=2. Repeatable.", valueName: "name=value"))
    var settings: [String] = []

    @Flag(name: [.customLong("refresh"), .customLong("no-cache")],
          help: "Train every run again, reusing neither the cache nor the results committed in the output folder (the cache is refreshed).")
    var refresh = false

    @Flag(help: "Train even when the plan estimates more than an hour of training.")
    var yes = false

    @Option(help: ArgumentHelp(
        "Runs to train at once: runs with small steps train side by side, one core each; runs with large steps (a CNN) train one at a time on every core. 1 trains every run alone on every core. Numbers are the same either way.",
        valueName: "n"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Folder of the result cache.")
    var cacheDir: String = ".folio"

    @Flag(help: "Also write <output>/<name>.pdf, printed with headless Chromium (found on PATH or through FOLIO_CHROMIUM).")
    var pdf = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        _ = try overrides()
    }

    func overrides() throws -> [String: String] {
        var result: [String: String] = [:]
        for setting in settings {
            guard let equals = setting.firstIndex(of: "="), equals != setting.startIndex else {
                throw ValidationError("--set needs name=value, not '\(setting)'")
            }
            result[String(setting[..<equals])] = String(setting[setting.index(after: equals)...])
        }
        return result
    }

    func buildOptions(shard: (index: Int, count: Int)? = nil) throws -> BuildOptions {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var printer: String?
        if pdf {
            switch PDFPrinter.chromium() {
            case .success(let path): printer = path
            case .failure(let failure):
                printError("folio: error: \(failure)")
                throw ExitCode(2)
            }
        }
        return BuildOptions(
            outputDirectory: URL(fileURLWithPath: output, relativeTo: cwd).standardizedFileURL,
            cacheDirectory: URL(fileURLWithPath: cacheDir, relativeTo: cwd).standardizedFileURL,
            overrides: try overrides(), useCache: !refresh, jobs: jobs, workingDirectory: cwd, pdfPrinter: printer, shard: shard,
            trainingLimitSeconds: yes ? nil : 3600)
    }
}

/// Builds notebooks and reports what happened; returns the exit code and the files the
/// builds read besides the notebooks.
@discardableResult
func buildNotebooks(_ paths: [String], options: BuildOptionGroup, failOnClaims: Bool, shard: (index: Int, count: Int)? = nil) throws
    -> (code: Int32, inputs: [URL]) {
    let notebooks = try findNotebooks(paths)
    let buildOptions = try options.buildOptions(shard: shard)
    let progress = ConsoleProgress()
    var exitCode: Int32 = 0, inputs: [URL] = [], summaries: [NotebookSet.Member: BuildSummary] = [:]
    for member in notebooks.members {
        let start = ContinuousClock.now
        let summary = NotebookBuild.build(member.url, displayPath: member.displayPath, options: buildOptions, progress: progress)
        for line in summary.consoleLines(failOnClaims: failOnClaims, seconds: (ContinuousClock.now - start).seconds) { printError(line) }
        var code = summary.exitCode
        if code == 1 && !failOnClaims && summary.divergedRuns.isEmpty { code = 0 }
        exitCode = max(exitCode, code)
        inputs += summary.inputs
        summaries[member] = summary
    }
    do {
        if shard == nil { try notebooks.writeIndex(summaries, output: buildOptions.outputDirectory) }
    } catch {
        printError("folio: error: cannot write \(buildOptions.outputDirectory.appendingPathComponent("index.html").path): \(error.localizedDescription)")
        exitCode = max(exitCode, 2)
    }
    return (exitCode, inputs)
}

/// The notebooks named, or found in named folders; a usage error (exit 2) when there are none.
func findNotebooks(_ paths: [String]) throws -> NotebookSet {
    switch NotebookSet.find(paths) {
    case .success(let notebooks): return notebooks
    case .failure(let failure):
        printError("folio: error: \(failure)")
        throw ExitCode(2)
    }
}

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Run a notebook's experiments (reusing cached results) and write its HTML report.",
        discussion: """
            Writes <output>/<name>.html, <output>/<name>.json (every run's spec and per-epoch metrics) and \
            <output>/<name>/figure-N.svg; with --pdf also <output>/<name>.pdf; for a folder also \
            <output>/index.html listing its notebooks. A notebook with errors writes nothing: the previous \
            report stays. Failed claims are shown in the report and as warnings; use `folio check` to fail on them. \
            Results come from the cache (.folio/) or from the results committed in <output>/<name>.json when \
            their run, seed, data and engine version match; --refresh trains everything again. Before training \
            it prints the plan ("47 runs: 40 cached, 7 to train, about 2 min"; `folio plan` lists it) and stops \
            when training would take more than an hour, unless --yes. With --shard K/N it trains only the K-th \
            of N slices of the runs into the cache and writes nothing else; merge the caches with \
            `folio cache import`, then build.
            """)

    @Argument(help: "Notebooks, or folders of notebooks (default: notebooks).")
    var paths: [String] = []

    @OptionGroup var options: BuildOptionGroup

    @Option(help: ArgumentHelp("Train only slice K of N (1-based) of the runs into the cache, balanced by estimated cost; write no report.", valueName: "K/N"))
    var shard: String?

    func validate() throws { _ = try parsedShard() }

    func parsedShard() throws -> (index: Int, count: Int)? {
        guard let shard else { return nil }
        let parts = shard.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, count <= 10_000, (1...count).contains(index) else {
            throw ValidationError("--shard needs K/N with 1 ≤ K ≤ N (e.g. 2/4), not '\(shard)'")
        }
        return (index, count)
    }

    func run() throws {
        stopCleanlyOnInterrupt(exitCode: 130)
        let code = try buildNotebooks(paths, options: options, failOnClaims: false, shard: try parsedShard()).code
        if code != 0 { throw ExitCode(code) }
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Build, then exit 1 if any {expect} claim failed or a run diverged.",
        discussion: """
            With --compare-to DIR it also exits 1 when the results written differ from DIR/<name>.json (wall \
            times aside), naming each run, seed, epoch and metric: CI re-runs the notebooks with --refresh and \
            compares with the committed output/ to catch a stale report. --tolerance allows for machines whose \
            BLAS rounds differently.
            """)

    @Argument(help: "Notebooks, or folders of notebooks (default: notebooks).")
    var paths: [String] = []

    @OptionGroup var options: BuildOptionGroup

    @Option(help: ArgumentHelp("Compare the results written with the results files in this folder.", valueName: "folder"))
    var compareTo: String?

    @Option(help: "Largest difference of a number allowed by --compare-to, times the larger of 1 and the number's size.")
    var tolerance: Double = 0

    func validate() throws {
        guard tolerance >= 0, tolerance.isFinite else { throw ValidationError("--tolerance must be a number ≥ 0") }
    }

    func run() throws {
        stopCleanlyOnInterrupt(exitCode: 130)
        var code = try buildNotebooks(paths, options: options, failOnClaims: true).code
        if let compareTo, code != 2 {
            let output = try options.buildOptions().outputDirectory
            for member in try findNotebooks(paths).members {
                let committed = URL(fileURLWithPath: compareTo).appendingPathComponent(member.name + ".json")
                let check = ResultsComparison.check(
                    committed: committed, written: output.appendingPathComponent(member.name + ".json"), tolerance: tolerance)
                check.lines.forEach(printError)
                if check.stale { code = max(code, 1) }
            }
        }
        if code != 0 { throw ExitCode(code) }
    }
}

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Rebuild a notebook every time it or a file it reads (bibliography, data) is saved (Ctrl-C stops).",
        discussion: "Prose, plot and citation edits come from the cache at once; only changed experiments train.")

    @Argument(help: "The notebook to watch.")
    var path: String

    @OptionGroup var options: BuildOptionGroup

    func run() throws {
        stopCleanlyOnInterrupt(exitCode: 0)
        var current = options
        let notebook = URL(fileURLWithPath: path)
        var watched = [notebook], stamps: [FileStamp] = []
        while true {
            if watched.map(FileStamp.init) != stamps {
                // The notebook's stamp from before the build, so a save during it builds again.
                let before = FileStamp(notebook)
                let inputs = (try? buildNotebooks([path], options: current, failOnClaims: false))?.inputs ?? []
                current.refresh = false  // --refresh retrains in the first build only
                watched = [notebook] + inputs
                stamps = [before] + inputs.map(FileStamp.init)
                printError("watching \(watched.map(\.lastPathComponent).joined(separator: ", ")) for changes (Ctrl-C stops)")
            }
            Thread.sleep(forTimeInterval: 0.3)
        }
    }
}

struct CleanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clean", abstract: "Delete the result cache.")

    @Option(help: "Folder of the result cache.")
    var cacheDir: String = ".folio"

    func run() throws {
        guard FileManager.default.fileExists(atPath: cacheDir) else {
            printError("\(cacheDir): no cache to delete")
            return
        }
        try FileManager.default.removeItem(atPath: cacheDir)
        printError("deleted \(cacheDir)")
    }
}
