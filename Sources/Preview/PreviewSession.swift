import Folio
import Foundation
import NeuralNet

/// What `folio preview` serves and builds.
public struct PreviewSettings: Sendable {
    public var notebooks: NotebookSet
    public var build: BuildOptions
    /// The address to listen on; loopback unless the user says otherwise.
    public var host: String
    /// The port; nil for `defaultPort`, or the next free one after it.
    public var port: UInt16?
    /// Open the page in the system's browser once serving.
    public var openBrowser: Bool

    public static let defaultHost = "127.0.0.1"
    public static let defaultPort: UInt16 = 8765

    public init(notebooks: NotebookSet, build: BuildOptions, host: String = defaultHost, port: UInt16? = nil, openBrowser: Bool = false) {
        self.notebooks = notebooks
        self.build = build
        self.host = host
        self.port = port
        self.openBrowser = openBrowser
    }
}

/// Why a preview could not start.
public struct PreviewFailure: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// `folio preview`: serves the output folder over HTTP, builds the notebooks, and rebuilds a
/// notebook whenever it or a file it reads (its bibliography, its data-set files) changes,
/// telling every open page to update. The files on disk are exactly what `folio build`
/// writes; the live script is added only to the pages the server sends.
public final class PreviewSession: @unchecked Sendable {
    private let settings: PreviewSettings
    private let channel = LiveChannel()
    private let terminal: ProgressSink?
    private let log: @Sendable (String) -> Void
    private var summaries: [NotebookSet.Member: BuildSummary] = [:]
    private var stamps: [NotebookSet.Member: [URL: FileStamp]] = [:]
    private var builds = 0

    /// `terminal` draws training progress in the terminal too; `log` prints a line there.
    public init(_ settings: PreviewSettings, terminal: ProgressSink?, log: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.terminal = terminal
        self.log = log
    }

    /// Starts the server, builds every notebook, then watches and rebuilds until the process
    /// ends (Ctrl-C). Returns only when the server cannot start.
    public func run() -> PreviewFailure {
        let server: PreviewServer
        switch startServer() {
        case .success(let started): server = started
        case .failure(let failure): return failure
        }
        let members = settings.notebooks.members
        let url = "http://\(settings.host.contains(":") ? "[\(settings.host)]" : settings.host):\(server.port)/\(home == "index.html" ? "" : home)"
        log("serving \(settings.build.outputDirectory.path) at \(url) (Ctrl-C stops)")
        if settings.openBrowser { openInBrowser(url) }
        for member in members { build(member) }
        log("watching \(members.count == 1 ? members[0].displayPath : "\(members.count) notebooks") and the files they read for changes")
        while true {
            Thread.sleep(forTimeInterval: 0.05)
            for member in members where changed(member) {
                settle(member)
                build(member)
            }
        }
    }

    /// Where `/` leads: the folder's index page, or the one notebook's report.
    private var home: String {
        settings.notebooks.folders.isEmpty ? settings.notebooks.members[0].name + ".html" : "index.html"
    }

    private func startServer() -> Result<PreviewServer, PreviewFailure> {
        let members = settings.notebooks.members
        let handler = PreviewHandler(folder: settings.build.outputDirectory, channel: channel, reports: Set(members.map(\.name)), home: home)
        do {
            try FileManager.default.createDirectory(at: settings.build.outputDirectory, withIntermediateDirectories: true)
        } catch {
            return .failure(PreviewFailure(description: "cannot create \(settings.build.outputDirectory.path): \(error.localizedDescription)"))
        }
        let ports: [UInt16] = settings.port.map { [$0] } ?? (0..<20).map { PreviewSettings.defaultPort + $0 }
        for port in ports {
            switch blocking({ () async throws(PreviewServer.StartFailure) in
                try await PreviewServer.start(host: self.settings.host, port: port, handler: handler)
            }) {
            case .success(let server):
                if port != ports[0] { log("port \(ports[0]) is in use; serving on \(port) instead") }
                return .success(server)
            case .failure(.addressInUse):
                continue
            case .failure(.badHost(let host)):
                return .failure(PreviewFailure(description: "--host \(host) is not an IPv4 or IPv6 address of this machine (e.g. 127.0.0.1, ::1, 0.0.0.0)"))
            case .failure(.other(let message)):
                return .failure(PreviewFailure(description: "cannot listen on \(settings.host):\(port): \(message)"))
            }
        }
        if settings.port != nil {
            return .failure(PreviewFailure(description: "port \(ports[0]) on \(settings.host) is in use; choose another with --port, or leave --port out to take the next free one"))
        }
        return .failure(PreviewFailure(description: "ports \(ports[0])–\(ports[ports.count - 1]) on \(settings.host) are all in use; choose one with --port"))
    }

