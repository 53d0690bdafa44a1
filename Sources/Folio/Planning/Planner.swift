/// One named run of an experiment: a resolved spec trained once per seed.
struct PlannedRun: Sendable {
    /// `ID`, then `/variant`, then `/key=value` per swept key.
    var name: String
    var experiment: String
    var location: SourceLocation
    /// The spec of the first seed; the others differ only in `seed`.
    var spec: RunSpec
    var mayDiverge: Bool
    /// Swept key → the value as written, for plots over a swept key.
    var sweptValues: [String: String]

    var seeds: [UInt64] { (0..<UInt64(spec.repeatCount)).map { spec.seed + $0 } }

    func spec(seed: UInt64) -> RunSpec {
        var copy = spec
        copy.seed = seed
        copy.repeatCount = 1
        return copy
    }
}

/// Expands experiments into runs, resolves selectors and checks every reference before
/// anything trains.
enum Planner {
    static func plan(_ notebook: Notebook, _ diagnostics: inout Diagnostics) -> [PlannedRun] {
        var runs: [PlannedRun] = []
        for experiment in notebook.experiments {
            var base = RunSpec()
            base.seed = notebook.frontMatter.seed ?? 0
            for entry in notebook.frontMatter.defaults { ExperimentKeys.apply(entry.key, entry.value, to: &base, &diagnostics) }
            for entry in experiment.settings { ExperimentKeys.apply(entry.key, entry.value, to: &base, &diagnostics) }
            let variants = experiment.variants.isEmpty ? [(name: "", location: experiment.location, settings: [YAMLValue.Entry]())] : experiment.variants
            for variant in variants {
                var variantSpec = base
                for entry in variant.settings { ExperimentKeys.apply(entry.key, entry.value, to: &variantSpec, &diagnostics) }
                var combinations: [([(String, YAMLValue)])] = [[]]
                for swept in experiment.sweep {
                    combinations = combinations.flatMap { prefix in swept.values.map { prefix + [(swept.key, $0)] } }
                }
                for combination in combinations {
                    var spec = variantSpec
                    var name = experiment.id + (variant.name.isEmpty ? "" : "/\(variant.name)")
                    var swept: [String: String] = [:]
                    for (key, value) in combination {
                        ExperimentKeys.apply(key, value, to: &spec, &diagnostics)
                        let text = value.text ?? "?"
                        // Spaces would split the name in expressions: `init=normal_0.01`.
                        name += "/\(key)=\(text.replacingOccurrences(of: " ", with: "_"))"
                        swept[key] = text
                    }
                    // Every layer must fit the shape the one before it produces.
                    var shape = spec.dataset.exampleShape
                    shapes: for layer in spec.model {
                        switch layer.outputShape(for: shape) {
                        case .success(let next): shape = next
                        case .failure(let error):
                            diagnostics.error(experiment.location, "run \(name): layer '\(layer)' after \(shape): \(error.message)")
                            break shapes
                        }
                    }
                    if let last = spec.model.last, case .dense(let units) = last, let classes = classCount(spec.dataset), units != classes {
                        diagnostics.error(experiment.location, "run \(name): the last layer is 'dense \(units)' but \(spec.dataset.rawValue) has \(classes) classes")
                    }
                    if let activations = spec.record.activations {
                        let nonlinearities = spec.model.filter { if case .activation = $0 { return true } else { return false } }.count
                        if nonlinearities == 0 || (activations.layer ?? 1) > nonlinearities {
                            diagnostics.error(experiment.location, "run \(name): record activations needs hidden layer \(activations.layer ?? nonlinearities), but the model has \(nonlinearities) nonlinearities")
                        } else if let width = widthBeforeNonlinearity(spec.model, index: activations.layer ?? nonlinearities), activations.unit >= width {
                            diagnostics.error(experiment.location, "run \(name): record activations unit \(activations.unit) is outside that layer's \(width) units")
                        }
                    }
                    runs.append(PlannedRun(name: name, experiment: experiment.id, location: experiment.location, spec: spec,
                                           mayDiverge: experiment.mayDiverge, sweptValues: swept))
                }
            }
        }
        check(notebook, runs, &diagnostics)
        return runs
    }

    /// The classes of a named data set (synthetic sets have three).
    static func classCount(_ source: DataSource) -> Int? {
        source.isSynthetic ? 3 : source.classNames.count
    }

