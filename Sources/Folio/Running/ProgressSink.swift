import NeuralNet

/// Hears about training progress; the command line draws it.
public protocol ProgressSink: AnyObject, Sendable {
    /// The build's plan is made: how many runs are cached, frozen and to train, and about
    /// how long training will take.
    func planned(_ summary: BuildPlan.Summary)
    /// The build will train `seeds` run seeds (the rest of its `total` come from the cache).
    func willTrain(seeds: Int, of total: Int)
    /// A run's seed started training.
    func started(run: String, seed: UInt64, epochs: Int, stepsPerEpoch: Int)
    /// A step finished.
    func step(run: String, seed: UInt64, epoch: Int, step: Int)
    /// An epoch finished.
    func epoch(run: String, seed: UInt64, metrics: EpochMetrics, epochs: Int)
    /// A run's seed finished (or stopped on divergence).
    func finished(run: String, seed: UInt64)
}

extension ProgressSink {
    public func planned(_ summary: BuildPlan.Summary) {}
    public func willTrain(seeds: Int, of total: Int) {}
}
