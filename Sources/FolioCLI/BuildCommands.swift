import ArgumentParser
import Folio
import Foundation
import NeuralNet

/// Options shared by `build`, `check` and `watch`.
struct BuildOptionGroup: ParsableArguments {
    @Option(name: .shortAndLong, help: "Folder for reports, results and figures.")
    var output: String = "output"

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a front-matter param, e.g. --set epochs=2. Repeatable.", valueName: "name=value"))
    var settings: [String] = []

    @Flag(help: "Train every run again instead of reusing cached results (the cache is refreshed).")
    var noCache = false

    @Option(help: "Independent runs to train at once (each then uses one core for matrix products).")
    var jobs: Int = 1

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

    func buildOptions() throws -> BuildOptions {
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
            overrides: try overrides(), useCache: !noCache, jobs: jobs, workingDirectory: cwd, pdfPrinter: printer)
    }
}

/// Builds notebooks and reports what happened; returns the exit code and the files the
/// builds read besides the notebooks.
@discardableResult
func buildNotebooks(_ paths: [String], options: BuildOptionGroup, failOnClaims: Bool) throws -> (code: Int32, inputs: [URL]) {
    let notebooks = try findNotebooks(paths)
    let buildOptions = try options.buildOptions()
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
        try notebooks.writeIndex(summaries, output: buildOptions.outputDirectory)
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
            report stays. Failed claims are shown in the report and as warnings; use `folio check` to fail on them.
            """)

    @Argument(help: "Notebooks, or folders of notebooks (default: notebooks).")
    var paths: [String] = []

    @OptionGroup var options: BuildOptionGroup

    func run() throws {
        stopCleanlyOnInterrupt(exitCode: 130)
        let code = try buildNotebooks(paths, options: options, failOnClaims: false).code
        if code != 0 { throw ExitCode(code) }
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Build, then exit 1 if any {expect} claim failed or a run diverged.")

    @Argument(help: "Notebooks, or folders of notebooks (default: notebooks).")
    var paths: [String] = []

    @OptionGroup var options: BuildOptionGroup

    func run() throws {
        stopCleanlyOnInterrupt(exitCode: 130)
        let code = try buildNotebooks(paths, options: options, failOnClaims: true).code
        if code != 0 { throw ExitCode(code) }
    }
}

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Rebuild a notebook every time it or its bibliography is saved (Ctrl-C stops).",
        discussion: "Prose, plot and citation edits come from the cache at once; only changed experiments train.")

    @Argument(help: "The notebook to watch.")
    var path: String

    @OptionGroup var options: BuildOptionGroup

    func run() throws {
        stopCleanlyOnInterrupt(exitCode: 0)
        var watched = [URL(fileURLWithPath: path)]
        var lastModified: [Date?] = []
        while true {
            if watched.map(NotebookSet.modificationDate) != lastModified {
                let inputs = (try? buildNotebooks([path], options: options, failOnClaims: false))?.inputs ?? []
                watched = [URL(fileURLWithPath: path)] + inputs
                lastModified = watched.map(NotebookSet.modificationDate)
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
