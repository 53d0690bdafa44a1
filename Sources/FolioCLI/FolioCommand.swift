import ArgumentParser
import Foundation

struct FolioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folio",
        abstract: "Turn Markdown notebooks with experiment directives into self-contained HTML reports.",
        discussion: """
            Exit codes: 0 success; 1 a failed expectation or a diverged run; 2 a notebook or usage error.
            """,
        version: "0.1.0",
        subcommands: [BuildCommand.self, CheckCommand.self, PlanCommand.self, WatchCommand.self, PreviewCommand.self, NewCommand.self, CacheCommand.self, CleanCommand.self, BenchCommand.self])
}

/// Runs the command, mapping ArgumentParser's usage-error code (64) to Folio's 2.
@main
enum Main {
    static func main() {
        do {
            var command = try FolioCommand.parseAsRoot()
            try command.run()
        } catch {
            let code = FolioCommand.exitCode(for: error)
            if code == .validationFailure {
                printError(FolioCommand.fullMessage(for: error))
                Foundation.exit(2)
            }
            FolioCommand.exit(withError: error)
        }
    }
}
