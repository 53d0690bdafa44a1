import NeuralNet

/// Reads `{model}` and `{dataset}` blocks.
extension NotebookParser {
    mutating func readModel(_ source: DirectiveSource) -> Block? {
        let entries = body(source).flatMap { $0.entries("{model}", known: ["caption", "label"], &diagnostics) } ?? []
        guard !source.argument.isEmpty else {
            diagnostics.error(source.location, "{model} needs an experiment ID or run name after it")
            return nil
        }
        let selector = Selector(text: source.argument, location: source.location)
        var model = ModelDirective(location: source.location, selector: selector, caption: nil, label: nil)
        for entry in entries {
            if entry.key == "caption" { model.caption = entry.value.string("caption", &diagnostics) }
            if entry.key == "label" { model.label = readLabel(entry.value, kind: "a {model}", prefix: "tbl-") }
        }
        return .model(model)
    }

    mutating func readDataset(_ source: DirectiveSource) -> Block? {
        guard let body = body(source),
              let entries = body.entries("{dataset}", known: ["dataset", "path", "samples", "caption", "label"], &diagnostics)
        else { return nil }
        var directive = DatasetDirective(location: source.location, dataset: source.argument.isEmpty ? "fashion-mnist" : source.argument,
                                         path: nil, samplesPerClass: 8, caption: nil, label: nil)
        var nameLocation = source.location
        for entry in entries {
            switch entry.key {
            case "dataset":
                directive.dataset = entry.value.string("dataset", &diagnostics) ?? directive.dataset
                nameLocation = entry.value.location
            case "path": directive.path = entry.value.string("path", &diagnostics)
            case "samples": directive.samplesPerClass = entry.value.integer("samples", &diagnostics, minimum: 1, maximum: 100) ?? 8
            case "label": directive.label = readLabel(entry.value, kind: "a {dataset}", prefix: "fig-", "tbl-")
            default: directive.caption = entry.value.string("caption", &diagnostics)
            }
        }
        let names = DataSource.allCases.map(\.rawValue)
        guard let source = DataSource(rawValue: directive.dataset) else {
            diagnostics.error(nameLocation, "unknown dataset '\(directive.dataset)'\(suggestion(for: directive.dataset, in: names)); known: \(names.joined(separator: ", "))")
            return nil
        }
        if source.isSynthetic { directive.samplesPerClass = 0 }
        return .dataset(directive)
    }
}
