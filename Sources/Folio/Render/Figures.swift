import Charts

/// Turns a `{plot}` and the results it selects into a chart.
enum Figures {
    static func chart(_ plot: PlotDirective, results: [RunResult]) -> (svg: String, title: String) {
        let selected = results.selecting(plot.runs.map(\.text))
        let title = plot.title ?? defaultTitle(plot)
        if let trace = plot.trace { return (traceChart(trace, plot, selected, title: title), title) }
        switch plot.x {
        case .key(let key): return (sweepChart(plot, key: key, selected, title: title), title)
        case .step: return (stepChart(plot, selected, title: title), title)
        case .epoch: return (plot.bar ? barChart(plot, selected, title: title) : epochChart(plot, selected, title: title), title)
        }
    }

    static func defaultTitle(_ plot: PlotDirective) -> String {
        if let trace = plot.trace {
            return trace == .activations ? "Input to a hidden unit's nonlinearity (15th, 50th, 85th percentiles)" : "Weight-gradient norm per layer"
        }
        let metrics = plot.metrics.map(\.title).joined(separator: " and ")
        switch plot.x {
        case .epoch: return plot.bar ? metrics.prefix(1).uppercased() + metrics.dropFirst() + " after the last epoch" : metrics.prefix(1).uppercased() + metrics.dropFirst() + " by epoch"
        case .step: return "Training loss by step"
        case .key(let key): return metrics.prefix(1).uppercased() + metrics.dropFirst() + " by \(axisName(key))"
        }
    }

    static func axisName(_ key: String) -> String {
        switch key {
        case "batch_size": "batch size (examples)"
        case "learning_rate": "learning rate"
        case "epochs": "epochs"
        default: key.replacingOccurrences(of: "_", with: " ")
        }
    }

    /// A series' label: the run name, with the metric when several are shown.
    static func label(_ run: RunResult, _ metric: Metric, metricCount: Int, runCount: Int) -> String {
        if runCount == 1 && metricCount > 1 { return metric.rawValue }
        return metricCount > 1 ? "\(run.name) \(metric.rawValue)" : run.name
    }

    static func epochSeries(_ run: RunResult, _ metric: Metric, name: String) -> Series {
        let (means, spreads) = run.curve(metric)
        let xs = means.indices.map { Double($0 + 1) }
        return Series(name: name, xs: xs, ys: means, spread: run.seeds.count > 1 ? spreads : nil)
    }

    static func yTitle(_ metrics: [Metric]) -> String {
        metrics.count == 1 ? metrics[0].title : metrics.map(\.rawValue).joined(separator: ", ")
    }

    static func epochChart(_ plot: PlotDirective, _ runs: [RunResult], title: String) -> String {
        let axes = Axes(xTitle: "epoch", yTitle: yTitle(plot.metrics), logX: plot.logX, logY: plot.logY)
        switch plot.panels {
        case .run?:
            let panels = runs.map { run in
                (title: run.name, series: plot.metrics.map { epochSeries(run, $0, name: $0.rawValue) })
            }
            return LineChart(title: title, axes: axes, panels: panels).render()
        case .metric?:
            let panels = plot.metrics.map { metric in
                (title: metric.title, series: runs.map { epochSeries($0, metric, name: $0.name) })
            }
            return LineChart(title: title, axes: Axes(xTitle: "epoch", yTitle: "value", logX: plot.logX, logY: plot.logY), panels: panels).render()
        case nil:
            let series = runs.flatMap { run in
                plot.metrics.map { epochSeries(run, $0, name: label(run, $0, metricCount: plot.metrics.count, runCount: runs.count)) }
            }
            return LineChart(title: title, axes: axes, series: series).render()
        }
    }

    static func barChart(_ plot: PlotDirective, _ runs: [RunResult], title: String) -> String {
        let series = plot.metrics.map { metric in
            let values = runs.map { $0.statistic(metric) }
            return (name: metric.rawValue, values: values.map(\.mean),
                    spread: runs.contains { $0.seeds.count > 1 } ? Optional(values.map(\.spread)) : nil)
        }
        return BarChart(title: title, xTitle: "run", yTitle: yTitle(plot.metrics), categories: runs.map(\.name),
                        series: series, logY: plot.logY).render()
    }

