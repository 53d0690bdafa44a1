import NeuralNet

/// Reads `{model}` and `{dataset}` blocks.
extension NotebookParser {
    mutating func readModel(_ source: DirectiveSource) -> Block? {
        let entries = body(source).flatMap { $0.entries("{model}", known: ["caption"], &diagnostics) } ?? []
        guard !source.argument.isEmpty else {
            diagnostics.error(source.location, "{model} needs an experiment ID or run name after it")
            return nil
        }
        // The argument follows "```{model} " on the fence line.
        let selector = Selector(text: source.argument, location: source.location)
        return .model(ModelDirective(location: source.location, selector: selector,
                                     caption: entries.first?.value.string("caption", &diagnostics)))
    }

    mutating func readDataset(_ source: DirectiveSource) -> Block? {
        guard let body = body(source),
              let entries = body.entries("{dataset}", known: ["dataset", "path", "samples", "caption"], &diagnostics)
        else { return nil }
        var directive = DatasetDirective(location: source.location, dataset: source.argument.isEmpty ? "fashion-mnist" : source.argument,
                                         path: nil, samplesPerClass: 8, caption: nil)
        var nameLocation = source.location
        for entry in entries {
            switch entry.key {
            case "dataset":
                directive.dataset = entry.value.string("dataset", &diagnostics) ?? directive.dataset
                nameLocation = entry.value.location
            case "path": directive.path = entry.value.string("path", &diagnostics)
            case "samples": directive.samplesPerClass = entry.value.integer("samples", &diagnostics, minimum: 1, maximum: 100) ?? 8
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
