import NeuralNet

/// Percentiles of one unit's pre-activation over the probe batch, at one step.
struct ActivationSample: Codable, Hashable, Sendable {
    var step: Int
    var p15: Double, p50: Double, p85: Double
}

/// The weight-gradient norm of each dense layer, at one step.
struct GradientSample: Codable, Hashable, Sendable {
    var step: Int
    var norms: [Double]
}

/// Everything one seed of one run produced. This is what the cache stores.
struct SeedRecord: Codable, Hashable, Sendable {
    var seed: UInt64
    var epochs: [EpochMetrics]
    var divergence: Divergence?
    var steps: [Float]?
    var activations: [ActivationSample]?
    var gradients: [GradientSample]?
    var testLoss: Double?
    var testAccuracy: Double?
    /// `Engine.arithmetic` of the machine that trained the seed: other BLAS kernels round
    /// differently, so results are comparable bit for bit only between equal arithmetic. Nil
    /// in cache entries written before it was recorded.
    var arithmetic: String?
}

/// A run's results over its seeds, with means and spreads for figures and claims.
struct RunResult: Sendable {
    var run: PlannedRun
    var seeds: [SeedRecord]

    var name: String { run.name }
    var diverged: Bool { seeds.contains { $0.divergence != nil } }

    /// Epochs every seed completed.
    var epochCount: Int { seeds.map(\.epochs.count).min() ?? 0 }

    /// Per-seed values of `metric` at 1-based `epoch` (test metrics ignore the epoch).
    func values(_ metric: Metric, epoch: Int) -> [Double] {
        seeds.map { seed in
            switch metric {
            case .test_loss: return seed.testLoss ?? .nan
            case .test_accuracy: return seed.testAccuracy ?? .nan
            default:
                guard epoch >= 1, epoch <= seed.epochs.count else { return .nan }
                let row = seed.epochs[epoch - 1]
                switch metric {
                case .loss: return row.loss
                case .accuracy: return row.accuracy
                case .val_loss: return row.validationLoss ?? .nan
                case .val_accuracy: return row.validationAccuracy ?? .nan
                default: return row.seconds
                }
            }
        }
    }

    /// Mean and standard deviation over seeds at `epoch` (the last when nil). NaN when the
    /// run diverged before it.
    func statistic(_ metric: Metric, epoch: Int? = nil) -> (mean: Double, spread: Double) {
        let epoch = epoch ?? (diverged ? run.spec.epochs : epochCount)
        return meanAndSpread(values(metric, epoch: epoch))
    }

    /// The epoch whose mean is best (highest accuracy, lowest loss or time).
    func bestEpoch(_ metric: Metric) -> Int? {
        let means = (1...max(epochCount, 1)).map { statistic(metric, epoch: $0).mean }
        let indexed = means.enumerated().filter { $0.element.isFinite }
        let best = metric.higherIsBetter ? indexed.max { $0.element < $1.element } : indexed.min { $0.element < $1.element }
        return best.map { $0.offset + 1 }
    }

    /// Mean and spread per completed epoch.
    func curve(_ metric: Metric) -> (means: [Double], spreads: [Double]) {
        let points = (0..<epochCount).map { statistic(metric, epoch: $0 + 1) }
        return (points.map(\.mean), points.map(\.spread))
    }
}

extension Array where Element == RunResult {
    /// The results of the runs `selectors` match, each once, in the order first matched.
    func selecting(_ selectors: [String]) -> [RunResult] {
        var selected: [RunResult] = []
        for selector in selectors {
            for run in Planner.select(selector, in: map(\.run)) where !selected.contains(where: { $0.name == run.name }) {
                if let result = first(where: { $0.name == run.name }) { selected.append(result) }
            }
        }
        return selected
    }
}

/// Mean and sample standard deviation (0 for one value).
func meanAndSpread(_ values: [Double]) -> (mean: Double, spread: Double) {
    guard !values.isEmpty else { return (.nan, .nan) }
    let mean = values.reduce(0, +) / Double(values.count)
    guard values.count > 1 else { return (mean, 0) }
    let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
    return (mean, variance.squareRoot())
}
