import ArgumentParser
import Folio
import Foundation

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "List every run a build would do: its cache keys, whether it is cached, frozen or to train, and about how long.",
        discussion: """
            Trains nothing. "frozen" results come from the results committed in <output>/<name>.json. Estimates \
            count each network's work (matrix products, element-wise passes, per-step overhead) at rates measured \
            on the report's runs, scaled by how long this notebook's cached runs took on this machine. With \
            --shards N it also shows how `folio build --shard K/N` would split the runs.
            """)

    @Argument(help: "Notebooks, or folders of notebooks (default: notebooks).")
    var paths: [String] = []

    @Flag(help: "Print JSON (one object per notebook, in a list).")
    var json = false

    @Option(help: "Also show the estimated work of each of N shards.")
    var shards: Int?

    @OptionGroup var options: BuildOptionGroup

    func validate() throws {
        if let shards, !(1...10_000).contains(shards) { throw ValidationError("--shards must be between 1 and 10000") }
    }

    func run() throws {
        let notebooks = try findNotebooks(paths)
        let buildOptions = try options.buildOptions(shard: shards.map { (1, $0) })
        var reports: [String] = [], failed = false
        for member in notebooks.members {
            let (plan, diagnostics) = NotebookBuild.plan(member.url, displayPath: member.displayPath, options: buildOptions)
            for diagnostic in diagnostics { printError(diagnostic.description) }
            guard let plan else {
                failed = true
                continue
            }
            reports.append(json ? plan.json() : plan.table())
        }
        print(json ? "[\n" + reports.joined(separator: ",\n") + "\n]" : reports.joined(separator: "\n\n"))
        if failed { throw ExitCode(2) }
    }
}
