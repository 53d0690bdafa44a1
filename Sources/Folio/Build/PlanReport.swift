import Foundation

/// `folio plan`: every run of a notebook with its cache keys, where its results come from and
/// how long it would train, as a table or as JSON.
public struct PlanReport: Encodable, Sendable {
    struct Run: Encodable, Sendable {
        var name: String
        var experiment: String
        /// One cache key per seed.
        var keys: [String]
        var status: BuildPlan.Status
        var seeds: Int
        var seedsToTrain: Int
        /// Estimated seconds to train every seed of the run (whatever is cached).
        var estimatedSeconds: Double
        /// What the estimate counts (see `CostModel`).
        var work: CostModel.Work?
    }

    var notebook: String
    var runs: [Run]
    /// Estimated seconds of the seeds to train.
    var estimatedSeconds: Double
    var summary: String
    /// With `--shard K/N`: the estimated seconds each shard trains, if nothing were cached.
    var shardSeconds: [Double]?

    init(notebook: String, plan: BuildPlan, shards: Int?) {
        self.notebook = notebook
        runs = plan.runs.map { run in
            Run(name: run.run.name, experiment: run.run.experiment, keys: run.seeds.map(\.key), status: run.status, seeds: run.seeds.count,
                seedsToTrain: run.seeds.filter { $0.status == .train }.count,
                estimatedSeconds: run.seeds.reduce(0) { $0 + $1.estimatedSeconds }, work: run.work)
        }
        estimatedSeconds = plan.summary.estimatedSeconds
        summary = plan.summary.description
        shardSeconds = shards.map { plan.shardLoads($0) }
    }

    /// The plan as JSON (sorted keys).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    /// A table: run, seeds, status, estimate and the first seed's key (shortened).
    public func table() -> String {
        let width = max(3, runs.map(\.name.count).max() ?? 0)
        func pad(_ text: String, _ count: Int) -> String { text + String(repeating: " ", count: max(0, count - text.count)) }
        var lines = ["\(notebook): \(summary)", pad("run", width) + "  seeds  status     estimate  key"]
        for run in runs {
            let seeds = run.seedsToTrain > 0 && run.seedsToTrain < run.seeds ? "\(run.seedsToTrain)/\(run.seeds)" : "\(run.seeds)"
            lines.append(pad(run.name, width) + "  " + pad(seeds, 5) + "  " + pad(run.status.rawValue, 9) + "  "
                + pad(BuildPlan.Summary.duration(run.estimatedSeconds), 8) + "  " + String(run.keys.first?.prefix(12) ?? ""))
        }
        if let shardSeconds {
            let mean = shardSeconds.reduce(0, +) / Double(max(shardSeconds.count, 1))
            lines.append("shards: " + shardSeconds.map { BuildPlan.Summary.duration($0) }.joined(separator: ", ")
                + String(format: " (largest %.2f× the mean)", (shardSeconds.max() ?? 0) / max(mean, 1e-9)))
        }
        return lines.joined(separator: "\n")
    }
}
