/// Figure, table and equation numbers in document order, and what each label refers to,
/// worked out before the page is rendered so that a reference may come before its target.
struct Numbering {
    /// What a reference to a label shows and links to.
    struct Target {
        /// "Figure 9", "Table 2", "Equation 3", "Section Q3.1".
        var text: String
        /// The `id` of the element.
        var anchor: String
    }

    /// The number of a block's figure, first table and equation.
    struct Numbers {
        var figure: Int?
        var firstTable: Int?
        var equation: Int?
    }

    private(set) var numbers: [Int: Numbers] = [:]
    private(set) var targets: [String: Target] = [:]

    /// Numbers every figure, table and labelled equation. `tableCount` says how many tables
    /// a `{model}` block makes; `hasFigure` whether a `{dataset}` block draws sample images.
    init(_ notebook: Notebook, tableCount: (ModelDirective) -> Int, hasFigure: (DatasetDirective) -> Bool) {
        var figure = 0, table = 0, equation = 0
        for (ordinal, block) in notebook.blocks {
            var entry = Numbers()
            var label: Label?, anchorPrefix = ""
            switch block {
            case .plot(let plot):
                figure += 1
                entry.figure = figure
                label = plot.label
            case .table(let directive):
                table += 1
                entry.firstTable = table
                label = directive.label
            case .model(let model):
                let count = tableCount(model)
                if count > 0 { entry.firstTable = table + 1 }
                table += count
                label = model.label
            case .dataset(let dataset):
                if hasFigure(dataset) {
                    figure += 1
                    entry.figure = figure
                }
                table += 1
                entry.firstTable = table
                label = dataset.label
                anchorPrefix = dataset.label?.name.hasPrefix("fig-") == true ? "fig" : "tbl"
            case .displayMath(_, let mathLabel?):
                equation += 1
                entry.equation = equation
                label = mathLabel
            case .heading(_, let text, let headingLabel?):
                targets[headingLabel.name] = Target(text: "Section " + Self.sectionName(text), anchor: headingLabel.name)
                continue
            default: continue
            }
            numbers[ordinal] = entry
            guard let label, let word = Label.word(for: label.name) else { continue }
            let number: Int?
            switch anchorPrefix.isEmpty ? String(label.name.prefix { $0 != "-" }) : anchorPrefix {
            case "fig": number = entry.figure
            case "tbl": number = entry.firstTable
            default: number = entry.equation
            }
            if let number { targets[label.name] = Target(text: "\(word) \(number)", anchor: label.name) }
        }
    }

    /// "Q3.1" for a heading "Q3.1 Batch sizes", "2.4" for "2.4 Results"; otherwise the
    /// heading's text in quotation marks.
    static func sectionName(_ heading: String) -> String {
        let first = heading.split(separator: " ").first.map(String.init) ?? ""
        let trimmed = first.hasSuffix(".") || first.hasSuffix(":") ? String(first.dropLast()) : first
        if trimmed.contains(where: \.isNumber), trimmed.count <= 8 { return trimmed }
        return "“\(heading)”"
    }
}
