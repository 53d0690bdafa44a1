/// A piece of an HTML page, built as a tree so that escaping happens in exactly one place.
///
/// Text (`.text`) and attribute values are escaped when the tree is written; markup that is
/// already HTML, and trusted, enters only through `.raw`: cmark's rendering of the prose,
/// SVG from the Charts module, and the fixed style sheet. Nothing else writes markup.
indirect enum HTML: Sendable {
    /// Characters, escaped when written.
    case text(String)
    /// Markup written as it is. Only for HTML produced by a trusted writer.
    case raw(String)
    /// `<name attributes>children</name>`.
    case element(String, [Attribute], [HTML])
    /// `<name attributes>` with no end tag: HTML's void elements (`meta`, `img`).
    case void(String, [Attribute])
    /// Pieces written one after another.
    case fragment([HTML])

    /// `name="value"`, with the value escaped.
    struct Attribute: Sendable {
        var name: String
        var value: String

        var rendered: String { " \(name)=\"\(HTML.escape(value))\"" }
    }

    /// Nothing.
    static let empty = HTML.fragment([])

    /// `<name>children</name>`.
    static func tag(_ name: String, _ children: HTML...) -> HTML {
        .element(name, [], children)
    }

    /// `<name attributes>children</name>`, attributes in the order given.
    static func tag(_ name: String, _ attributes: KeyValuePairs<String, String>, _ children: HTML...) -> HTML {
        .element(name, attributes.map { Attribute(name: $0.key, value: $0.value) }, children)
    }

    /// `<name attributes>children</name>` with a list of children.
    static func tag(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], children: [HTML]) -> HTML {
        .element(name, attributes.map { Attribute(name: $0.key, value: $0.value) }, children)
    }

    /// A whole page: the doctype, a head with the charset, the viewport, `meta` (name and
    /// content of each further `<meta>`), the title and the style sheet, and `main` as the
    /// children of `<body><main>`.
    static func page(title: String, style: String, meta: KeyValuePairs<String, String> = [:], main: [HTML]) -> HTML {
        let metas: [HTML] = meta.map { .fragment([.void("meta", [Attribute(name: "name", value: $0.key), Attribute(name: "content", value: $0.value)]), "\n"]) }
        let head = HTML.tag("head", children: [
            "\n", .void("meta", [Attribute(name: "charset", value: "utf-8")]), "\n",
            .void("meta", [Attribute(name: "name", value: "viewport"), Attribute(name: "content", value: "width=device-width, initial-scale=1")]), "\n",
        ] + metas + [.tag("title", .text(title)), "\n", .tag("style", .raw(style)), "\n"])
        return .fragment([
            .raw("<!DOCTYPE html>\n"),
            .tag("html", ["lang": "en"], "\n", head, "\n", .tag("body", "\n", .tag("main", children: ["\n"] + main), "\n"), "\n"),
            "\n",
        ])
    }

    /// The markup.
    var rendered: String {
        var output = ""
        write(to: &output)
        return output
    }

    /// Appends the markup to `output`.
    func write(to output: inout String) {
        switch self {
        case .text(let text): output += Self.escape(text)
        case .raw(let markup): output += markup
        case .element(let name, let attributes, let children):
            output += "<" + name
            for attribute in attributes { output += attribute.rendered }
            output += ">"
            for child in children { child.write(to: &output) }
            output += "</" + name + ">"
        case .void(let name, let attributes):
            output += "<" + name
            for attribute in attributes { output += attribute.rendered }
            output += ">"
        case .fragment(let pieces):
            for piece in pieces { piece.write(to: &output) }
        }
    }

    /// The one escaping function of the report: `&`, `<`, `>`, `"` and `'` become character
    /// references, so the result is safe in element content and in quoted attribute values.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

extension HTML: ExpressibleByStringInterpolation {
    /// A string literal is text: `"Table 3."` is escaped like any other text.
    init(stringLiteral value: String) { self = .text(value) }
}
