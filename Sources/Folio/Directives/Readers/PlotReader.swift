/// Reads `{plot}` blocks, one small function per key.
extension NotebookParser {
    static let plotKeys = ["runs", "y", "x", "kind", "title", "caption", "label", "log_x", "log_y", "panels"]

    mutating func readPlot(_ source: DirectiveSource) -> Block? {
        guard let body = body(source), let entries = body.entries("{plot}", known: Self.plotKeys, &diagnostics) else { return nil }
        var plot = PlotDirective(location: source.location, runs: [], metrics: [.val_accuracy], trace: nil, x: .epoch, bar: false,
                                 title: nil, caption: nil, label: nil, logX: false, logY: false, panels: nil)
        for entry in entries {
            let value = entry.value
            switch entry.key {
            case "runs": plot.runs = selectors(value)
            case "y": readPlotY(value, into: &plot)
            case "x": readPlotX(value, into: &plot)
            case "kind": readPlotKind(value, into: &plot)
            case "title": plot.title = value.string("title", &diagnostics)
            case "caption": plot.caption = value.string("caption", &diagnostics)
            case "label": plot.label = readLabel(value, kind: "a {plot}", prefix: "fig-")
            case "log_x": plot.logX = value.boolean("log_x", &diagnostics) ?? false
            case "log_y": plot.logY = value.boolean("log_y", &diagnostics) ?? false
            default: readPlotPanels(value, into: &plot)
            }
        }
        requireRuns(entries, "{plot}", source.location)
        if plot.x == .step && plot.trace == nil && plot.metrics != [.loss] {
            diagnostics.error(source.location, "x: step plots the training loss recorded every step (record: [steps]); use y: loss")
        }
        return .plot(plot)
    }

    /// `y`: one metric, a list, or a recorded trace (`activations`, `gradients`).
    private mutating func readPlotY(_ value: YAMLValue, into plot: inout PlotDirective) {
        if let text = value.text, let trace = PlotDirective.Trace(rawValue: text) {
            plot.trace = trace
            plot.metrics = []
            plot.x = .step
            return
        }
        guard let names = value.strings("y", &diagnostics) else { return }
        guard !names.isEmpty else {
            diagnostics.error(value.location, "y needs at least one metric, e.g. y: val_accuracy")
            return
        }
        let metrics = names.compactMap { name, location in metric(named: name, location, extra: ["activations", "gradients"]) }
        // After a mistake (reported), the default metric stays, so nothing downstream sees none.
        if metrics.count == names.count { plot.metrics = metrics }
    }

    /// `x`: `epoch`, `step` or a swept key.
    private mutating func readPlotX(_ value: YAMLValue, into plot: inout PlotDirective) {
        guard let text = value.string("x", &diagnostics) else { return }
        switch text {
        case "epoch": plot.x = .epoch
        case "step": plot.x = .step
        case let key where ExperimentKeys.overridable.contains(key): plot.x = .key(key)
        default:
            diagnostics.error(value.location, "x must be epoch, step or a swept key, not '\(text)'\(suggestion(for: text, in: ["epoch", "step"] + ExperimentKeys.overridable))")
        }
    }

    private mutating func readPlotKind(_ value: YAMLValue, into plot: inout PlotDirective) {
        guard let text = value.string("kind", &diagnostics) else { return }
        guard text == "line" || text == "bar" else {
            diagnostics.error(value.location, "kind must be line or bar, not '\(text)'\(suggestion(for: text, in: ["line", "bar"]))")
            return
        }
        plot.bar = text == "bar"
    }

    private mutating func readPlotPanels(_ value: YAMLValue, into plot: inout PlotDirective) {
        guard let text = value.string("panels", &diagnostics) else { return }
        guard let panels = PlotDirective.Panels(rawValue: text) else {
            diagnostics.error(value.location, "panels must be run or metric, not '\(text)'\(suggestion(for: text, in: ["run", "metric"]))")
            return
        }
        plot.panels = panels
    }

    /// `runs:` as selectors (one name or a list).
    mutating func selectors(_ value: YAMLValue) -> [Selector] {
        (value.strings("runs", &diagnostics) ?? []).map { Selector(text: $0.0, location: $0.1) }
    }

    /// Reports a missing or empty `runs:`.
    mutating func requireRuns(_ entries: [YAMLValue.Entry], _ what: String, _ location: SourceLocation) {
        let runs = entries.first { $0.key == "runs" }?.value
        if runs == nil || runs?.summary == "[]" {
            diagnostics.error(runs?.location ?? location, "\(what) needs runs: an experiment ID, run names or patterns with *")
        }
    }

    /// The metric called `name`, or nil after an error that suggests the nearest one.
    mutating func metric(named name: String, _ location: SourceLocation, extra: [String] = []) -> Metric? {
        if let metric = Metric(rawValue: name) { return metric }
        let names = Metric.allCases.map(\.rawValue) + extra
        diagnostics.error(location, "unknown metric '\(name)'\(suggestion(for: name, in: names)); known: \(names.joined(separator: ", "))")
        return nil
    }
}
