import Foundation

/// A notebook read and checked: its prose (for cmark), front matter and blocks. Nothing
/// has run yet.
struct Notebook: Sendable {
    /// The path used in messages.
    var file: String
    /// The file name without `.md`: names the report and its figure folder.
    var name: String
    /// The Markdown with the front matter's lines blanked (line numbers unchanged).
    var document: String
    var frontMatter: FrontMatter
    /// Rendered blocks, keyed by the ordinal of the cmark node each replaces.
    var blocks: [(ordinal: Int, block: Block)]

    var experiments: [ExperimentDirective] {
        blocks.compactMap { if case .experiment(let experiment) = $0.block { return experiment } else { return nil } }
    }
}

/// Reads notebooks: front matter, directives, inline values and math, with every mistake
/// reported at its line and column.
enum NotebookParser {
    static let directiveNames = ["experiment", "plot", "table", "model", "dataset", "expect"]

    /// Parses the notebook at `path` (shown as `file` in messages), applying `--set`
    /// overrides to its params.
    static func parse(contentsOf url: URL, file: String, overrides: [String: String]) -> Result<Notebook, Diagnostics> {
        var diagnostics = Diagnostics()
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            diagnostics.error(SourceLocation(file: file, line: 1, column: 1), "cannot read the notebook (\(error.localizedDescription))")
            return .failure(diagnostics)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            diagnostics.error(invalidUTF8Location(data, file: file), "the notebook is not valid UTF-8 text")
            return .failure(diagnostics)
        }
        let notebook = parse(text, file: file, name: url.deletingPathExtension().lastPathComponent, overrides: overrides, &diagnostics)
        return diagnostics.hasErrors ? .failure(diagnostics) : .success(notebook)
    }

    /// Parses notebook text.
    static func parse(_ text: String, file: String, name: String, overrides: [String: String], _ diagnostics: inout Diagnostics) -> Notebook {
        let text = text.replacingOccurrences(of: "\r\n", with: "\n")
        let (yaml, document) = FrontMatter.split(text)
        var frontMatter = FrontMatter()
        if let yaml {
            switch YAMLValue.parse(yaml, file: file, firstLine: 2) {
            case .success(let value): frontMatter = FrontMatter.read(value, &diagnostics)
            case .failure(let diagnostic): diagnostics.append(diagnostic)
            }
        }
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
            guard frontMatter.params[key] != nil else {
                let known = frontMatter.params.keys.sorted()
                diagnostics.error(SourceLocation(file: file, line: 1, column: 1),
                                  "--set \(key)=\(value): the notebook has no param '\(key)'\(suggestion(for: key, in: known))"
                                  + (known.isEmpty ? "" : "; its params: \(known.joined(separator: ", "))"))
                continue
            }
            frontMatter.params[key] = .scalar(value, SourceLocation(file: "--set", line: 1, column: 1))
        }

        frontMatter.defaults = frontMatter.defaults.map { entry in
            var entry = entry
            entry.value = substitute(entry.value, frontMatter.params, &diagnostics)
            return entry
        }

        var blocks: [(Int, Block)] = []
        var ids = [String: SourceLocation]()
        for node in CMarkBridge.scan(document) {
            switch node {
            case .codeBlock(let ordinal, let info, let literal, let line, let column):
                let location = SourceLocation(file: file, line: line, column: column)
                if info.trimmingCharacters(in: .whitespaces) == "math" {
                    blocks.append((ordinal, .displayMath(literal, SourceLocation(file: file, line: line + 1, column: column))))
                    continue
                }
                guard info.hasPrefix("{") else { continue }
                guard let close = info.firstIndex(of: "}") else {
                    diagnostics.error(location, "directive '\(info)' has no closing '}'")
                    continue
                }
                let name = String(info[info.index(after: info.startIndex)..<close])
                let argument = info[info.index(after: close)...].trimmingCharacters(in: .whitespaces)
                guard directiveNames.contains(name) else {
                    diagnostics.error(location, "unknown directive '{\(name)}'\(suggestion(for: name, in: directiveNames)); known: \(directiveNames.map { "{\($0)}" }.joined(separator: ", "))")
                    continue
                }
                let bodyLine = line + 1
                if name == "expect" {
                    let claims = parseClaims(literal, file: file, firstLine: bodyLine, column: column, &diagnostics)
                    blocks.append((ordinal, .expect(ExpectDirective(location: location, claims: claims))))
                    continue
                }
                let body: YAMLValue
                switch YAMLValue.parse(literal, file: file, firstLine: bodyLine, column: column) {
                case .success(let value): body = substitute(value, frontMatter.params, &diagnostics)
                case .failure(let diagnostic):
                    diagnostics.append(diagnostic)
                    continue
                }
                let block: Block?
                switch name {
                case "experiment":
                    guard !argument.isEmpty else {
                        diagnostics.error(location, "{experiment} needs an ID after it, e.g. ```{experiment} baseline")
                        continue
                    }
                    if let first = ids[argument] {
                        diagnostics.error(location, "duplicate experiment ID '\(argument)' (first defined at line \(first.line))")
                        continue
                    }
                    ids[argument] = location
                    if argument.contains(where: { " .*/".contains($0) }) {
                        diagnostics.error(location, "experiment ID '\(argument)' may not contain spaces, '.', '*' or '/'")
                        continue
                    }
                    block = parseExperiment(argument, body, location, defaults: frontMatter.defaults, &diagnostics).map(Block.experiment)
                case "plot": block = parsePlot(body, location, &diagnostics).map(Block.plot)
                case "table": block = parseTable(body, location, &diagnostics).map(Block.table)
                case "model":
                    let entries = body.entries("{model}", known: ["caption"], &diagnostics) ?? []
                    guard !argument.isEmpty else {
                        diagnostics.error(location, "{model} needs an experiment ID or run name after it")
                        continue
                    }
                    block = .model(ModelDirective(location: location, selector: argument,
                                                  caption: entries.first?.value.string("caption", &diagnostics)))
                default: block = parseDataset(argument, body, location, &diagnostics).map(Block.dataset)
                }
                if let block { blocks.append((ordinal, block)) }
            case .codeSpan(let ordinal, let literal, let line, let column, let math):
                let location = SourceLocation(file: file, line: line, column: column)
                if math {
                    blocks.append((ordinal, .inlineMath(literal, location)))
                } else if literal.hasPrefix("{="), literal.hasSuffix("}") {
                    if let value = parseInlineValue(String(literal.dropFirst(2).dropLast()), location, &diagnostics) {
                        blocks.append((ordinal, .inlineValue(value)))
                    }
                }
            case .heading(let ordinal, let level, let text, _):
                blocks.append((ordinal, .heading(level: level, text: text)))
            case .rawHTML:
                continue
            }
        }
        return Notebook(file: file, name: name, document: document, frontMatter: frontMatter, blocks: blocks)
    }

    /// Replaces scalars written `$name` by the param's value.
    static func substitute(_ value: YAMLValue, _ params: [String: YAMLValue], _ diagnostics: inout Diagnostics) -> YAMLValue {
        switch value {
        case .scalar(let text, let location):
            guard text.hasPrefix("$"), text.count > 1, !text.hasPrefix("$`") else { return value }
            let name = String(text.dropFirst())
            guard let replacement = params[name] else {
                diagnostics.error(location, "unknown param '$\(name)'\(suggestion(for: name, in: Array(params.keys))); declare it under params: in the front matter")
                return value
            }
            // Keep the place of use, so later messages point here.
            if case .scalar(let text, _) = replacement { return .scalar(text, location) }
            return replacement
        case .sequence(let items, let location):
            return .sequence(items.map { substitute($0, params, &diagnostics) }, location)
        case .mapping(let entries, let location):
            return .mapping(entries.map { entry in
                var entry = entry
                entry.value = substitute(entry.value, params, &diagnostics)
                return entry
            }, location)
        }
    }

    static func parseExperiment(
        _ id: String, _ body: YAMLValue, _ location: SourceLocation, defaults: [YAMLValue.Entry], _ diagnostics: inout Diagnostics
    ) -> ExperimentDirective? {
        guard let entries = body.entries("{experiment} \(id)", known: ExperimentKeys.all + ["may_diverge"], &diagnostics) else { return nil }
        var experiment = ExperimentDirective(id: id, location: location, settings: [], variants: [], sweep: [], mayDiverge: false)
        var hasModel = defaults.contains { $0.key == "model" }
        for entry in entries {
            switch entry.key {
            case "variants":
                for variant in entry.value.entries("variants", known: [], &diagnostics) ?? [] {
                    if variant.key.contains(where: { " .*/=".contains($0) }) {
                        diagnostics.error(variant.keyLocation, "variant name '\(variant.key)' may not contain spaces, '.', '*', '/' or '='")
                    }
                    if case .scalar(let text, _) = variant.value, text.isEmpty {
                        experiment.variants.append((variant.key, variant.keyLocation, []))
                        continue
                    }
                    let settings = variant.value.entries("variant '\(variant.key)'", known: ExperimentKeys.overridable, &diagnostics) ?? []
                    if settings.contains(where: { $0.key == "model" }) { hasModel = true }
                    experiment.variants.append((variant.key, variant.keyLocation, settings))
                }
            case "sweep":
                for swept in entry.value.entries("sweep", known: ExperimentKeys.overridable, &diagnostics) ?? [] {
                    guard case .sequence(let values, _) = swept.value, !values.isEmpty else {
                        diagnostics.error(swept.value.location, "sweep.\(swept.key) must be a list of values, e.g. [16, 32, 64]")
                        continue
                    }
                    if swept.key == "model" { hasModel = true }
                    experiment.sweep.append((swept.key, swept.keyLocation, values))
                }
            case "may_diverge":
                experiment.mayDiverge = entry.value.boolean("may_diverge", &diagnostics) ?? false
            default:
                if entry.key == "model" { hasModel = true }
                experiment.settings.append(entry)
            }
        }
        if !hasModel { diagnostics.error(location, "{experiment} \(id) needs a model, e.g. model: [dense 100, relu, dense 10]") }
        return experiment
    }

    static func parsePlot(_ body: YAMLValue, _ location: SourceLocation, _ diagnostics: inout Diagnostics) -> PlotDirective? {
        let known = ["runs", "y", "x", "kind", "title", "caption", "log_x", "log_y", "panels"]
        guard let entries = body.entries("{plot}", known: known, &diagnostics) else { return nil }
        var plot = PlotDirective(location: location, runs: [], metrics: [.val_accuracy], trace: nil, x: .epoch, bar: false, title: nil,
                                 caption: nil, logX: false, logY: false, panels: nil)
        var hasRuns = false
        for entry in entries {
            let value = entry.value
            switch entry.key {
            case "runs":
                plot.runs = value.strings("runs", &diagnostics) ?? []
                hasRuns = true
            case "y":
                if let text = value.text, let trace = PlotDirective.Trace(rawValue: text) {
                    plot.trace = trace
                    plot.metrics = []
                    plot.x = .step
                } else {
                    plot.metrics = parseMetrics(value, &diagnostics)
                }
            case "x":
                guard let text = value.string("x", &diagnostics) else { continue }
                plot.x = text == "epoch" ? .epoch : text == "step" ? .step : .key(text)
                if case .key(let key) = plot.x, !ExperimentKeys.overridable.contains(key) {
                    diagnostics.error(value.location, "x must be epoch, step or a swept key, not '\(text)'\(suggestion(for: text, in: ["epoch", "step"] + ExperimentKeys.overridable))")
                }
            case "kind":
                guard let text = value.string("kind", &diagnostics) else { continue }
                guard text == "line" || text == "bar" else {
                    diagnostics.error(value.location, "kind must be line or bar, not '\(text)'")
                    continue
                }
                plot.bar = text == "bar"
            case "title": plot.title = value.string("title", &diagnostics)
            case "caption": plot.caption = value.string("caption", &diagnostics)
            case "log_x": plot.logX = value.boolean("log_x", &diagnostics) ?? false
            case "log_y": plot.logY = value.boolean("log_y", &diagnostics) ?? false
            default:
                guard let text = value.string("panels", &diagnostics) else { continue }
                guard let panels = PlotDirective.Panels(rawValue: text) else {
                    diagnostics.error(value.location, "panels must be run or metric, not '\(text)'")
                    continue
                }
                plot.panels = panels
            }
        }
        if !hasRuns { diagnostics.error(location, "{plot} needs runs: an experiment ID, run names or patterns with *") }
        if plot.x == .step && plot.trace == nil && plot.metrics != [.loss] {
            diagnostics.error(location, "x: step plots the training loss recorded every step (record: [steps]); use y: loss")
        }
        return plot
    }

    static func parseMetrics(_ value: YAMLValue, _ diagnostics: inout Diagnostics) -> [Metric] {
        (value.strings("y", &diagnostics) ?? []).compactMap { name, location in
            guard let metric = Metric(rawValue: name) else {
                let names = Metric.allCases.map(\.rawValue) + ["activations", "gradients"]
                diagnostics.error(location, "unknown metric '\(name)'\(suggestion(for: name, in: names)); known: \(names.joined(separator: ", "))")
                return nil
            }
            return metric
        }
    }

    static func parseTable(_ body: YAMLValue, _ location: SourceLocation, _ diagnostics: inout Diagnostics) -> TableDirective? {
        guard let entries = body.entries("{table}", known: ["runs", "columns", "caption"], &diagnostics) else { return nil }
        var table = TableDirective(location: location, runs: [], columns: [], caption: nil)
        for entry in entries {
            switch entry.key {
            case "runs": table.runs = entry.value.strings("runs", &diagnostics) ?? []
            case "caption": table.caption = entry.value.string("caption", &diagnostics)
            default:
                for (text, location) in entry.value.strings("columns", &diagnostics) ?? [] {
                    if let column = parseColumn(text, location, &diagnostics) { table.columns.append(column) }
                }
            }
        }
        if table.runs.isEmpty { diagnostics.error(location, "{table} needs runs: an experiment ID, run names or patterns with *") }
        if table.columns.isEmpty {
            table.columns = [.val_accuracy, .val_loss].map { TableDirective.Column(metric: $0, kind: .final, header: $0.rawValue) }
        }
        return table
    }

    /// `metric`, `best(metric)`, `std(metric)`, `metric[N]`.
    static func parseColumn(_ text: String, _ location: SourceLocation, _ diagnostics: inout Diagnostics) -> TableDirective.Column? {
        var name = Substring(text), kind = TableDirective.Column.Kind.final
        if let open = name.firstIndex(of: "("), name.hasSuffix(")") {
            let function = name[..<open]
            name = name[name.index(after: open)..<name.index(before: name.endIndex)]
            switch function {
            case "best": kind = .best
            case "std": kind = .spread
            default:
                diagnostics.error(location, "unknown column function '\(function)'; known: best(metric), std(metric), metric[N]")
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
        guard let metric = Metric(rawValue: String(name)) else {
            let names = Metric.allCases.map(\.rawValue)
            diagnostics.error(location, "unknown metric '\(name)'\(suggestion(for: String(name), in: names)); known: \(names.joined(separator: ", "))")
            return nil
        }
        return TableDirective.Column(metric: metric, kind: kind, header: text)
    }

    static func parseDataset(_ argument: String, _ body: YAMLValue, _ location: SourceLocation, _ diagnostics: inout Diagnostics) -> DatasetDirective? {
        guard let entries = body.entries("{dataset}", known: ["dataset", "path", "samples", "caption"], &diagnostics) else { return nil }
        var directive = DatasetDirective(location: location, dataset: argument.isEmpty ? "fashion-mnist" : argument, path: nil,
                                         samplesPerClass: 8, caption: nil)
        var nameLocation = location
        for entry in entries {
            switch entry.key {
            case "dataset":
                directive.dataset = entry.value.string("dataset", &diagnostics) ?? directive.dataset
                nameLocation = entry.value.location
            case "path": directive.path = entry.value.string("path", &diagnostics)
            case "samples": directive.samplesPerClass = entry.value.integer("samples", &diagnostics, minimum: 1) ?? 8
            default: directive.caption = entry.value.string("caption", &diagnostics)
            }
        }
        let names = DataSource.allCases.map(\.rawValue)
        guard let source = DataSource(rawValue: directive.dataset) else {
            diagnostics.error(nameLocation, "unknown dataset '\(directive.dataset)'\(suggestion(for: directive.dataset, in: names)); known: \(names.joined(separator: ", "))")
            return nil
        }
        if source.isSynthetic { directive.samplesPerClass = 0 }
        return directive
    }

    static func parseClaims(_ literal: String, file: String, firstLine: Int, column: Int, _ diagnostics: inout Diagnostics) -> [Claim] {
        var claims: [Claim] = []
        for (offset, line) in literal.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("#") { continue }
            let indent = line.prefix { $0 == " " }.count
            var parser = ExpressionParser(text, at: SourceLocation(file: file, line: firstLine + offset, column: column + indent))
            do {
                claims.append(try parser.claim(text: text))
            } catch {
                diagnostics.append(error)
            }
        }
        return claims
    }

    /// `expression | format`.
    static func parseInlineValue(_ text: String, _ location: SourceLocation, _ diagnostics: inout Diagnostics) -> InlineValue? {
        let parts = text.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        var format = InlineValue.Format.number
        if parts.count == 2 {
            switch parts[1] {
            case "percent": format = .percent
            case "number": format = .number
            case "seconds": format = .seconds
            case let name where name.hasPrefix("fixed(") && name.hasSuffix(")"):
                guard let digits = Int(name.dropFirst(6).dropLast()), (0...10).contains(digits) else {
                    diagnostics.error(location, "fixed(N) needs N from 0 to 10, in '\(name)'")
                    return nil
                }
                format = .fixed(digits)
            default:
                let names = ["percent", "fixed(N)", "number", "seconds"]
                diagnostics.error(location, "unknown format '\(parts[1])'\(suggestion(for: parts[1], in: names)); known: \(names.joined(separator: ", "))")
                return nil
            }
        }
        // The expression starts after "{=" and the spaces that follow it.
        let leading = text.prefix { $0 == " " }.count
        var parser = ExpressionParser(parts[0], at: SourceLocation(file: location.file, line: location.line, column: location.column + 3 + leading))
        do {
            return InlineValue(location: location, expression: try parser.expression(), format: format)
        } catch {
            diagnostics.append(error)
            return nil
        }
    }

    /// Line and column of the first byte that is not part of valid UTF-8.
    static func invalidUTF8Location(_ data: Data, file: String) -> SourceLocation {
        let bytes = [UInt8](data)
        var line = 1, column = 1, index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 0
            let valid = length > 0 && index + length <= bytes.count
                && String(bytes: bytes[index..<index + length], encoding: .utf8) != nil
            if !valid { break }
            if byte == 0x0A { line += 1; column = 1 } else { column += 1 }
            index += length
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}

import NeuralNet
