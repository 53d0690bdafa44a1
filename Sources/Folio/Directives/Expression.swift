/// `run.metric`, `run.metric[3]`: a metric of one run, at the last epoch or a given one.
struct MetricReference: Hashable, Sendable {
    var selector: String
    var metric: Metric
    var epoch: Int?
    var location: SourceLocation
}

/// A value of a recorded trace of one run: `gradient(run, L)`, `gradient(run, L, S)`,
/// `activation(run, P)`, `activation(run, P, S)`.
struct TraceReference: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        /// The weight-gradient norm of dense layer L (1-based).
        case gradient(layer: Int)
        /// The P-th percentile (15, 50 or 85) of the recorded unit's input.
        case activation(percentile: Int)
    }

    var selector: String
    var kind: Kind
    /// The recorded step nearest this one; nil for the median over training (gradients)
    /// or the last recorded step (activations).
    var step: Int?
    var location: SourceLocation
}

/// `diverged(run)`: 1 when the loss of a seed of one run became NaN or infinite, else 0.
struct RunReference: Hashable, Sendable {
    var selector: String
    var location: SourceLocation
}

/// `argbest(selector.metric, key)`: the value of swept `key` in the run, among those
/// selected, whose final `metric` is best.
struct ArgBest: Hashable, Sendable {
    var reference: MetricReference
    var key: String
}

/// An arithmetic expression over results: numbers, references, `+ - * /`, and the
/// functions `best(ref)`, `std(ref)`, `abs(x)`, `max(ref)`, `min(ref)`, `gradient(…)`,
/// `activation(…)`, `argbest(…)` and `diverged(…)`.
indirect enum Expression: Sendable {
    case number(Double)
    case reference(MetricReference)
    case best(MetricReference)
    case spread(MetricReference)
    case trace(TraceReference)
    case argbest(ArgBest)
    case diverged(RunReference)
    /// `max(selector.metric)`, `min(selector.metric)`: the extreme final value over the
    /// runs a selector (usually a pattern) matches.
    case extreme(MetricReference, largest: Bool)
    case absolute(Expression)
    case negate(Expression)
    case binary(Character, Expression, Expression)

    /// Every reference to one run's metric inside, for checking against the planned runs.
    var references: [MetricReference] {
        collect {
            switch $0 {
            case .reference(let reference), .best(let reference), .spread(let reference): [reference]
            default: []
            }
        }
    }

    /// Every trace value inside.
    var traces: [TraceReference] { collect { if case .trace(let trace) = $0 { [trace] } else { [] } } }

    /// Every `argbest` inside.
    var argbests: [ArgBest] { collect { if case .argbest(let argbest) = $0 { [argbest] } else { [] } } }

    /// Every run named by `diverged(…)` inside.
    var divergences: [RunReference] { collect { if case .diverged(let run) = $0 { [run] } else { [] } } }

    /// Every reference inside `max(…)` or `min(…)`, which may match several runs.
    var extremes: [MetricReference] { collect { if case .extreme(let reference, _) = $0 { [reference] } else { [] } } }

    /// What `pick` finds in this expression and in every expression inside it, in order.
    private func collect<T>(_ pick: (Expression) -> [T]) -> [T] {
        switch self {
        case .absolute(let inner), .negate(let inner): pick(self) + inner.collect(pick)
        case .binary(_, let left, let right): pick(self) + left.collect(pick) + right.collect(pick)
        default: pick(self)
        }
    }
}

/// One comparison of a claim: `left comparison right`.
struct Comparison: Sendable {
    var left: Expression
    var comparison: String
    var right: Expression
}

/// One `{expect}` line: comparisons joined by `or`, of which at least one must hold
/// (`rate/plain/learning_rate=1.val_accuracy < 0.2 or diverged(rate/plain/learning_rate=1) > 0`).
struct Claim: Sendable {
    var text: String
    var alternatives: [Comparison]
    var location: SourceLocation

    /// Every expression of the claim, left to right.
    var expressions: [Expression] { alternatives.flatMap { [$0.left, $0.right] } }
}
