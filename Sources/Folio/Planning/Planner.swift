import NeuralNet

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
/// anything trains. Settings arrive typed from the parser; what is checked here is what
/// only whole runs show: layer shapes, class counts, probes and memory.
enum Planner {
    /// More runs than this in one experiment is a mistake in a sweep, not a plan.
    static let largestExperiment = 10_000
    /// Values per example a layer may produce (2²⁷ floats, 512 MiB).
    static let largestLayerOutput = Double(1 << 27)
    /// Memory a run may need for its parameters, optimizer state and activations.
    static let largestRunBytes = Double(8 << 30)

    static func plan(_ notebook: Notebook, _ diagnostics: inout Diagnostics) -> [PlannedRun] {
        var runs: [PlannedRun] = []
        for experiment in notebook.experiments where !experiment.hasErrors {
            let combinations = experiment.sweep.reduce(Double(max(1, experiment.variants.count))) { $0 * Double(max(1, $1.values.count)) }
            guard combinations <= Double(largestExperiment) else {
                diagnostics.error(experiment.location, "{experiment} \(experiment.id) expands to \(NumberFormat.significant(combinations, 3)) runs (variants × swept values); at most \(largestExperiment) are allowed")
                continue
            }
            // A run that fails its checks still resolves references, so that they are not
            // reported as missing as well.
            for run in expand(experiment, notebook.frontMatter) {
                _ = check(run, &diagnostics)
                runs.append(run)
            }
        }
        check(notebook, runs, &diagnostics)
        return runs
    }

    /// One run per variant and combination of swept values, settings applied in order:
    /// defaults, the experiment's, the variant's, the swept values.
    static func expand(_ experiment: ExperimentDirective, _ frontMatter: FrontMatter) -> [PlannedRun] {
        var base = RunSpec()
        base.seed = frontMatter.seed ?? 0
        for setting in frontMatter.defaults + experiment.settings { setting.apply(to: &base) }
        let variants = experiment.variants.isEmpty ? [ExperimentDirective.Variant(name: "", location: experiment.location, settings: [])]
            : experiment.variants
        var combinations: [[(key: String, text: String, setting: Setting)]] = [[]]
        for swept in experiment.sweep {
            combinations = combinations.flatMap { prefix in swept.values.map { prefix + [(swept.key, $0.text, $0.setting)] } }
        }
        return variants.flatMap { variant in
            combinations.map { combination in
                var spec = base
                for setting in variant.settings { setting.apply(to: &spec) }
                var name = experiment.id + (variant.name.isEmpty ? "" : "/\(variant.name)")
                var swept: [String: String] = [:]
                for (key, text, setting) in combination {
                    setting.apply(to: &spec)
                    // Spaces would split the name in expressions: `init=normal_0.01`.
                    name += "/\(key)=\(text.replacingOccurrences(of: " ", with: "_"))"
                    swept[key] = text
                }
                return PlannedRun(name: name, experiment: experiment.id, location: experiment.location, spec: spec,
                                  mayDiverge: experiment.mayDiverge, sweptValues: swept)
            }
        }
    }

    /// Whether a run can be built: every layer fits the shape before it, the last layer
    /// gives one score per class, the probe of `record: activations` exists, and the run
    /// fits in memory.
    static func check(_ run: PlannedRun, _ diagnostics: inout Diagnostics) -> Bool {
        let spec = run.spec, name = run.name
        var shape = spec.dataset.exampleShape
        var shapes: [FeatureShape] = [shape]
        for layer in spec.model {
            switch layer.outputShape(for: shape) {
            case .success(let next):
                guard Double(next.channels) * Double(next.height) * Double(next.width) <= largestLayerOutput else {
                    diagnostics.error(run.location, "run \(name): layer '\(layer)' after \(shape) would produce \(next) values per example; at most \(Int(largestLayerOutput)) are allowed")
                    return false
                }
                shape = next
                shapes.append(next)
            case .failure(let error):
                diagnostics.error(run.location, "run \(name): layer '\(layer)' after \(shape): \(error.message)")
                return false
            }
        }
        if let last = spec.model.last, case .dense(let units) = last, let classes = classCount(spec.dataset), units != classes {
            diagnostics.error(run.location, "run \(name): the last layer is 'dense \(units)' but \(spec.dataset.rawValue) has \(classes) classes")
            return false
        }
        if let activations = spec.record.activations, let message = probeProblem(activations, spec.model, shapes) {
            diagnostics.error(run.location, "run \(name): record activations \(message)")
            return false
        }
        let bytes = estimatedBytes(spec, shapes)
        if bytes > largestRunBytes {
            diagnostics.error(run.location, "run \(name) needs about \(Int((bytes / Double(1 << 30)).rounded())) GiB of memory at batch \(spec.batchSize); at most \(Int(largestRunBytes) >> 30) GiB are allowed (use fewer units or a smaller batch)")
            return false
        }
        return true
    }

