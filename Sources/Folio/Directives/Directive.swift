/// An `{experiment} ID` block, read but not yet expanded into runs.
struct ExperimentDirective: Sendable {
    var id: String
    var location: SourceLocation
    /// Keys other than `variants` and `sweep`, in order.
    var settings: [YAMLValue.Entry]
    /// Variant name → its overrides, in order.
    var variants: [(name: String, location: SourceLocation, settings: [YAMLValue.Entry])]
    /// Swept key → values, in order.
    var sweep: [(key: String, location: SourceLocation, values: [YAMLValue])]
    /// Whether a run may diverge without failing the build (`may_diverge: true`).
    var mayDiverge: Bool
}

/// How a plot lays out its data.
struct PlotDirective: Sendable {
    enum XAxis: Sendable, Equatable { case epoch, step, key(String) }
    enum Panels: String, Sendable { case run, metric }
    /// Recorded traces plotted against training steps instead of per-epoch metrics.
    enum Trace: String, Sendable { case activations, gradients }

    var location: SourceLocation
    var runs: [(String, SourceLocation)]
    var metrics: [Metric]
    var trace: Trace?
    var x: XAxis
    var bar: Bool
    var title: String?
    var caption: String?
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
    var runs: [(String, SourceLocation)]
    var columns: [Column]
    var caption: String?
}

/// `{model} ID`: the networks of an experiment (or one run).
struct ModelDirective: Sendable {
    var location: SourceLocation
    var selector: String
    var caption: String?
}

/// `{dataset}`: sample images and class counts.
struct DatasetDirective: Sendable {
    var location: SourceLocation
    var dataset: DataSourceName
    var path: String?
    var samplesPerClass: Int
    var caption: String?
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
    case displayMath(String, SourceLocation)
    case inlineMath(String, SourceLocation)
    case inlineValue(InlineValue)
    case heading(level: Int, text: String)
}
