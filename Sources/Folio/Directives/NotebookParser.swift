import Foundation

/// A notebook read and checked: its prose (for cmark), front matter and typed blocks.
/// Nothing has run yet.
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
    /// The works of the bibliography, by key (empty without one).
    var bibliography: [String: Reference] = [:]
    /// Files besides the notebook that the build reads (the bibliography): `watch` follows them.
    var inputs: [URL] = []

    var experiments: [ExperimentDirective] {
        blocks.compactMap { if case .experiment(let experiment) = $0.block { return experiment } else { return nil } }
    }
}

/// Reads notebooks: front matter, directives, inline values and math. Every setting is
/// typed here, once, and every mistake is reported at its line and column; reading goes on
/// after a mistake, so one build reports all of them.
struct NotebookParser {
    /// The directives and the function that reads each one's block.
    static let directives: [(name: String, read: @Sendable (inout NotebookParser, DirectiveSource) -> Block?)] = [
        ("experiment", { $0.readExperiment($1) }),
        ("plot", { $0.readPlot($1) }),
        ("table", { $0.readTable($1) }),
        ("model", { $0.readModel($1) }),
        ("dataset", { $0.readDataset($1) }),
        ("expect", { $0.readExpect($1) }),
    ]
    static var directiveNames: [String] { directives.map(\.name) }

    /// A directive's fenced block as written.
    struct DirectiveSource {
        var name: String
        /// The rest of the info string after `{name}`, trimmed.
        var argument: String
        /// The block's body, as text.
        var literal: String
        /// The opening fence.
        var location: SourceLocation
        /// Where the body starts.
        var bodyLocation: SourceLocation
    }

    let file: String
    /// The notebook's lines, for placing references within a line.
    let sourceLines: [Substring]
    var frontMatter = FrontMatter()
    var diagnostics = Diagnostics()
    /// Experiment IDs read so far, with where each was defined.
    var experimentIDs: [String: SourceLocation] = [:]
    /// Labels defined so far, with where.
    var labels: [String: SourceLocation] = [:]
    /// References and citations, checked when the whole notebook is read.
    var references: [Label] = []
    var citations: [Citation.Item] = []

    private init(file: String, text: String) {
        self.file = file
        sourceLines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// Parses the notebook at `url` (shown as `file` in messages), applying `--set`
    /// overrides to its params.
    static func parse(contentsOf url: URL, file: String, overrides: [String: String]) -> (notebook: Notebook?, diagnostics: Diagnostics) {
        parse(contentsOf: url, file: file, overrides: overrides, bibliographyReader: BibliographyFile.read)
    }

    /// The same, with the bibliography read by `bibliographyReader` (tests and fuzzing
    /// give their own).
    static func parse(
        contentsOf url: URL, file: String, overrides: [String: String], bibliographyReader: BibliographyFile.Reader
    ) -> (notebook: Notebook?, diagnostics: Diagnostics) {
        var diagnostics = Diagnostics()
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            diagnostics.error(SourceLocation(file: file, line: 1, column: 1), "cannot read the notebook (\(error.localizedDescription))")
            return (nil, diagnostics)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            diagnostics.error(TextPosition.firstInvalidUTF8(data, file: file), "the notebook is not valid UTF-8 text")
            return (nil, diagnostics)
        }
        let name = url.deletingPathExtension().lastPathComponent
        return parse(text, file: file, name: name, overrides: overrides, bibliographyReader: { path, location in
            // A relative path is relative to the notebook's folder.
            let bibliography = path.hasPrefix("/") ? URL(fileURLWithPath: path)
                : url.deletingLastPathComponent().appendingPathComponent(path).standardizedFileURL
            return bibliographyReader(bibliography, path.hasPrefix("/") ? "" : (file as NSString).deletingLastPathComponent, path, location)
        })
    }

    /// Reads the bibliography a notebook names (path as written, where it is named).
    typealias NotebookBibliography = (_ path: String, _ location: SourceLocation) -> BibliographyFile.Contents

    /// Parses notebook text: a notebook with what could be read (nil only when the text
    /// cannot be read at all), and every mistake.
    static func parse(
        _ text: String, file: String, name: String, overrides: [String: String],
        bibliographyReader: NotebookBibliography = { _, location in .missing(location) }
    ) -> (notebook: Notebook?, diagnostics: Diagnostics) {
        var parser = NotebookParser(file: file, text: text)
        if let nul = text.utf8.firstIndex(of: 0) {
            // cmark reads C strings: everything after a NUL byte would silently vanish.
            parser.diagnostics.error(TextPosition.location(of: nul, in: text, file: file),
                                     "the notebook contains a NUL byte (U+0000); remove it")
            return (nil, parser.diagnostics)
        }
        let text = text.replacingOccurrences(of: "\r\n", with: "\n")
        let (yaml, document) = FrontMatter.split(text)
        parser.readFrontMatter(yaml, overrides: overrides)
        var notebook = Notebook(file: file, name: name, document: document, frontMatter: parser.frontMatter, blocks: [])
        if let (path, location) = parser.frontMatter.bibliography {
            let contents = bibliographyReader(path, location)
            notebook.bibliography = contents.references
            notebook.inputs = contents.url.map { [$0] } ?? []
            parser.diagnostics.append(contentsOf: contents.diagnostics)
        }
        for node in CMarkBridge.scan(document) {
            if let (ordinal, block) = parser.read(node) { notebook.blocks.append((ordinal, block)) }
        }
        parser.checkReferences(bibliography: notebook.bibliography)
        return (notebook, parser.diagnostics)
    }

