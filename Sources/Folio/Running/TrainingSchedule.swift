/// The order in which a build trains its seeds, and on how many threads each.
///
/// Small runs barely gain from a second core: at a batch of 8, the 784-300-100-10 network's
/// matrix products are too small to split and handing loops to a helper thread costs more
/// than it saves (an epoch took 2.31 s on two cores against 1.95 s on one, here). Two of them
/// side by side, one per core, train twice as fast. Large steps are the opposite: the BN-CNN's
/// epoch took 40 s on two cores against 73 s on one. So a build first trains its wide seeds
/// (steps of at least `wideStepFlops`) one at a time on `wideThreads` threads, then its
/// narrow ones on one thread each, `jobs` at a time, longest first so that the jobs end
/// together.
///
/// How many threads a seed trains on is the seed's own: it follows from its spec, never
/// from `--jobs` or the machine's cores, because OpenBLAS rounds a product split between two
/// threads differently from one computed by one (a 784-300-100-10 run at batch 32 ends with
/// another validation loss in the 8th digit). So every build computes the same numbers
/// whatever its number of jobs; changing `wideStepFlops` or `wideThreads` changes runs'
/// numbers and must move `Engine.version`.
struct TrainingSchedule: Equatable {
    /// A seed to train, as the schedule sees it.
    struct Item: Equatable {
        /// Index of the run in the plan and of the seed in the run.
        var run: Int, seed: Int
        var key: String
        var estimatedSeconds: Double
        /// Floating-point operations of one training step's matrix products.
        var stepFlops: Double
    }

    /// Steps of at least this many flops train on `wideThreads` threads. The BN-CNN at batch
    /// 64 does 1.6 GFLOP per step; the MLP at batch 256, the report's largest narrow step, 0.4.
    static let wideStepFlops = 1e9
    /// Threads of a wide seed: BLAS's for its products, and the engine's helper thread.
    static let wideThreads = 2

    /// Seeds that train one at a time on `wideThreads` threads, in plan order.
    var wide: [Item]
    /// Seeds that train on one thread each, `jobs` at a time, longest first.
    var narrow: [Item]

    init(_ items: [Item]) {
        wide = items.filter { $0.stepFlops >= Self.wideStepFlops }
        narrow = items.filter { $0.stepFlops < Self.wideStepFlops }
            .sorted { ($0.estimatedSeconds, $1.key) > ($1.estimatedSeconds, $0.key) }
    }
}
