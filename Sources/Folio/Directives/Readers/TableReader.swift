/// Reads `{table}` blocks and their columns.
extension NotebookParser {
    mutating func readTable(_ source: DirectiveSource) -> Block? {
        guard let body = body(source), let entries = body.entries("{table}", known: ["runs", "columns", "caption", "label"], &diagnostics) else {
            return nil
        }
        var table = TableDirective(location: source.location, runs: [], columns: [], caption: nil, label: nil)
        var hasColumns = false
        for entry in entries {
            switch entry.key {
            case "runs": table.runs = selectors(entry.value)
            case "caption": table.caption = entry.value.string("caption", &diagnostics)
            case "label": table.label = readLabel(entry.value, kind: "a {table}", prefix: "tbl-")
            default:
                hasColumns = true
                for (text, location) in entry.value.strings("columns", &diagnostics) ?? [] {
                    if let column = readColumn(text, location) { table.columns.append(column) }
                }
            }
        }
        requireRuns(entries, "{table}", source.location)
        if !hasColumns {
            table.columns = [Metric.val_accuracy, .val_loss].map { TableDirective.Column(metric: $0, kind: .final, header: $0.rawValue) }
        }
        return .table(table)
    }

    /// `metric`, `best(metric)`, `std(metric)`, `metric[N]`.
    private mutating func readColumn(_ text: String, _ location: SourceLocation) -> TableDirective.Column? {
        var name = Substring(text), kind = TableDirective.Column.Kind.final
        if let open = name.firstIndex(of: "("), name.hasSuffix(")") {
            let function = name[..<open]
            name = name[name.index(after: open)..<name.index(before: name.endIndex)]
            switch function {
            case "best": kind = .best
            case "std": kind = .spread
            default:
                diagnostics.error(location, "unknown column function '\(function)'\(suggestion(for: String(function), in: ["best", "std"])); known: best(metric), std(metric), metric[N]")
                return nil
            }
        } else if let open = name.firstIndex(of: "["), name.hasSuffix("]") {
            guard let epoch = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]), epoch >= 1 else {
                diagnostics.error(location, "column '\(text)': the epoch in brackets must be a number from 1")
                return nil
            }
            kind = .epoch(epoch)
            name = name[..<open]
        }
        return metric(named: String(name), location).map { TableDirective.Column(metric: $0, kind: kind, header: text) }
    }
}
