import Foundation

/// Evaluates expressions over results. Selectors were checked by the planner, so every
/// reference names exactly one run that has results.
struct Evaluator {
    let results: [RunResult]

    func result(_ selector: String) -> RunResult? {
        let runs = Planner.select(selector, in: results.map(\.run))
        return runs.count == 1 ? results.first { $0.name == runs[0].name } : nil
    }

    func value(_ expression: Expression) -> Double {
        switch expression {
        case .number(let number): return number
        case .reference(let reference):
            return result(reference.selector)?.statistic(reference.metric, epoch: reference.epoch).mean ?? .nan
        case .best(let reference):
            guard let run = result(reference.selector), let epoch = run.bestEpoch(reference.metric) else { return .nan }
            return run.statistic(reference.metric, epoch: epoch).mean
        case .spread(let reference):
            return result(reference.selector)?.statistic(reference.metric, epoch: reference.epoch).spread ?? .nan
        case .trace(let trace):
            guard let run = result(trace.selector) else { return .nan }
            return meanAndSpread(run.seeds.map { Self.traceValue(trace, $0) }).mean
        case .argbest(let argbest): return self.argbest(argbest)
        case .diverged(let run):
            guard let result = result(run.selector) else { return .nan }
            return result.diverged ? 1 : 0
        case .extreme(let reference, let largest):
            let values = results.selecting([reference.selector]).map { $0.statistic(reference.metric, epoch: reference.epoch).mean }
                .filter(\.isFinite)
            return (largest ? values.max() : values.min()) ?? .nan
        case .absolute(let inner): return abs(value(inner))
        case .negate(let inner): return -value(inner)
        case .binary(let op, let left, let right):
            let a = value(left), b = value(right)
            switch op {
            case "+": return a + b
            case "-": return a - b
            case "*": return a * b
            default: return a / b
            }
        }
    }

    /// One seed's value of a recorded trace: at the recorded step nearest `trace.step`, or
    /// (without a step) the median over training for gradients and the last recorded value
    /// for activations. NaN when the trace has no such layer.
    static func traceValue(_ trace: TraceReference, _ seed: SeedRecord) -> Double {
        let points: [(step: Int, value: Double)]
        switch trace.kind {
        case .gradient(let layer):
            points = (seed.gradients ?? []).compactMap { sample in
                sample.norms.indices.contains(layer - 1) ? (sample.step, sample.norms[layer - 1]) : nil
            }
        case .activation(let percentile):
            points = (seed.activations ?? []).map { sample in
                (sample.step, percentile == 15 ? sample.p15 : percentile == 50 ? sample.p50 : sample.p85)
            }
        }
        guard !points.isEmpty else { return .nan }
        if let step = trace.step {
            return points.min { abs($0.step - step) < abs($1.step - step) }!.value
        }
        if case .activation = trace.kind { return points.last!.value }
        return percentile(points.map(\.value).sorted(), 0.5)
    }

    /// The swept value (as a number) of the selected run whose final metric is best; the
    /// first such run on a tie.
    func argbest(_ argbest: ArgBest) -> Double {
        let metric = argbest.reference.metric
        let scored = results.selecting([argbest.reference.selector]).compactMap { run -> (value: Double, swept: Double)? in
            let value = run.statistic(metric, epoch: argbest.reference.epoch).mean
            guard value.isFinite, let swept = run.run.sweptValues[argbest.key].flatMap(Double.init) else { return nil }
            return (value, swept)
        }
        let best = metric.higherIsBetter ? scored.max { $0.value < $1.value } : scored.min { $0.value < $1.value }
        return best?.swept ?? .nan
    }

    /// Whether a claim holds (one of its comparisons does), with the values compared. A
    /// comparison of a value that is not a finite number (NaN from a diverged run, ±∞ from a
    /// division by zero) does not hold: a comparison with infinity says nothing about a result.
    func check(_ claim: Claim) -> ClaimCheck {
        let sides = claim.alternatives.map { (left: value($0.left), comparison: $0.comparison, right: value($0.right)) }
        let holds = sides.contains { side in
            guard side.left.isFinite && side.right.isFinite else { return false }
            switch side.comparison {
            case "<": return side.left < side.right
            case "<=": return side.left <= side.right
            case ">": return side.left > side.right
            default: return side.left >= side.right
            }
        }
        return ClaimCheck(holds: holds, sides: sides)
    }
}

/// A claim's verdict and the values its comparisons compared.
struct ClaimCheck {
    var holds: Bool
    var sides: [(left: Double, comparison: String, right: Double)]

    /// The comparisons with their values, `0.9012 > 0.8000`, joined by `or`.
    var description: String {
        sides.map { "\(NumberFormat.significant($0.left, 4)) \($0.comparison) \(NumberFormat.significant($0.right, 4))" }
            .joined(separator: " or ")
    }
}
