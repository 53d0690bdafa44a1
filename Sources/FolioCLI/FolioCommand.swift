import ArgumentParser

@main
struct FolioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folio",
        abstract: "Turn Markdown notebooks with experiment directives into self-contained HTML reports.",
        discussion: """
            Exit codes: 0 success; 1 a failed expectation or a diverged run; 2 a notebook or usage error.
            """,
        version: "0.1.0",
        subcommands: [BenchCommand.self])
}
