/// A name that a figure, table, equation or section is referred to by (`@fig-lr-sweep`).
/// Its prefix says what it names: `fig-`, `tbl-`, `eq-` or `sec-`.
struct Label: Sendable {
    var name: String
    var location: SourceLocation

    /// The kinds of thing a label names, by prefix, and the word a reference shows.
    static let kinds: [(prefix: String, word: String)] = [("fig-", "Figure"), ("tbl-", "Table"), ("eq-", "Equation"), ("sec-", "Section")]

    /// "Figure" for `fig-…`, or nil when the prefix is none of the four.
    static func word(for name: String) -> String? { kinds.first { name.hasPrefix($0.prefix) }?.word }
}

/// `[@key]`, `[@a; @b, p. 3]` or narrative `@key`: works cited in the prose.
struct Citation: Sendable {
    struct Item: Sendable {
        var key: String
        /// "p. 3" in `[@key, p. 3]`.
        var locator: String?
        var location: SourceLocation
    }

    var items: [Item]
    /// `@key` in running text ("Ioffe and Szegedy (2015)") rather than in brackets.
    var narrative: Bool
}

/// A piece of prose text: plain, a reference to a label, or a citation.
enum ProsePiece: Sendable {
    case text(String)
    case reference(Label)
    case citation(Citation)
}

/// A run selector as written: an experiment ID, a run name or a pattern with `*`.
struct Selector: Sendable {
    var text: String
    var location: SourceLocation
}

/// An `{experiment} ID` block, read and typed but not yet expanded into runs.
struct ExperimentDirective: Sendable {
    /// One entry of `variants:`.
    struct Variant: Sendable {
        var name: String
        var location: SourceLocation
        var settings: [Setting]
    }

    /// One key of `sweep:`, each value typed, with its text for run names.
    struct Sweep: Sendable {
        var key: String
        var location: SourceLocation
        var values: [(text: String, setting: Setting)]
    }

    var id: String
    var location: SourceLocation
    /// Keys other than `variants`, `sweep` and `may_diverge`, in order.
    var settings: [Setting]
    var variants: [Variant]
    var sweep: [Sweep]
    /// Whether a run may diverge without failing the build (`may_diverge: true`).
    var mayDiverge: Bool
    /// Whether reading it (or the defaults it builds on) reported an error. Such an
    /// experiment is not expanded into runs, and references to it are not checked, so one
    /// mistake gives one message.
    var hasErrors: Bool
}

/// How a plot lays out its data.
struct PlotDirective: Sendable {
    enum XAxis: Sendable, Equatable { case epoch, step, key(String) }
    enum Panels: String, Sendable { case run, metric }
    /// Recorded traces plotted against training steps instead of per-epoch metrics.
    enum Trace: String, Sendable { case activations, gradients }

    var location: SourceLocation
    var runs: [Selector]
    var metrics: [Metric]
    var trace: Trace?
    var x: XAxis
    var bar: Bool
    var title: String?
    var caption: String?
    var label: Label?
    var logX: Bool
    var logY: Bool
    var panels: Panels?
}

/// A table of metrics per run.
struct TableDirective: Sendable {
    /// `metric`, `best(metric)`, `std(metric)` or `metric[N]`.
    struct Column: Sendable {
        enum Kind: Sendable, Equatable { case final, best, spread, epoch(Int) }
        var metric: Metric
        var kind: Kind
        var header: String
    }

    var location: SourceLocation
    var runs: [Selector]
    var columns: [Column]
    var caption: String?
    var label: Label?
}

/// `{model} ID`: the networks of an experiment (or one run).
struct ModelDirective: Sendable {
    var location: SourceLocation
    var selector: Selector
    var caption: String?
    var label: Label?
}

/// `{dataset}`: sample images and class counts.
struct DatasetDirective: Sendable {
    var location: SourceLocation
    var dataset: DataSourceName
    var path: String?
    var samplesPerClass: Int
    var caption: String?
    var label: Label?
}

typealias DataSourceName = String

/// `{expect}`: claims that `folio check` keeps true.
struct ExpectDirective: Sendable {
    var location: SourceLocation
    var claims: [Claim]
}

/// `{= expression | format}` in a code span.
struct InlineValue: Sendable {
    enum Format: Sendable, Equatable { case percent, fixed(Int), number, seconds }
    var location: SourceLocation
    var expression: Expression
    var format: Format
}

/// Something in the notebook that Folio renders, with the cmark node it replaces.
enum Block: Sendable {
    case experiment(ExperimentDirective)
    case plot(PlotDirective)
    case table(TableDirective)
    case model(ModelDirective)
    case dataset(DatasetDirective)
    case expect(ExpectDirective)
    /// A ```math block, converted to MathML, numbered when it has a label.
    case displayMath(HTML, label: Label?)
    /// A $`…`$ span, converted to MathML.
    case inlineMath(HTML)
    case inlineValue(InlineValue)
    case heading(level: Int, text: String, label: Label?)
    /// Prose text holding references or citations.
    case prose([ProsePiece])
}