    /// Units of the layer feeding the `index`th (1-based) nonlinearity.
    static func widthBeforeNonlinearity(_ model: [LayerSpec], index: Int) -> Int? {
        var width: Int?, seen = 0
        for layer in model {
            if case .dense(let units) = layer { width = units }
            if case .activation = layer {
                seen += 1
                if seen == index { return width }
            }
        }
        return nil
    }

    /// Runs matching `selector`: a full run name, an experiment ID, or a pattern with `*`.
    static func select(_ selector: String, in runs: [PlannedRun]) -> [PlannedRun] {
        if let exact = runs.first(where: { $0.name == selector }) { return [exact] }
        let byExperiment = runs.filter { $0.experiment == selector }
        if !byExperiment.isEmpty { return byExperiment }
        guard selector.contains("*") else { return [] }
        return runs.filter { matches(pattern: Substring(selector), Substring($0.name)) }
    }

    static func matches(pattern: Substring, _ text: Substring) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        if first == "*" {
            let rest = pattern.dropFirst()
            var index = text.startIndex
            while true {
                if matches(pattern: rest, text[index...]) { return true }
                if index == text.endIndex { return false }
                index = text.index(after: index)
            }
        }
        guard let head = text.first, head == first else { return false }
        return matches(pattern: pattern.dropFirst(), text.dropFirst())
    }

    /// Checks selectors and metrics of plots, tables, models and expressions.
    private static func check(_ notebook: Notebook, _ runs: [PlannedRun], _ diagnostics: inout Diagnostics) {
        let names = runs.map(\.name) + Array(Set(runs.map(\.experiment)))
        func resolve(_ selector: String, _ location: SourceLocation) -> [PlannedRun] {
            let found = select(selector, in: runs)
            if found.isEmpty {
                diagnostics.error(location, "no run or experiment '\(selector)'\(suggestion(for: selector, in: names))")
            }
            return found
        }
        func checkMetric(_ metric: Metric, _ selected: [PlannedRun], _ location: SourceLocation) {
            if metric == .test_loss || metric == .test_accuracy, let run = selected.first(where: { !$0.spec.record.test }) {
                diagnostics.error(location, "\(metric.rawValue) needs 'record: [test]' in the experiment of run \(run.name)")
            }
        }
        func checkExpression(_ expression: Expression) {
            for reference in expression.references {
                let selected = resolve(reference.selector, reference.location)
                if selected.count > 1 {
                    diagnostics.error(reference.location, "'\(reference.selector)' matches \(selected.count) runs; name one (e.g. '\(selected[0].name)')")
                }
                checkMetric(reference.metric, selected, reference.location)
                if let epoch = reference.epoch, let run = selected.first, epoch > run.spec.epochs {
                    diagnostics.error(reference.location, "epoch \(epoch) is beyond run \(run.name)'s \(run.spec.epochs) epochs")
                }
            }
        }
        for (_, block) in notebook.blocks {
            switch block {
            case .plot(let plot):
                let selected = plot.runs.flatMap { resolve($0.0, $0.1) }
                for metric in plot.metrics { checkMetric(metric, selected, plot.location) }
                if plot.trace == .activations, let run = selected.first(where: { $0.spec.record.activations == nil }) {
                    diagnostics.error(plot.location, "y: activations needs 'record: [activations]' in the experiment of run \(run.name)")
                } else if plot.trace == .gradients, let run = selected.first(where: { !$0.spec.record.gradients }) {
                    diagnostics.error(plot.location, "y: gradients needs 'record: [gradients]' in the experiment of run \(run.name)")
                } else if plot.x == .step, plot.trace == nil, let run = selected.first(where: { !$0.spec.record.steps }) {
                    diagnostics.error(plot.location, "x: step needs 'record: [steps]' in the experiment of run \(run.name)")
                }
                if case .key(let key) = plot.x, let run = selected.first(where: { $0.sweptValues[key] == nil }) {
                    diagnostics.error(plot.location, "x: \(key) needs runs that sweep \(key), but \(run.name) does not")
                }
            case .table(let table):
                let selected = table.runs.flatMap { resolve($0.0, $0.1) }
                for column in table.columns { checkMetric(column.metric, selected, table.location) }
            case .model(let model):
                _ = resolve(model.selector, model.location)
            case .expect(let expect):
                for claim in expect.claims {
                    checkExpression(claim.left)
                    checkExpression(claim.right)
                }
            case .inlineValue(let value):
                checkExpression(value.expression)
            default: break
            }
        }
    }
}

import NeuralNet
