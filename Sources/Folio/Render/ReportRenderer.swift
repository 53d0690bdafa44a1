import Foundation
import NeuralNet

/// The report of one notebook, ready to write.
struct RenderedReport {
    var html: String
    /// SVG of each figure, in figure order.
    var figures: [String]
    var claims: [(claim: Claim, check: ClaimCheck)]
}

/// Builds the HTML page: cmark renders the prose, and each directive's node is replaced by
/// its HTML, built with `HTML` so that every string from the notebook or the results is
/// escaped by construction. Raw HTML in the prose is dropped unless the notebook opts in.
struct ReportRenderer {
    let notebook: Notebook
    let results: [RunResult]
    let previews: [String: DatasetPreview]

    private var numbering: Numbering?
    private var figures: [String] = []
    /// Works cited, in order of first citation, and the year each is shown with.
    private var cited: [String] = []
    private var years: [String: String] = [:]
    private var claims: [(claim: Claim, check: ClaimCheck)] = []

    init(notebook: Notebook, results: [RunResult], previews: [String: DatasetPreview]) {
        self.notebook = notebook
        self.results = results
        self.previews = previews
    }

    mutating func render() -> RenderedReport {
        numbering = Numbering(notebook, tableCount: { distinctNetworks($0).count }, hasFigure: { preview($0)?.pngBase64 != nil })
        // Every work cited, first, so that years are lettered (2018a, 2018b) the same everywhere.
        for case (_, .prose(let pieces)) in notebook.blocks {
            for case .citation(let citation) in pieces {
                for item in citation.items where !cited.contains(item.key) && notebook.bibliography[item.key] != nil { cited.append(item.key) }
            }
        }
        years = CitationStyle.years(citedWorks)
        var replacements: [Int: MarkdownReplacement] = [:]
        var contents: [(level: Int, text: String, id: String)] = []
        // Labels are ids as written; headings without one get a slug that no label or
        // earlier heading uses.
        var usedIDs = Set(notebook.blocks.compactMap { if case .heading(_, _, let label?) = $0.block { label.name } else { nil } })
        var firstHeading: String?
        for (ordinal, block) in notebook.blocks {
            if case .heading(let level, let text, let label) = block {
                var id = label?.name ?? slug(text), suffix = 2
                while label == nil && usedIDs.contains(id) { id = slug(text) + "-\(suffix)"; suffix += 1 }
                usedIDs.insert(id)
                replacements[ordinal] = .headingID(id)
                if level == 1 && firstHeading == nil { firstHeading = text }
                if level == 2 || level == 3 { contents.append((level, text, id)) }
            } else {
                replacements[ordinal] = replacement(for: block, numbers: numbering?.numbers[ordinal] ?? .init())
            }
        }
        var body = CMarkBridge.render(notebook.document, replacements: replacements, keepRawHTML: notebook.frontMatter.unsafeHTML)
        if !cited.isEmpty {
            body += referenceList().rendered
            contents.append((2, "References", "references"))
        }
        let title = notebook.frontMatter.title ?? firstHeading ?? notebook.name
        let page = HTML.page(title: title, style: ReportStyle.sheet + "@page{size:\(notebook.frontMatter.paper)}",
                             meta: ["generator": "Folio"], main: [header(), tableOfContents(contents), .raw(body)])
        return RenderedReport(html: page.rendered, figures: figures, claims: claims)
    }

    /// What a directive, math, prose reference or inline value becomes.
    private mutating func replacement(for block: Block, numbers: Numbering.Numbers) -> MarkdownReplacement? {
        switch block {
        case .experiment(let experiment): return .block(experimentSummary(experiment).rendered)
        case .plot(let plot): return .block(figure(plot, number: numbers.figure ?? 0).rendered)
        case .table(let table): return .block(self.table(table, number: numbers.firstTable ?? 0).rendered)
        case .model(let model): return .block(modelTables(model, firstNumber: numbers.firstTable ?? 0).rendered)
        case .dataset(let dataset): return .block(datasetFigure(dataset, numbers).rendered)
        case .expect(let expect): return .block(claimList(expect).rendered)
        case .displayMath(let math, let label):
            guard let label, let number = numbers.equation else { return .block(math.rendered) }
            return .block(HTML.tag("div", ["class": "equation", "id": label.name], math, .tag("span", ["class": "equation-number"], .text("(\(number))"))).rendered + "\n")
        case .inlineMath(let math): return .inline(math.rendered)
        case .prose(let pieces): return .inline(prose(pieces).rendered)
        case .inlineValue(let value):
            let number = Evaluator(results: results).value(value.expression)
            return .inline(HTML.tag("span", ["class": "value"], .text(NumberFormat.format(number, value.format))).rendered)
        case .heading: return nil
        }
    }

