/// Checks what plots, tables, claims and inline values refer to against the planned runs:
/// each selector matches, each reference names one run, each metric and trace is recorded,
/// each epoch exists. References to an experiment that has errors of its own are not
/// checked: they would only repeat them.
struct ReferenceCheck {
    let runs: [PlannedRun]
    /// IDs of experiments with errors of their own.
    let unchecked: Set<String>
    /// Run names and experiment IDs, for suggestions.
    let names: [String]
    var diagnostics = Diagnostics()

    init(runs: [PlannedRun], unchecked: Set<String>) {
        self.runs = runs
        self.unchecked = unchecked
        names = runs.map(\.name) + Set(runs.map(\.experiment)).sorted()
    }

    /// The runs `selector` matches; none is an error unless it may name an unchecked experiment.
    mutating func resolve(_ selector: Selector) -> [PlannedRun] {
        let found = Planner.select(selector.text, in: runs)
        let experiment = String(selector.text.prefix { $0 != "/" })
        let mayBeUnchecked = unchecked.contains(experiment) || (selector.text.contains("*") && !unchecked.isEmpty)
        if found.isEmpty && !mayBeUnchecked {
            diagnostics.error(selector.location, "no run or experiment '\(selector.text)'\(suggestion(for: selector.text, in: names))")
        }
        return found
    }

    /// Test metrics need runs that record them.
    mutating func metric(_ metric: Metric, _ selected: [PlannedRun], _ location: SourceLocation) {
        if metric == .test_loss || metric == .test_accuracy, let run = selected.first(where: { !$0.spec.record.test }) {
            diagnostics.error(location, "\(metric.rawValue) needs 'record: [test]' in the experiment of run \(run.name)")
        }
    }

    /// Every reference of an expression: metrics of one run, traces, runs named by
    /// `diverged(…)`, extremes and argbests.
    mutating func expression(_ expression: Expression) {
        for reference in expression.references {
            let selected = one(reference.selector, reference.location)
            metric(reference.metric, selected, reference.location)
            if let epoch = reference.epoch, let run = selected.first, epoch > run.spec.epochs {
                diagnostics.error(reference.location, "epoch \(epoch) is beyond run \(run.name)'s \(run.spec.epochs) epochs")
            }
        }
        for trace in expression.traces {
            if let run = one(trace.selector, trace.location).first, let problem = Planner.traceProblem(trace, run) {
                diagnostics.error(trace.location, problem)
            }
        }
        for run in expression.divergences {
            _ = one(run.selector, run.location)
        }
        for reference in expression.extremes {
            metric(reference.metric, resolve(Selector(text: reference.selector, location: reference.location)), reference.location)
        }
        for argbest in expression.argbests {
            let selected = resolve(Selector(text: argbest.reference.selector, location: argbest.reference.location))
            metric(argbest.reference.metric, selected, argbest.reference.location)
            if let run = selected.first(where: { $0.sweptValues[argbest.key] == nil }) {
                diagnostics.error(argbest.reference.location, "argbest over \(argbest.key) needs runs that sweep it, but \(run.name) does not")
            }
        }
    }

    /// The runs `selector` matches, which must be one.
    private mutating func one(_ selector: String, _ location: SourceLocation) -> [PlannedRun] {
        let selected = resolve(Selector(text: selector, location: location))
        if selected.count > 1 {
            diagnostics.error(location, "'\(selector)' matches \(selected.count) runs; name one (e.g. '\(selected[0].name)')")
        }
        return selected
    }
}
