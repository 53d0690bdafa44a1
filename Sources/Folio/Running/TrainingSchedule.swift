/// The order in which a build trains its seeds, and on how many cores each.
///
/// Small runs barely gain from a second core: at a batch of 8, the 784-300-100-10 network's
/// matrix products are too small to split and handing loops to a helper thread costs more
/// than it saves (an epoch took 2.31 s on two cores against 1.95 s on one, here). Two of them
/// side by side, one per core, train twice as fast. Large steps are the opposite: the BN-CNN's
/// epoch took 40 s on two cores against 73 s on one. So with several jobs a build first
/// trains its wide seeds (steps of at least `wideStepFlops`) one at a time on every core,
/// then its narrow ones `jobs` at a time on one core each, longest first so that the jobs
/// end together. Both ways compute every number exactly as a one-at-a-time build does (see
/// `Parallel`): only wall times differ.
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

    /// Steps of at least this many flops train on every core. The BN-CNN at batch 64 does
    /// 1.6 GFLOP per step; the MLP at batch 256, the report's largest narrow step, 0.4.
    static let wideStepFlops = 1e9

    /// Seeds that train one at a time on every core, in plan order.
    var wide: [Item]
    /// Seeds that train side by side on one core each, longest first.
    var narrow: [Item]

    /// With one job every seed trains in plan order on every core (`wide`); with more, as
    /// described above.
    init(_ items: [Item], jobs: Int) {
        guard jobs > 1 else {
            wide = items
            narrow = []
            return
        }
        wide = items.filter { $0.stepFlops >= Self.wideStepFlops }
        narrow = items.filter { $0.stepFlops < Self.wideStepFlops }
            .sorted { ($0.estimatedSeconds, $1.key) > ($1.estimatedSeconds, $0.key) }
    }
}