    // MARK: - References and citations

    /// Text with each reference as a link ("Figure 9") and each citation author–year.
    private func prose(_ pieces: [ProsePiece]) -> HTML {
        .fragment(pieces.map { piece in
            switch piece {
            case .text(let text): return .text(text)
            case .reference(let label):
                guard let target = numbering?.targets[label.name] else { return .text("@" + label.name) }
                return .tag("a", ["class": "xref", "href": "#" + target.anchor], .text(target.text))
            case .citation(let citation): return self.citation(citation)
            }
        })
    }

    /// "(Ioffe & Szegedy, 2015, p. 3; Santurkar et al., 2018)" or "Ioffe and Szegedy (2015)".
    private func citation(_ citation: Citation) -> HTML {
        let links: [HTML] = citation.items.compactMap { item in
            guard let reference = notebook.bibliography[item.key] else { return nil }
            let year = years[item.key] ?? reference.year
            let text = citation.narrative
                ? "\(CitationStyle.authors(reference, narrative: true)) (\(year))"
                : "\(CitationStyle.authors(reference, narrative: false)), \(year)" + (item.locator.map { ", " + $0 } ?? "")
            return .tag("a", ["class": "citation", "href": "#ref-" + item.key], .text(text))
        }
        if citation.narrative { return .fragment(links) }
        var pieces: [HTML] = ["("]
        for (index, link) in links.enumerated() { pieces += index == 0 ? [link] : ["; ", link] }
        return .fragment(pieces + [")"])
    }

    private var citedWorks: [Reference] { cited.compactMap { notebook.bibliography[$0] } }

    /// The References section: every cited work, sorted by first author, year and title.
    private func referenceList() -> HTML {
        let works = citedWorks.sorted { $0.sortKey < $1.sortKey }
        let items = works.map { work in
            HTML.tag("li", ["id": "ref-" + work.key], children: CitationStyle.entry(work, year: years[work.key] ?? work.year)) + "\n"
        }
        return .tag("section", ["class": "references", "id": "references"], "\n", .tag("h2", "References"), "\n",
                    .tag("ul", children: ["\n"] + items), "\n") + "\n"
    }

    // MARK: - Page

    /// The title, author and date, when the front matter gives a title.
    private func header() -> HTML {
        guard let title = notebook.frontMatter.title else { return .empty }
        let byline = [notebook.frontMatter.author, notebook.frontMatter.date].compactMap { $0 }
        return .tag("header", "\n",
                    .tag("h1", ["class": "title"], .text(title)), "\n",
                    byline.isEmpty ? .empty : .fragment([.tag("p", ["class": "byline"], .text(byline.joined(separator: " · "))), "\n"]))
            + "\n"
    }

    /// A list of the level-2 headings, each with its level-3 headings in a list inside its
    /// item (so that only top-level entries are numbered 1, 2, 3, …), when there are at
    /// least three headings.
    private func tableOfContents(_ contents: [(level: Int, text: String, id: String)]) -> HTML {
        guard contents.count >= 3 else { return .empty }
        var entries: [(link: HTML, children: [HTML])] = []
        for entry in contents {
            let link = HTML.tag("a", ["href": "#" + entry.id], .text(entry.text))
            if entry.level == 3, !entries.isEmpty {
                entries[entries.count - 1].children.append(.tag("li", link) + "\n")
            } else {
                entries.append((link, []))
            }
        }
        let items = entries.map { entry -> HTML in
            let nested: HTML = entry.children.isEmpty ? .empty : .tag("ol", children: ["\n"] + entry.children)
            return .tag("li", entry.link, nested) + "\n"
        }
        return .tag("nav", ["class": "toc", "aria-label": "Contents"], "\n", .tag("h2", "Contents"), "\n", .tag("ol", children: ["\n"] + items), "\n")
            + "\n"
    }

    // MARK: - Blocks

