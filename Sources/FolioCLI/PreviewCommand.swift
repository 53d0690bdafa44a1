import ArgumentParser
import Folio
import Foundation
import Preview

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Build, serve the report over HTTP, and update the open page on every save (Ctrl-C stops).",
        discussion: """
            Serves the output folder at http://127.0.0.1:8765/ (the next free port if that one is taken), \
            rebuilds a notebook whenever it, its bibliography or its data files change, and tells every open \
            page to update in place, keeping its scroll position. While runs train, the page shows a banner \
            with the run, the epoch and the time left; a notebook with errors shows them over the last good \
            report. For a folder, / is the index of its notebooks. The files written are exactly those of \
            `folio build`: the live script is added only to the pages served. Only files inside the output \
            folder are served.
            """)

    @Argument(help: "A notebook, or a folder of notebooks (default: notebooks).")
    var path: String?

    @Option(help: "Port to listen on (default: 8765, or the next free one; 0: any free port).")
    var port: Int?

    @Option(help: "Address to listen on; other machines can reach the preview only if this is not loopback (e.g. 0.0.0.0).")
    var host: String = PreviewSettings.defaultHost

    @Flag(help: "Open the page in the system's browser.")
    var open = false

    @OptionGroup var options: BuildOptionGroup

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
        guard !options.pdf else { throw ValidationError("--pdf is for folio build; a preview serves HTML") }
    }

    func run() throws {
        let notebooks = try findNotebooks(path.map { [$0] } ?? [])
        let settings = PreviewSettings(
            notebooks: notebooks, build: try options.buildOptions(), host: host, port: port.map { UInt16($0) }, openBrowser: open)
        stopCleanlyOnInterrupt(exitCode: 0)
        let failure = PreviewSession(settings, terminal: ConsoleProgress(), log: { printError($0) }).run()
        printError("folio: error: \(failure)")
        throw ExitCode(2)
    }
}
