import ArgumentParser
import Folio
import Foundation

struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache", abstract: "Work with the result cache.", subcommands: [CacheImportCommand.self])
}

struct CacheImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Merge result caches trained elsewhere (e.g. by `folio build --shard K/N`) into this one.",
        discussion: """
            Copies every entry that verifies (its checksum, and its name being its key) and is not here yet; \
            damaged entries are named and skipped, so they train again. Safe while other processes use the cache.
            """)

    @Argument(help: "Cache folders to merge (each holds runs/).")
    var folders: [String]

    @Option(help: "The cache to merge into.")
    var cacheDir: String = ".folio"

    func run() throws {
        let target = URL(fileURLWithPath: cacheDir)
        var damaged = 0
        for folder in folders {
            let count: CacheImport.Count
            do {
                count = try CacheImport.importEntries(from: URL(fileURLWithPath: folder), into: target)
            } catch {
                printError("folio: error: cannot read the cache \(folder): \(error.localizedDescription)")
                throw ExitCode(2)
            }
            for name in count.damaged {
                printError("folio: warning: \((folder as NSString).appendingPathComponent("runs/" + name)): damaged entry skipped (it will train again)")
            }
            damaged += count.damaged.count
            printError("\(folder): imported \(count.imported) entr\(count.imported == 1 ? "y" : "ies") into \(cacheDir) (\(count.alreadyPresent) already there, \(count.damaged.count) damaged)")
        }
        if damaged > 0 { throw ExitCode(1) }
    }
}
