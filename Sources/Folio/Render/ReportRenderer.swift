import Charts
import Foundation
import NeuralNet

/// Sample images and class counts of a data set, computed once and cached.
struct DatasetPreview: Codable, Sendable {
    var name: String
    var classNames: [String]
    var trainingCounts: [Int]
    var testCounts: [Int]
    /// A PNG of `samplesPerClass` images per class (one row per class), base64.
    var pngBase64: String?
    var pixelWidth: Int
    var pixelHeight: Int
}

/// The report of one notebook, ready to write.
struct RenderedReport {
    var html: String
    /// SVG of each figure, in figure order.
    var figures: [String]
    var claims: [(claim: Claim, holds: Bool, left: Double, right: Double)]
}

/// Builds the HTML page: cmark renders the prose, and each directive's node is replaced by
/// its rendered HTML. All notebook text is escaped here or by cmark; raw HTML in the prose
/// is dropped unless the notebook opts in.
struct ReportRenderer {
    let notebook: Notebook
    let results: [RunResult]
    let previews: [String: DatasetPreview]

    private var figureNumber = 0, tableNumber = 0
    private var figures: [String] = []
    private var claims: [(claim: Claim, holds: Bool, left: Double, right: Double)] = []

    init(notebook: Notebook, results: [RunResult], previews: [String: DatasetPreview]) {
        self.notebook = notebook
        self.results = results
        self.previews = previews
    }

    mutating func render() -> RenderedReport {
        var replacements: [Int: MarkdownReplacement] = [:]
        var toc: [(level: Int, text: String, id: String)] = []
        var usedIDs = Set<String>()
        let evaluator = Evaluator(results: results)
        var title = notebook.frontMatter.title
        for (ordinal, block) in notebook.blocks {
            switch block {
            case .heading(let level, let text):
                var id = slug(text), suffix = 2
                while usedIDs.contains(id) { id = slug(text) + "-\(suffix)"; suffix += 1 }
                usedIDs.insert(id)
                replacements[ordinal] = .headingID(id)
                if level == 1 && title == nil { title = text }
                if level == 2 || level == 3 { toc.append((level, text, id)) }
            case .experiment(let experiment): replacements[ordinal] = .block(experimentSummary(experiment))
            case .plot(let plot): replacements[ordinal] = .block(figure(plot))
            case .table(let table): replacements[ordinal] = .block(self.table(table))
            case .model(let model): replacements[ordinal] = .block(modelTables(model))
            case .dataset(let dataset): replacements[ordinal] = .block(datasetFigure(dataset))
            case .expect(let expect): replacements[ordinal] = .block(claimList(expect, evaluator))
            case .displayMath(let tex, let location):
                replacements[ordinal] = .block((try? MathML.render(tex, display: true, at: location).get()) ?? "")
            case .inlineMath(let tex, let location):
                replacements[ordinal] = .inline((try? MathML.render(tex, display: false, at: location).get()) ?? "")
            case .inlineValue(let value):
                let number = evaluator.value(value.expression)
                replacements[ordinal] = .inline("<span class=\"value\">\(escapeMarkup(NumberFormat.format(number, value.format)))</span>")
            }
        }
        let body = CMarkBridge.render(notebook.document, replacements: replacements, keepRawHTML: notebook.frontMatter.unsafeHTML)
        let pageTitle = title ?? notebook.name
        var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        html += "<meta name=\"generator\" content=\"Folio\">\n"
        html += "<title>\(escapeMarkup(pageTitle))</title>\n<style>\(Self.css)</style>\n</head>\n<body>\n<main>\n"
        if let title = notebook.frontMatter.title {
            html += "<header>\n<h1 class=\"title\">\(escapeMarkup(title))</h1>\n"
            let byline = [notebook.frontMatter.author, notebook.frontMatter.date].compactMap { $0 }
            if !byline.isEmpty { html += "<p class=\"byline\">\(escapeMarkup(byline.joined(separator: " · ")))</p>\n" }
            html += "</header>\n"
        }
        if toc.count >= 3 {
            html += "<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n"
            var open = false
            for entry in toc {
                if entry.level == 3 && !open { html += "<li class=\"sub\"><ol>\n"; open = true }
                if entry.level == 2 && open { html += "</ol></li>\n"; open = false }
                html += "<li><a href=\"#\(entry.id)\">\(escapeMarkup(entry.text))</a></li>\n"
            }
            if open { html += "</ol></li>\n" }
            html += "</ol>\n</nav>\n"
        }
        html += body + "</main>\n</body>\n</html>\n"
        return RenderedReport(html: html, figures: figures, claims: claims)
    }

