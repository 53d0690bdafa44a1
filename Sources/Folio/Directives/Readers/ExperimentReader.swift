/// Reads `{experiment} ID` blocks into typed settings, variants and sweeps.
extension NotebookParser {
    mutating func readExperiment(_ source: DirectiveSource) -> Block? {
        let id = source.argument, location = source.location
        guard !id.isEmpty else {
            diagnostics.error(location, "{experiment} needs an ID after it, e.g. ```{experiment} baseline")
            return nil
        }
        if let first = experimentIDs[id] {
            diagnostics.error(location, "duplicate experiment ID '\(id)' (first defined at line \(first.line))")
            return nil
        }
        experimentIDs[id] = location
        var experiment = ExperimentDirective(id: id, location: location, settings: [], variants: [], sweep: [], mayDiverge: false,
                                             hasErrors: frontMatter.defaultsHaveErrors)
        let errorsBefore = diagnostics.all.count
        readExperimentBody(source, into: &experiment)
        experiment.hasErrors = experiment.hasErrors || diagnostics.all.count > errorsBefore
        return .experiment(experiment)
    }

    private mutating func readExperimentBody(_ source: DirectiveSource, into experiment: inout ExperimentDirective) {
        let id = experiment.id
        if id.contains(where: { " .*/".contains($0) }) {
            diagnostics.error(source.location, "experiment ID '\(id)' may not contain spaces, '.', '*' or '/'")
        }
        guard let body = body(source), let entries = body.entries("{experiment} \(id)", known: ExperimentKeys.all, &diagnostics) else {
            return
        }
        for entry in entries {
            switch entry.key {
            case "variants": experiment.variants = readVariants(entry.value)
            case "sweep": experiment.sweep = readSweep(entry.value)
            case "may_diverge": experiment.mayDiverge = entry.value.boolean("may_diverge", &diagnostics) ?? false
            default: if let setting = ExperimentKeys.read(entry, &diagnostics) { experiment.settings.append(setting) }
            }
        }
        // A model written anywhere counts, even one with a mistake (that has its own message).
        let writesModel = entries.contains { $0.key == "model" } || frontMatter.defaults.contains { $0.key == "model" }
            || frontMatter.defaultsHaveErrors || experiment.sweep.contains { $0.key == "model" }
            || entries.contains { $0.key == "variants" && $0.value.mentions(key: "model") }
        if !writesModel {
            diagnostics.error(source.location, "{experiment} \(id) needs a model, e.g. model: [dense 100, relu, dense 10]")
        }
    }

    /// `variants:` name → overrides (an empty value means none).
    private mutating func readVariants(_ value: YAMLValue) -> [ExperimentDirective.Variant] {
        var variants: [ExperimentDirective.Variant] = []
        for variant in value.entries("variants", known: [], &diagnostics) ?? [] {
            if variant.key.contains(where: { " .*/=".contains($0) }) {
                diagnostics.error(variant.keyLocation, "variant name '\(variant.key)' may not contain spaces, '.', '*', '/' or '='")
            }
            var settings: [Setting] = []
            if variant.value.text != "" {
                for entry in variant.value.entries("variant '\(variant.key)'", known: ExperimentKeys.overridable, &diagnostics) ?? [] {
                    if let setting = ExperimentKeys.read(entry, &diagnostics) { settings.append(setting) }
                }
            }
            variants.append(.init(name: variant.key, location: variant.keyLocation, settings: settings))
        }
        return variants
    }

    /// `sweep:` key → a list of values, each typed as that key.
    private mutating func readSweep(_ value: YAMLValue) -> [ExperimentDirective.Sweep] {
        var sweep: [ExperimentDirective.Sweep] = []
        for swept in value.entries("sweep", known: ExperimentKeys.overridable, &diagnostics) ?? [] {
            guard case .sequence(let items, _) = swept.value, !items.isEmpty else {
                diagnostics.error(swept.value.location, "sweep.\(swept.key) must be a list of values, e.g. [16, 32, 64]")
                continue
            }
            let values = items.compactMap { item in
                ExperimentKeys.read(swept.key, item, keyLocation: swept.keyLocation, &diagnostics).map { (text: item.summary, setting: $0) }
            }
            sweep.append(.init(key: swept.key, location: swept.keyLocation, values: values))
        }
        return sweep
    }
}