    private mutating func readFrontMatter(_ yaml: String?, overrides: [String: String]) {
        var value: YAMLValue?
        if let yaml {
            switch YAMLValue.parse(yaml, file: file, firstLine: 2) {
            case .success(let parsed): value = parsed
            case .failure(let diagnostic): diagnostics.append(diagnostic)
            }
        }
        frontMatter = FrontMatter.read(value, file: file, overrides: overrides, &diagnostics)
    }

    /// The block a Markdown node becomes, if any.
    private mutating func read(_ node: MarkdownNode) -> (Int, Block)? {
        switch node {
        case .codeBlock(let ordinal, let info, let literal, let line, let column):
            return readCodeBlock(info: info, literal: literal, SourceLocation(file: file, line: line, column: column)).map { (ordinal, $0) }
        case .codeSpan(let ordinal, let literal, let line, let column, let math):
            return readCodeSpan(literal, math: math, SourceLocation(file: file, line: line, column: column)).map { (ordinal, $0) }
        case .heading(let ordinal, let level, let text, let line):
            guard let (plain, name) = HeadingLabel.split(text) else { return (ordinal, .heading(level: level, text: text, label: nil)) }
            let column = sourceLines.indices.contains(line - 1) ? (sourceLines[line - 1].range(of: "{#").map {
                sourceLines[line - 1].distance(from: sourceLines[line - 1].startIndex, to: $0.lowerBound) + 3 } ?? 1) : 1
            let label = define(name, at: SourceLocation(file: file, line: line, column: column), kind: "a heading", prefix: "sec-")
            return (ordinal, .heading(level: level, text: plain, label: label))
        case .text(let ordinal, let literal, let line):
            return readProse(literal, line: line).map { (ordinal, $0) }
        case .rawHTML:
            return nil
        }
    }

    /// A ```math block, a ```{directive} block, or nothing (ordinary code stays code).
    private mutating func readCodeBlock(info: String, literal: String, _ location: SourceLocation) -> Block? {
        let bodyLocation = SourceLocation(file: file, line: location.line + 1, column: location.column)
        let words = info.split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        if words.first == "math" {
            var label: Label?
            if words.count == 2 {
                guard words[1].hasPrefix("{#"), words[1].hasSuffix("}"), words[1].count > 3 else {
                    diagnostics.error(location, "a math block takes only a label after 'math', written {#eq-name}, not '\(words[1])'")
                    return nil
                }
                label = define(String(words[1].dropFirst(2).dropLast()), at: location, kind: "a math block", prefix: "eq-")
            }
            return readMath(literal, display: true, at: bodyLocation).map { block in
                guard case .displayMath(let markup, _) = block else { return block }
                return .displayMath(markup, label: label)
            }
        }
        guard info.hasPrefix("{") else { return nil }
        guard let close = info.firstIndex(of: "}") else {
            diagnostics.error(location, "directive '\(info)' has no closing '}'")
            return nil
        }
        let name = String(info[info.index(after: info.startIndex)..<close])
        let argument = info[info.index(after: close)...].trimmingCharacters(in: .whitespaces)
        guard let directive = Self.directives.first(where: { $0.name == name }) else {
            let names = Self.directiveNames
            diagnostics.error(location, "unknown directive '{\(name)}'\(suggestion(for: name, in: names)); known: \(names.map { "{\($0)}" }.joined(separator: ", "))")
            return nil
        }
        let source = DirectiveSource(name: name, argument: argument, literal: literal, location: location, bodyLocation: bodyLocation)
        return directive.read(&self, source)
    }

    /// An inline math span or an inline value `{= expression | format}`.
    private mutating func readCodeSpan(_ literal: String, math: Bool, _ location: SourceLocation) -> Block? {
        if math { return readMath(literal, display: false, at: location) }
        guard literal.hasPrefix("{="), literal.hasSuffix("}"), literal.count >= 3 else { return nil }
        return readInlineValue(String(literal.dropFirst(2).dropLast()), location).map(Block.inlineValue)
    }

    private mutating func readMath(_ tex: String, display: Bool, at location: SourceLocation) -> Block? {
        switch MathML.render(tex, display: display, at: location) {
        case .success(let markup): return display ? .displayMath(markup, label: nil) : .inlineMath(markup)
        case .failure(let error):
            diagnostics.append(error)
            return nil
        }
    }

    /// The YAML body of a directive, with `$name` params substituted; nil after reporting
    /// a YAML error.
    mutating func body(_ source: DirectiveSource) -> YAMLValue? {
        switch YAMLValue.parse(source.literal, file: file, firstLine: source.bodyLocation.line, column: source.bodyLocation.column) {
        case .success(let value): return frontMatter.substitute(value, &diagnostics)
        case .failure(let diagnostic):
            diagnostics.append(diagnostic)
            return nil
        }
    }
}