    // MARK: - Blocks

    private func experimentSummary(_ experiment: ExperimentDirective) -> String {
        let runs = results.filter { $0.run.experiment == experiment.id }
        guard !runs.isEmpty else { return "" }
        // Settings shared by every run, then what varies between them.
        func describe(_ spec: RunSpec) -> [String] {
            var parts = [
                "data \(spec.dataset.rawValue)", "model " + spec.model.map(\.description).joined(separator: ", "),
                "\(spec.optimizer) η = \(NumberFormat.significant(spec.learningRate, 3))", "batch \(spec.batchSize)",
                "\(spec.epochs) epochs", "init \(spec.initializer)",
            ]
            if spec.repeatCount > 1 { parts.append("\(spec.repeatCount) seeds per run") }
            return parts
        }
        let descriptions = runs.map { describe($0.run.spec) }
        let shared = descriptions[0].filter { part in descriptions.allSatisfy { $0.contains(part) } }
        var html = "<aside class=\"experiment\" id=\"experiment-\(escapeMarkup(experiment.id))\"><p><strong>Experiment "
            + "<code>\(escapeMarkup(experiment.id))</code></strong>: \(runs.count) run\(runs.count == 1 ? "" : "s") "
            + "(\(escapeMarkup(shared.joined(separator: "; "))))"
        let varied = experiment.variants.isEmpty ? [] : ["variants " + experiment.variants.map(\.name).joined(separator: ", ")]
        let swept = experiment.sweep.map { "\($0.key) swept over " + $0.values.compactMap(\.text).joined(separator: ", ") }
        if !(varied + swept).isEmpty { html += "; " + escapeMarkup((varied + swept).joined(separator: "; ")) }
        html += ".</p>"
        let diverged = runs.filter(\.diverged).map(\.name)
        if !diverged.isEmpty {
            html += "<p class=\"diverged\">Diverged (loss became NaN or infinite): "
                + diverged.map { "<code>\(escapeMarkup($0))</code>" }.joined(separator: ", ") + ".</p>"
        }
        return html + "</aside>\n"
    }

    private mutating func figure(_ plot: PlotDirective) -> String {
        let (svg, title) = Figures.chart(plot, results: results)
        figureNumber += 1
        figures.append(svg)
        let caption = plot.caption ?? title + "."
        return "<figure id=\"figure-\(figureNumber)\">\n\(svg)\n<figcaption><strong>Figure \(figureNumber).</strong> "
            + "\(escapeMarkup(caption))</figcaption>\n</figure>\n"
    }