    /// Final values against a swept key: one series per group of runs that differ only in it.
    static func sweepChart(_ plot: PlotDirective, key: String, _ runs: [RunResult], title: String) -> String {
        var groups: [(name: String, runs: [RunResult])] = []
        for run in runs {
            let group = run.name.split(separator: "/").filter { !$0.hasPrefix("\(key)=") }.joined(separator: "/")
            if let index = groups.firstIndex(where: { $0.name == group }) {
                groups[index].runs.append(run)
            } else {
                groups.append((group, [run]))
            }
        }
        if plot.bar {
            let categories = groups.first?.runs.map { $0.run.sweptValues[key] ?? "?" } ?? []
            let metric = plot.metrics.first ?? .val_accuracy
            let series = groups.map { group in
                let values = group.runs.map { $0.statistic(metric) }
                return (name: group.name, values: values.map(\.mean),
                        spread: group.runs.contains { $0.seeds.count > 1 } ? Optional(values.map(\.spread)) : nil)
            }
            return BarChart(title: title, xTitle: axisName(key), yTitle: metric.title, categories: categories, series: series,
                            logY: plot.logY).render()
        }
        let series = groups.flatMap { group in
            plot.metrics.map { metric -> Series in
                let points = group.runs.compactMap { run -> (Double, Double, Double)? in
                    guard let text = run.run.sweptValues[key], let x = Double(text) else { return nil }
                    let value = run.statistic(metric)
                    return (x, value.mean, value.spread)
                }.sorted { $0.0 < $1.0 }
                let name = plot.metrics.count > 1 ? "\(group.name) \(metric.rawValue)" : group.name
                return Series(name: name, xs: points.map(\.0), ys: points.map(\.1),
                              spread: group.runs.contains { $0.seeds.count > 1 } ? points.map(\.2) : nil)
            }
        }
        let axes = Axes(xTitle: axisName(key), yTitle: yTitle(plot.metrics), logX: plot.logX, logY: plot.logY)
        return LineChart(title: title, axes: axes, series: series).render()
    }

    /// Training loss per step, averaged over seeds and over windows so that a figure holds
    /// at most about 300 points per run.
    static func stepChart(_ plot: PlotDirective, _ runs: [RunResult], title: String) -> String {
        let series = runs.map { run -> Series in
            let traces = run.seeds.compactMap(\.steps)
            let length = traces.map(\.count).min() ?? 0
            let window = max(1, length / 300)
            var xs: [Double] = [], ys: [Double] = []
            for start in stride(from: 0, to: length - window + 1, by: window) {
                var sum = 0.0
                for trace in traces { for i in start..<start + window { sum += Double(trace[i]) } }
                xs.append(Double(start + window))
                ys.append(sum / Double(window * traces.count))
            }
            return Series(name: run.name, xs: xs, ys: ys)
        }
        let axes = Axes(xTitle: "training step", yTitle: Metric.loss.title, logX: plot.logX, logY: plot.logY)
        if plot.panels == .run {
            return LineChart(title: title, axes: axes, panels: series.map { (title: $0.name, series: [$0]) }).render()
        }
        return LineChart(title: title, axes: axes, series: series).render()
    }

    /// Recorded activations (percentile bands) or gradient norms (one line per layer),
    /// one panel per run, against training steps. The first seed's trace is shown.
    static func traceChart(_ trace: PlotDirective.Trace, _ plot: PlotDirective, _ runs: [RunResult], title: String) -> String {
        let panels = runs.map { run -> (title: String, series: [Series]) in
            guard let seed = run.seeds.first else { return (run.name, []) }
            switch trace {
            case .activations:
                let samples = seed.activations ?? []
                let xs = samples.map { Double($0.step) }
                return (run.name, [
                    Series(name: "85th percentile", xs: xs, ys: samples.map(\.p85)),
                    Series(name: "median", xs: xs, ys: samples.map(\.p50)),
                    Series(name: "15th percentile", xs: xs, ys: samples.map(\.p15)),
                ])
            case .gradients:
                let samples = seed.gradients ?? []
                let layers = samples.first?.norms.count ?? 0
                return (run.name, (0..<layers).map { layer in
                    Series(name: "dense layer \(layer + 1)", xs: samples.map { Double($0.step) }, ys: samples.map { $0.norms[layer] })
                })
            }
        }
        let yTitle = trace == .activations ? "pre-activation value" : "‖∂L/∂W‖ (Frobenius norm)"
        let axes = Axes(xTitle: "training step", yTitle: yTitle, logX: plot.logX, logY: plot.logY)
        return panels.count == 1
            ? LineChart(title: title, axes: axes, series: panels[0].series).render()
            : LineChart(title: title, axes: axes, panels: panels).render()
    }
}