    private func experimentSummary(_ experiment: ExperimentDirective) -> HTML {
        let runs = results.filter { $0.run.experiment == experiment.id }
        guard !runs.isEmpty else { return .empty }
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
        var summary = "\(runs.count) run\(runs.count == 1 ? "" : "s") (\(shared.joined(separator: "; ")))"
        let varied = experiment.variants.isEmpty ? [] : ["variants " + experiment.variants.map(\.name).joined(separator: ", ")]
        let swept = experiment.sweep.map { "\($0.key) swept over " + $0.values.map(\.text).joined(separator: ", ") }
        if !(varied + swept).isEmpty { summary += "; " + (varied + swept).joined(separator: "; ") }
        var paragraphs: [HTML] = [
            .tag("p", .tag("strong", "Experiment ", .tag("code", .text(experiment.id))), .text(": \(summary).")),
        ]
        let diverged = runs.filter(\.diverged).map(\.name)
        if !diverged.isEmpty {
            let names = diverged.enumerated().map { index, name in HTML.fragment([index == 0 ? .empty : ", ", .tag("code", .text(name))]) }
            paragraphs.append(.tag("p", ["class": "diverged"], children: ["Diverged (loss became NaN or infinite): "] + names + ["."]))
        }
        return .tag("aside", ["class": "experiment", "id": "experiment-" + experiment.id], children: paragraphs) + "\n"
    }

    private mutating func figure(_ plot: PlotDirective, number: Int) -> HTML {
        let (svg, title) = Figures.chart(plot, results: results)
        figures.append(svg)
        return .tag("figure", ["id": plot.label?.name ?? "figure-\(number)"], "\n", .raw(svg), "\n",
                    caption("figcaption", "Figure \(number).", .text(plot.caption ?? title + ".")), "\n") + "\n"
    }

    /// `<figcaption>` or `<caption>`: the bold label, then the text.
    private func caption(_ element: String, _ label: String, _ text: HTML...) -> HTML {
        .tag(element, children: [.tag("strong", .text(label)), " "] + text)
    }

    /// A table inside its scrolling wrapper.
    private func numberedTable(
        _ attributes: [HTML.Attribute] = [], number: Int, label: Label?, caption text: HTML, head: [String], rows: [HTML]
    ) -> HTML {
        let headRow = HTML.tag("tr", children: head.map { HTML.tag("th", ["scope": "col"], .text($0)) })
        let table = HTML.element("table", attributes + [.init(name: "id", value: label?.name ?? "table-\(number)")], [
            "\n", caption("caption", "Table \(number).", text), "\n",
            .tag("thead", headRow), "\n",
            .tag("tbody", children: ["\n"] + rows.map { $0 + "\n" }), "\n",
        ])
        return .tag("div", ["class": "table-wrap"], table) + "\n"
    }

    /// A body row: a header cell, then data cells.
    private func row(_ header: String, _ cells: [String], className: String? = nil) -> HTML {
        let children = [HTML.tag("th", ["scope": "row"], .text(header))] + cells.map { HTML.tag("td", .text($0)) }
        return className.map { HTML.tag("tr", ["class": $0], children: children) } ?? .tag("tr", children: children)
    }

    private func table(_ table: TableDirective, number: Int) -> HTML {
        let runs = results.selecting(table.runs.map(\.text))
        var caption = table.caption ?? "Results per run."
        if runs.contains(where: { $0.seeds.count > 1 }) { caption += " Mean ± standard deviation over seeds." }
        if table.columns.contains(where: { $0.kind == .best }) {
            caption += " best(…) is the epoch whose mean over seeds is best, shown with that epoch's spread and number."
        }
        let rows = runs.map { run in row(run.name, table.columns.map { cell(run, $0) }) }
        return numberedTable(number: number, label: table.label, caption: .text(caption), head: ["run"] + table.columns.map(\.header), rows: rows)
    }

    /// One table cell: the column's statistic, with the spread over seeds when there are several.
    private func cell(_ run: RunResult, _ column: TableDirective.Column) -> String {
        let value: (mean: Double, spread: Double)
        var showSpread = run.seeds.count > 1, epochNote = ""
        switch column.kind {
        case .final: value = run.statistic(column.metric)
        case .epoch(let epoch): value = run.statistic(column.metric, epoch: epoch)
        case .best:
            let best = run.bestEpoch(column.metric)
            value = best.map { run.statistic(column.metric, epoch: $0) } ?? (.nan, .nan)
            epochNote = best.map { " (epoch \($0))" } ?? ""
        case .spread:
            value = (run.statistic(column.metric).spread, 0)
            showSpread = false
        }
        var text = NumberFormat.metric(value.mean, column.metric)
        if showSpread && value.spread.isFinite { text += " ± " + NumberFormat.metric(value.spread, column.metric) }
        return text + epochNote
    }

