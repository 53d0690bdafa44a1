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
    var exitCode: Int32 = 0, inputs: [URL] = [], entries: [IndexPage.Entry] = []
    for (url, display) in notebooks {
        let start = ContinuousClock.now
        let summary = NotebookBuild.build(url, displayPath: display, options: buildOptions, progress: progress)
        for diagnostic in summary.diagnostics { printError(diagnostic.description) }
        for line in summary.divergedRuns { printError(line) }
        for line in summary.failedClaims { printError(failOnClaims ? line : line.replacingOccurrences(of: ": error: ", with: ": warning: ")) }
        let elapsed = (ContinuousClock.now - start).seconds
        if summary.exitCode == 2 {
            printError("\(display): not built (\(summary.diagnostics.filter { $0.severity == .error }.count) error(s)); the previous report is unchanged")
        } else {
            let held = summary.claimCount - summary.failedClaims.count
            printError(String(format: "%@: wrote %@ in %.2f s (%d run(s) trained; %d of %d claim(s) hold)", display,
                              summary.writtenFiles.first ?? "", elapsed, summary.trainedRuns.count, held, summary.claimCount))
        }
        var code = summary.exitCode
        if code == 1 && !failOnClaims && summary.divergedRuns.isEmpty { code = 0 }
        exitCode = max(exitCode, code)
        inputs += summary.inputs
        entries.append(indexEntry(url, summary, output: buildOptions.outputDirectory))
    }
    // A folder of notebooks gets an index page beside its reports.
    let folders = (paths.isEmpty ? ["notebooks"] : paths).filter { path in
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
    if !folders.isEmpty {
        let index = buildOptions.outputDirectory.appendingPathComponent("index.html")
        do {
            try Data(IndexPage.render(folder: folders.joined(separator: ", "), entries: entries).utf8).write(to: index, options: .atomic)
        } catch {
            printError("folio: error: cannot write \(index.path): \(error.localizedDescription)")
            exitCode = max(exitCode, 2)
        }
    }
    return (exitCode, inputs)
}

/// How the index page shows a notebook after its build.
func indexEntry(_ url: URL, _ summary: BuildSummary, output: URL) -> IndexPage.Entry {
    let name = url.deletingPathExtension().lastPathComponent
    let built = modificationDate(output.appendingPathComponent(name + ".html"))
    let errors = summary.diagnostics.filter { $0.severity == .error }.count
    return IndexPage.Entry(
        name: name, title: summary.title ?? name, built: built, claimsHeld: summary.claimCount - summary.failedClaims.count,
        claimCount: summary.claimCount, errorCount: summary.exitCode == 2 ? max(errors, 1) : 0,
        hasPDF: FileManager.default.fileExists(atPath: output.appendingPathComponent(name + ".pdf").path))
}

/// When `file` was last written; nil when it does not exist.
func modificationDate(_ file: URL) -> Date? {
    (try? FileManager.default.attributesOfItem(atPath: file.path))?[.modificationDate] as? Date
}

/// The Markdown files named, or found in named folders (sorted), with the path to show.
func findNotebooks(_ paths: [String]) throws -> [(URL, String)] {
    var found: [(URL, String)] = []
    for path in paths.isEmpty ? ["notebooks"] : paths {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            printError("folio: error: \(path): no such file or folder")
            throw ExitCode(2)
        }
        if isDirectory.boolValue {
            let names = (try FileManager.default.contentsOfDirectory(atPath: path)).filter { $0.hasSuffix(".md") }.sorted()
            found += names.map { (URL(fileURLWithPath: path).appendingPathComponent($0), (path as NSString).appendingPathComponent($0)) }
        } else {
            found.append((URL(fileURLWithPath: path), path))
        }
    }
    if found.isEmpty {
        printError("folio: error: no notebooks (.md files) in \(paths.isEmpty ? "notebooks" : paths.joined(separator: ", "))")
        throw ExitCode(2)
    }
    return found
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
        var watched = [URL(fileURLWithPath: path)]
        var lastModified: [Date?] = []
        while true {
            if watched.map(modificationDate) != lastModified {
                let inputs = (try? buildNotebooks([path], options: options, failOnClaims: false))?.inputs ?? []
                watched = [URL(fileURLWithPath: path)] + inputs
                lastModified = watched.map(modificationDate)
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