    /// Builds one notebook and tells the pages: `built`, or `failed` with every diagnostic.
    private func build(_ member: NotebookSet.Member) {
        builds += 1
        let before = stamps[member] ?? [:], notebookStamp = FileStamp(member.url)
        channel.send(PreviewEvent(type: .building, notebook: member.name, build: builds))
        let start = ContinuousClock.now
        let progress = PagesProgress(channel: channel, notebook: member.name, build: builds, terminal: terminal)
        // --refresh retrains in a notebook's first build only; later saves reuse what it trained.
        var options = settings.build
        options.useCache = options.useCache || summaries[member] != nil
        let summary = NotebookBuild.build(member.url, displayPath: member.displayPath, options: options, progress: progress)
        let seconds = (ContinuousClock.now - start).seconds
        summaries[member] = summary
        // A file's stamp from before the build, so an edit saved while it ran builds again.
        var watched: [URL: FileStamp] = [member.url: notebookStamp]
        for input in summary.inputs { watched[input] = before[input] ?? FileStamp(input) }
        stamps[member] = watched
        do {
            try settings.notebooks.writeIndex(summaries, output: settings.build.outputDirectory)
        } catch {
            log("folio: error: cannot write the index page: \(error.localizedDescription)")
        }
        let annotated = SourceExcerpt.annotated(summary.diagnostics, relativeTo: settings.build.workingDirectory)
        let excerpts = Dictionary(annotated.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
        for line in summary.consoleLines(failOnClaims: false, seconds: seconds, diagnostic: { diagnostic in
            excerpts[diagnostic].flatMap { $0 }.map { diagnostic.description + "\n" + $0 } ?? diagnostic.description
        }) { log(line) }
        if summary.exitCode == 2 {
            let problems = annotated.map { PreviewEvent.Problem(text: $0.0.description, excerpt: $0.1) }
            channel.send(PreviewEvent(type: .failed, notebook: member.name, build: builds, problems: problems))
        } else {
            channel.send(PreviewEvent(type: .built, notebook: member.name, build: builds))
        }
    }

    /// True when the notebook or a file its last build read changed since that build.
    private func changed(_ member: NotebookSet.Member) -> Bool {
        guard let known = stamps[member] else { return true }
        return known.contains { FileStamp($0.key) != $0.value }
    }

    /// Waits until the notebook stops changing (an editor may write it in pieces), at most half
    /// a second.
    private func settle(_ member: NotebookSet.Member) {
        var last = FileStamp(member.url)
        for _ in 0..<25 {
            Thread.sleep(forTimeInterval: 0.02)
            let now = FileStamp(member.url)
            if now == last { return }
            last = now
        }
    }

    private func openInBrowser(_ url: String) {
        let process = Process()
        #if os(macOS)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/open")
        process.arguments = [url]
        #else
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xdg-open", url]
        #endif
        do { try process.run() } catch { log("cannot open a browser (\(error.localizedDescription)); open \(url) yourself") }
    }
}

/// Runs async `work` from synchronous code and waits for its result.
private func blocking<Success: Sendable, Failure: Error>(_ work: @escaping @Sendable () async throws(Failure) -> Success) -> Result<Success, Failure> {
    let box = ResultBox<Success, Failure>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do throws(Failure) { box.result = .success(try await work()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return box.result!
}

private final class ResultBox<Success, Failure: Error>: @unchecked Sendable {
    var result: Result<Success, Failure>?
}