    /// The distinct networks (model and data set) among the runs a `{model}` selects.
    private func distinctNetworks(_ model: ModelDirective) -> [(spec: RunSpec, names: [String])] {
        let runs = Planner.select(model.selector.text, in: results.map(\.run))
        var distinct: [(spec: RunSpec, names: [String])] = []
        for run in runs {
            if let index = distinct.firstIndex(where: { $0.spec.model == run.spec.model && $0.spec.dataset == run.spec.dataset }) {
                distinct[index].names.append(run.name)
            } else {
                distinct.append((run.spec, [run.name]))
            }
        }
        return distinct
    }

    private func modelTables(_ model: ModelDirective, firstNumber: Int) -> HTML {
        .fragment(distinctNetworks(model).enumerated().map { index, network in
            let (spec, names) = network
            let inputShape = spec.dataset.exampleShape
            let network = Network(specs: spec.model, inputShape: inputShape, generator: RandomGenerator(seed: 0))
            let caption = (model.caption.map { $0 + " " } ?? "") + "Network of " + names.joined(separator: ", ") + "."
            let rows = [row("input", ["\(inputShape)", "0"])]
                + network.layers.map { row($0.description, ["\($0.outputShape)", Self.grouped($0.parameterCount)]) }
                + [row("total", ["", Self.grouped(network.parameterCount)], className: "total")]
            return numberedTable([.init(name: "class", value: "model")], number: firstNumber + index, label: index == 0 ? model.label : nil,
                                 caption: .text(caption), head: ["layer", "output shape", "parameters"], rows: rows)
        })
    }

    private func preview(_ directive: DatasetDirective) -> DatasetPreview? {
        previews[directive.dataset + "|" + (directive.path ?? "")]
    }

    private func datasetFigure(_ directive: DatasetDirective, _ numbers: Numbering.Numbers) -> HTML {
        guard let preview = preview(directive) else { return .empty }
        var pieces: [HTML] = []
        let classes = preview.classNames.joined(separator: ", ")
        let figureLabel = directive.label.flatMap { $0.name.hasPrefix("fig-") ? $0 : nil }
        let tableLabel = directive.label.flatMap { $0.name.hasPrefix("tbl-") ? $0 : nil }
        if let png = preview.pngBase64, let figureNumber = numbers.figure {
            let caption = directive.caption ?? "The first \(directive.samplesPerClass) training images of each class of \(preview.name), one class per row."
            let image = HTML.void("img", [
                .init(name: "src", value: "data:image/png;base64," + png), .init(name: "width", value: "\(preview.pixelWidth)"),
                .init(name: "height", value: "\(preview.pixelHeight)"),
                .init(name: "alt", value: "Sample images of \(preview.name), one row per class: \(classes)"),
            ])
            pieces.append(.tag("figure", ["id": figureLabel?.name ?? "figure-\(figureNumber)", "class": "samples"], "\n", image, "\n",
                               self.caption("figcaption", "Figure \(figureNumber).", .text("\(caption) Rows from top: \(classes).")), "\n") + "\n")
        }
        let rows = preview.classNames.enumerated().map { index, name in
            row("\(index): \(name)", [Self.grouped(preview.trainingCounts[index]),
                                      index < preview.testCounts.count ? Self.grouped(preview.testCounts[index]) : "–"])
        }
        pieces.append(numberedTable(number: numbers.firstTable ?? 0, label: tableLabel, caption: .text("Examples per class in \(preview.name)."),
                                    head: ["class", "training file", "test file"], rows: rows))
        return .fragment(pieces)
    }

    private mutating func claimList(_ expect: ExpectDirective) -> HTML {
        let evaluator = Evaluator(results: results)
        var items: [HTML] = ["\n"]
        for claim in expect.claims {
            let check = evaluator.check(claim), holds = check.holds
            claims.append((claim, check))
            let sides = "(\(check.description))"
            items.append(.tag("li", ["class": holds ? "pass" : "fail"],
                              .tag("span", ["class": "verdict"], .text(holds ? "✓ holds" : "✗ FAILS")), " ",
                              .tag("code", .text(claim.text)), " ", .tag("span", ["class": "sides"], .text(sides))) + "\n")
        }
        return .tag("ul", ["class": "claims"], children: items) + "\n"
    }

    // MARK: - Helpers

    /// 266,610
    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 && digit != "-" { result += "," }
            result.append(digit)
        }
        return result
    }

    private func slug(_ text: String) -> String {
        let words = text.lowercased().unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : " " }
        let slug = String(words).split(separator: " ").joined(separator: "-")
        return slug.isEmpty ? "section" : slug
    }
}

extension HTML {
    /// `a` followed by `b`.
    static func + (a: HTML, b: HTML) -> HTML { .fragment([a, b]) }
}