    /// Why `record: activations` cannot probe this model, or nil when it can. The probe is
    /// the input of the chosen nonlinearity: the output of the layer before it, whose
    /// values per example (`shapes[index]`) must include the unit.
    static func probeProblem(_ activations: RunSpec.Record.Activations, _ model: [LayerSpec], _ shapes: [FeatureShape]) -> String? {
        let nonlinearities = model.indices.filter { if case .activation = model[$0] { return true } else { return false } }
        let chosen = activations.layer ?? nonlinearities.count
        guard chosen >= 1, chosen <= nonlinearities.count else {
            return "needs nonlinearity \(chosen), but the model has \(nonlinearities.count)"
        }
        let index = nonlinearities[chosen - 1]
        guard index > 0 else { return "needs a layer before nonlinearity \(chosen) to probe, but the model starts with it" }
        let width = shapes[index].count
        guard activations.unit < width else {
            return "unit \(activations.unit) is outside the \(width) values per example that nonlinearity \(chosen) receives (units 0 to \(width - 1))"
        }
        return nil
    }

    /// Parameters (with gradients and two optimizer moments) and, per example of a batch,
    /// each layer's output and gradient, plus convolution's patch matrix.
    static func estimatedBytes(_ spec: RunSpec, _ shapes: [FeatureShape]) -> Double {
        var parameters = 0.0, activations = 0.0
        for (index, layer) in spec.model.enumerated() {
            let input = shapes[index], output = shapes[index + 1]
            switch layer {
            case .dense(let units): parameters += (Double(input.channels) * Double(input.height) * Double(input.width) + 1) * Double(units)
            case .convolution(let filters, let kernel, _, _):
                let patch = Double(input.channels) * Double(kernel) * Double(kernel)
                parameters += (patch + 1) * Double(filters)
                activations += patch * Double(output.height) * Double(output.width)
            default: break
            }
            activations += 2 * Double(output.channels) * Double(output.height) * Double(output.width)
        }
        return 4 * (4 * parameters + Double(spec.batchSize) * activations)
    }

    /// The classes of a named data set (synthetic sets have three).
    static func classCount(_ source: DataSource) -> Int? {
        source.isSynthetic ? 3 : source.classNames.count
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
        var check = ReferenceCheck(runs: runs, unchecked: Set(notebook.experiments.filter(\.hasErrors).map(\.id)))
        for (_, block) in notebook.blocks {
            switch block {
            case .plot(let plot):
                let selected = plot.runs.flatMap { check.resolve($0) }
                for metric in plot.metrics { check.metric(metric, selected, plot.location) }
                checkTraces(plot, selected, &check.diagnostics)
            case .table(let table):
                let selected = table.runs.flatMap { check.resolve($0) }
                for column in table.columns { check.metric(column.metric, selected, table.location) }
            case .model(let model):
                _ = check.resolve(model.selector)
            case .expect(let expect):
                for claim in expect.claims {
                    for expression in claim.expressions { check.expression(expression) }
                }
            case .inlineValue(let value):
                check.expression(value.expression)
            default: break
            }
        }
        diagnostics.append(contentsOf: check.diagnostics)
    }

    /// Why `run` has no such trace value, or nil.
    static func traceProblem(_ trace: TraceReference, _ run: PlannedRun) -> String? {
        switch trace.kind {
        case .gradient(let layer):
            guard run.spec.record.gradients else { return "gradient(…) needs 'record: [gradients]' in the experiment of run \(run.name)" }
            let dense = run.spec.model.filter { if case .dense = $0 { return true } else { return false } }.count
            return layer <= dense ? nil : "run \(run.name) has \(dense) dense layers, not \(layer)"
        case .activation:
            return run.spec.record.activations == nil ? "activation(…) needs 'record: [activations]' in the experiment of run \(run.name)" : nil
        }
    }

    /// A plot of recorded traces, steps or a swept key needs runs that record or sweep it.
    private static func checkTraces(_ plot: PlotDirective, _ selected: [PlannedRun], _ diagnostics: inout Diagnostics) {
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
    }
}
