import Foundation
import NeuralNet

/// `output/<name>.json`: every run's resolved spec, its seeds' cache keys and everything
/// each seed recorded. Committed beside the report, it is also a source of results: a build
/// trains no seed whose key (spec, seed, data contents, engine version) it already holds.
struct ResultsFile: Codable {
    struct Run: Codable {
        var name: String
        var experiment: String
        var spec: RunSpec
        /// One cache key per seed, in the order of `seeds`.
        var keys: [String]?
        var seeds: [SeedRecord]
    }

    var notebook: String
    var engine: String
    /// `Engine.arithmetic` where the results were computed; nil in files written before it
    /// was recorded.
    var machine: String?
    var runs: [Run]

    init(_ results: [RunResult], notebook: Notebook, keys: [String: [String]]) {
        self.notebook = notebook.name
        engine = Engine.version
        machine = Engine.arithmetic
        runs = results.map { Run(name: $0.name, experiment: $0.run.experiment, spec: $0.run.spec, keys: keys[$0.name], seeds: $0.seeds) }
    }

    /// Pretty-printed JSON with sorted keys, so that a rebuild with the same results is
    /// byte-identical and a change reads well in a diff.
    func encoded() throws -> Data {
        let encoder = ResultCache.encoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(self)
    }

    /// The file at `url`, or nil when it is missing or not a results file.
    static func load(_ url: URL) -> ResultsFile? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? ResultCache.decoder().decode(ResultsFile.self, from: data)
    }

    /// Each seed's record by its cache key (seeds of files written before keys were recorded
    /// have none and are not reused).
    var recordsByKey: [String: SeedRecord] {
        var records: [String: SeedRecord] = [:]
        for run in runs {
            guard let keys = run.keys, keys.count == run.seeds.count else { continue }
            for (key, record) in zip(keys, run.seeds) { records[key] = record }
        }
        return records
    }
}