    private mutating func table(_ table: TableDirective) -> String {
        tableNumber += 1
        let runs = results.selecting(table.runs.map(\.0))
        var html = "<div class=\"table-wrap\"><table id=\"table-\(tableNumber)\">\n"
        html += "<caption><strong>Table \(tableNumber).</strong> \(escapeMarkup(table.caption ?? "Results per run."))"
        if runs.contains(where: { $0.seeds.count > 1 }) { html += " Mean ± standard deviation over seeds." }
        html += "</caption>\n<thead><tr><th scope=\"col\">run</th>"
        for column in table.columns { html += "<th scope=\"col\">\(escapeMarkup(column.header))</th>" }
        html += "</tr></thead>\n<tbody>\n"
        for run in runs {
            html += "<tr><th scope=\"row\">\(escapeMarkup(run.name))</th>"
            for column in table.columns {
                let value: (mean: Double, spread: Double)
                var showSpread = run.seeds.count > 1
                switch column.kind {
                case .final: value = run.statistic(column.metric)
                case .epoch(let epoch): value = run.statistic(column.metric, epoch: epoch)
                case .best: value = run.bestEpoch(column.metric).map { run.statistic(column.metric, epoch: $0) } ?? (.nan, .nan)
                case .spread:
                    let spread = run.statistic(column.metric).spread
                    value = (spread, 0)
                    showSpread = false
                }
                var text = NumberFormat.metric(value.mean, column.metric)
                if showSpread && value.spread.isFinite { text += " ± " + NumberFormat.metric(value.spread, column.metric) }
                html += "<td>\(escapeMarkup(text))</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table></div>\n"
    }

    private mutating func modelTables(_ model: ModelDirective) -> String {
        let runs = Planner.select(model.selector, in: results.map(\.run))
        var distinct: [(spec: RunSpec, names: [String])] = []
        for run in runs {
            if let index = distinct.firstIndex(where: { $0.spec.model == run.spec.model && $0.spec.dataset == run.spec.dataset }) {
                distinct[index].names.append(run.name)
            } else {
                distinct.append((run.spec, [run.name]))
            }
        }
        var html = ""
        for (spec, names) in distinct {
            tableNumber += 1
            let inputShape = spec.dataset.exampleShape
            let network = Network(specs: spec.model, inputShape: inputShape, generator: RandomGenerator(seed: 0))
            let caption = (model.caption.map { $0 + " " } ?? "") + "Network of " + names.joined(separator: ", ") + "."
            html += "<div class=\"table-wrap\"><table class=\"model\" id=\"table-\(tableNumber)\">\n"
            html += "<caption><strong>Table \(tableNumber).</strong> \(escapeMarkup(caption))</caption>\n"
            html += "<thead><tr><th scope=\"col\">layer</th><th scope=\"col\">output shape</th><th scope=\"col\">parameters</th></tr></thead>\n<tbody>\n"
            html += "<tr><th scope=\"row\">input</th><td>\(inputShape)</td><td>0</td></tr>\n"
            for layer in network.layers {
                html += "<tr><th scope=\"row\">\(escapeMarkup(layer.description))</th><td>\(layer.outputShape)</td>"
                    + "<td>\(Self.grouped(layer.parameterCount))</td></tr>\n"
            }
            html += "<tr class=\"total\"><th scope=\"row\">total</th><td></td><td>\(Self.grouped(network.parameterCount))</td></tr>\n"
            html += "</tbody>\n</table></div>\n"
        }
        return html
    }

    private mutating func datasetFigure(_ directive: DatasetDirective) -> String {
        guard let preview = previews[directive.dataset + "|" + (directive.path ?? "")] else { return "" }
        var html = ""
        if let png = preview.pngBase64 {
            figureNumber += 1
            let caption = directive.caption ?? "The first \(directive.samplesPerClass) training images of each class of \(preview.name), one class per row."
            html += "<figure id=\"figure-\(figureNumber)\" class=\"samples\">\n"
            html += "<img src=\"data:image/png;base64,\(png)\" width=\"\(preview.pixelWidth)\" height=\"\(preview.pixelHeight)\" "
                + "alt=\"Sample images of \(escapeMarkup(preview.name)), one row per class: \(escapeMarkup(preview.classNames.joined(separator: ", ")))\">\n"
            html += "<figcaption><strong>Figure \(figureNumber).</strong> \(escapeMarkup(caption)) Rows from top: "
                + "\(escapeMarkup(preview.classNames.joined(separator: ", "))).</figcaption>\n</figure>\n"
        }
        tableNumber += 1
        html += "<div class=\"table-wrap\"><table id=\"table-\(tableNumber)\">\n<caption><strong>Table \(tableNumber).</strong> "
            + "Examples per class in \(escapeMarkup(preview.name)).</caption>\n"
        html += "<thead><tr><th scope=\"col\">class</th><th scope=\"col\">training file</th><th scope=\"col\">test file</th></tr></thead>\n<tbody>\n"
        for (index, name) in preview.classNames.enumerated() {
            let test = index < preview.testCounts.count ? Self.grouped(preview.testCounts[index]) : "–"
            html += "<tr><th scope=\"row\">\(index): \(escapeMarkup(name))</th><td>\(Self.grouped(preview.trainingCounts[index]))</td><td>\(test)</td></tr>\n"
        }
        return html + "</tbody>\n</table></div>\n"
    }

    private mutating func claimList(_ expect: ExpectDirective, _ evaluator: Evaluator) -> String {
        var html = "<ul class=\"claims\">\n"
        for claim in expect.claims {
            let (holds, left, right) = evaluator.check(claim)
            claims.append((claim, holds, left, right))
            html += "<li class=\"\(holds ? "pass" : "fail")\"><span class=\"verdict\">\(holds ? "✓ holds" : "✗ FAILS")</span> "
                + "<code>\(escapeMarkup(claim.text))</code> <span class=\"sides\">(\(escapeMarkup(NumberFormat.significant(left, 4)))"
                + " \(escapeMarkup(claim.comparison)) \(escapeMarkup(NumberFormat.significant(right, 4))))</span></li>\n"
        }
        return html + "</ul>\n"
    }

    // MARK: - Helpers

    /// 266,610
    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return result
    }

    private func slug(_ text: String) -> String {
        let words = text.lowercased().unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : " " }
        let slug = String(words).split(separator: " ").joined(separator: "-")
        return slug.isEmpty ? "section" : slug
    }

