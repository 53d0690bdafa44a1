import Foundation

/// What a build will do with every seed of every run: reuse a result from the cache or from
/// the committed results file (frozen), or train it, and about how long training will take.
public struct BuildPlan: Sendable {
    /// Where a seed's result comes from.
    public enum Status: String, Codable, Sendable {
        /// The result cache (`.folio/`) holds it.
        case cached
        /// The committed `output/<name>.json` holds it.
        case frozen
        /// It trains in this build.
        case train = "to train"
    }

    /// One seed of one run.
    struct Seed: Sendable {
        var seed: UInt64
        var key: String
        var status: Status
        var record: SeedRecord?
        /// The cost model's estimate, calibrated by the notebook's reused runs.
        var estimatedSeconds: Double
        /// The cost model's estimate alone: shards are dealt by it, so that the split does not
        /// depend on what is cached (the calibration does).
        var modelSeconds: Double
    }

    /// One run and its seeds.
    struct Run: Sendable {
        var run: PlannedRun
        var seeds: [Seed]
        var work: CostModel.Work?

        /// `to train` when any seed trains, else `frozen` when any seed is, else `cached`.
        var status: Status {
            if seeds.contains(where: { $0.status == .train }) { return .train }
            return seeds.contains { $0.status == .frozen } ? .frozen : .cached
        }
        var secondsToTrain: Double { seeds.filter { $0.status == .train }.reduce(0) { $0 + $1.estimatedSeconds } }
    }

    var runs: [Run]

    /// How many runs come from where, and how long training will take.
    public struct Summary: Sendable, CustomStringConvertible {
        public var runs: Int
        public var cached: Int
        public var frozen: Int
        public var toTrain: Int
        public var seedsToTrain: Int
        public var estimatedSeconds: Double

        /// `47 runs: 40 cached, 7 to train, about 2 min` (frozen runs named only when there are some).
        public var description: String {
            var parts = ["\(cached) cached"]
            if frozen > 0 { parts.append("\(frozen) frozen") }
            parts.append("\(toTrain) to train")
            let time = toTrain > 0 ? ", about \(Self.duration(estimatedSeconds))" : ""
            return "\(runs) run\(runs == 1 ? "" : "s"): " + parts.joined(separator: ", ") + time
        }

        /// `40 s`, `3 min`, `2.5 h`.
        public static func duration(_ seconds: Double) -> String {
            if seconds < 90 { return "\(max(1, Int(seconds.rounded()))) s" }
            if seconds < 5400 { return "\(Int((seconds / 60).rounded())) min" }
            return String(format: "%.1f h", seconds / 3600)
        }
    }

    public var summary: Summary { summary(trainingOnly: nil) }

    /// The summary when only the seeds with a key in `keys` train (a shard's); the runs
    /// other shards train count as neither cached nor to train.
    func summary(trainingOnly keys: Set<String>?) -> Summary {
        let training = runs.flatMap(\.seeds).filter { seed in seed.status == .train && (keys?.contains(seed.key) ?? true) }
        let trainingKeys = Set(training.map(\.key))
        return Summary(runs: runs.count, cached: runs.filter { $0.status == .cached }.count, frozen: runs.filter { $0.status == .frozen }.count,
                       toTrain: runs.filter { $0.seeds.contains { trainingKeys.contains($0.key) } }.count,
                       seedsToTrain: training.count, estimatedSeconds: training.reduce(0) { $0 + $1.estimatedSeconds })
    }

    /// The seeds shard `index` (1-based) of `count` trains: every seed of the plan is dealt to
    /// a shard, most expensive first, each to the shard with the least estimated work so far
    /// (ties to the lower shard), whatever is cached already. So every process of a sweep
    /// computes the same split, even while others fill a shared cache, and no seed is
    /// trained twice or skipped; a shard then trains those of its seeds not yet cached.
    func shard(_ index: Int, of count: Int) -> Set<String> {
        let seeds = runs.flatMap(\.seeds).sorted { ($0.modelSeconds, $1.key) > ($1.modelSeconds, $0.key) }
        var load = [Double](repeating: 0, count: count), assigned = Set<String>()
        for seed in seeds {
            let target = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
            load[target] += seed.modelSeconds
            if target == index - 1 { assigned.insert(seed.key) }
        }
        return assigned
    }

    /// The estimated seconds each of `count` shards trains, for a report of the balance.
    func shardLoads(_ count: Int) -> [Double] {
        (1...count).map { index in
            let keys = shard(index, of: count)
            return runs.flatMap(\.seeds).filter { keys.contains($0.key) }.reduce(0) { $0 + $1.estimatedSeconds }
        }
    }
}
