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
    /// `Engine.arithmetic` where the results were computed (`mixed` when seeds came from
    /// machines of different arithmetic, each seed then naming its own); nil in files
    /// written before it was recorded.
    var machine: String?
    var runs: [Run]

    /// A file of `results`: trained here, cached, or frozen from the committed file, whose
    /// seeds keep the arithmetic they were computed with (a seed that does not know it, from
    /// an older cache entry, counts as this machine's).
    init(_ results: [RunResult], notebook: Notebook, keys: [String: [String]]) {
        self.notebook = notebook.name
        engine = Engine.version
        let machines = Set(results.flatMap(\.seeds).map { $0.arithmetic ?? Engine.arithmetic })
        let isMixed = machines.count > 1
        machine = isMixed ? Self.mixed : machines.first ?? Engine.arithmetic
        runs = results.map { result in
            // One arithmetic is said once, at the top.
            let seeds = result.seeds.map { seed in
                var seed = seed
                seed.arithmetic = isMixed ? seed.arithmetic ?? Engine.arithmetic : nil
                return seed
            }
            return Run(name: result.name, experiment: result.run.experiment, spec: result.run.spec, keys: keys[result.name], seeds: seeds)
        }
    }

    /// `machine` of a file whose seeds were computed with different arithmetic.
    static let mixed = "mixed"

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
            for (key, record) in zip(keys, run.seeds) {
                var record = record
                if record.arithmetic == nil, machine != Self.mixed { record.arithmetic = machine }
                records[key] = record
            }
        }
        return records
    }
}