    static let css = """
        body{margin:0;background:#fff;color:#1b1b1b;font:17px/1.6 Charter,'Bitstream Charter','Iowan Old Style',Georgia,serif}\
        main{max-width:46rem;margin:0 auto;padding:1.5rem 1.1rem 4rem}\
        h1,h2,h3,h4,nav,figcaption,caption,table,.byline,.experiment,.claims{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}\
        h1{font-size:1.9rem;line-height:1.2;margin:1.2rem 0 .4rem}h2{font-size:1.4rem;margin:2.2rem 0 .6rem;line-height:1.25}\
        h3{font-size:1.12rem;margin:1.6rem 0 .4rem}.byline{color:#555;margin:0 0 1.5rem}\
        a{color:#0b5cad}code,pre{font-family:ui-monospace,'SFMono-Regular',Menlo,Consolas,monospace;font-size:.86em}\
        pre{background:#f5f5f5;padding:.75rem 1rem;overflow-x:auto;border-radius:4px}\
        code{background:#f3f3f3;padding:0 .2em;border-radius:3px}pre code{background:none;padding:0}\
        nav.toc{background:#f7f7f9;border:1px solid #e4e4ea;border-radius:6px;padding:.4rem 1.2rem .6rem;margin:1rem 0 2rem;font-size:.95rem}\
        nav.toc h2{font-size:1rem;margin:.4rem 0}nav.toc ol{margin:0;padding-left:1.3rem}nav.toc li.sub{list-style:none}\
        figure{margin:1.8rem 0}figure svg,figure img{display:block;width:100%;height:auto;max-width:100%}\
        figure.samples img{image-rendering:pixelated;max-width:32rem;margin:0 auto}\
        figcaption,caption{font-size:.88rem;color:#3a3a3a;line-height:1.45;text-align:left}figcaption{margin-top:.5rem}\
        .table-wrap{overflow-x:auto;margin:1.4rem 0}table{border-collapse:collapse;width:100%;font-size:.9rem;font-variant-numeric:tabular-nums}\
        caption{caption-side:bottom;padding-top:.5rem}th,td{padding:.32rem .6rem;border-bottom:1px solid #dcdcdc;text-align:right;white-space:nowrap}\
        th:first-child,td:first-child{text-align:left}thead th{border-bottom:2px solid #999}tr.total th,tr.total td{font-weight:600}\
        .experiment{font-size:.88rem;color:#333;background:#f4f8fb;border-left:3px solid #0072b2;padding:.3rem .9rem;margin:1.2rem 0}\
        .experiment p{margin:.3rem 0}.diverged{color:#a33}\
        .claims{list-style:none;padding-left:0;font-size:.92rem}.claims li{margin:.3rem 0}\
        .claims .verdict{font-weight:600;margin-right:.3rem}.claims .pass .verdict{color:#0a6b3d}.claims .fail .verdict{color:#b00020}\
        .claims .sides{color:#555}.value{font-variant-numeric:tabular-nums;white-space:nowrap}\
        math[display=block]{display:block;margin:1rem 0;padding:.2rem 0;overflow-x:auto;overflow-y:hidden;font-size:1.1em}\
        @media (max-width:600px){body{font-size:16px}main{padding:1rem .8rem 3rem}th,td{padding:.28rem .4rem}}\
        @media print{body{font-size:11pt}main{max-width:none;padding:0}a{color:inherit;text-decoration:none}\
        figure,table,.experiment,math[display=block]{break-inside:avoid}h2,h3{break-after:avoid}pre{white-space:pre-wrap}}
        """
}
