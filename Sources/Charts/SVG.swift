/// Escapes text for SVG and HTML content and attribute values. The only escaping
/// function of the module: every string from outside goes through it.
func escapeMarkup(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
        switch character {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&#39;"
        default: result.unicodeScalars.append(character)
        }
    }
    return result
}

/// Fixed formatting of coordinates: at most two decimals, no exponent, no "-0", so that
/// the same chart always produces the same bytes.
func coordinate(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    var text = String(Int((abs(rounded) * 100).rounded()))
    while text.count < 3 { text = "0" + text }
    let whole = text.dropLast(2), fraction = text.suffix(2)
    let trimmed = fraction.hasSuffix("0") ? String(fraction.dropLast()) : String(fraction)
    return (rounded < 0 ? "-" : "") + whole + "." + trimmed
}

/// A small SVG writer: elements appended as text, attributes escaped.
struct SVGWriter {
    private(set) var body = ""

    mutating func raw(_ text: String) { body += text }

    mutating func element(_ name: String, _ attributes: [(String, String)], content: String? = nil) {
        body += "<\(name)"
        for (key, value) in attributes { body += " \(key)=\"\(escapeMarkup(value))\"" }
        if let content {
            body += ">\(escapeMarkup(content))</\(name)>"
        } else {
            body += "/>"
        }
    }

    mutating func text(_ content: String, x: Double, y: Double, anchor: String = "middle", className: String = "label",
                       rotate: Bool = false) {
        var attributes = [("x", coordinate(x)), ("y", coordinate(y)), ("text-anchor", anchor), ("class", className)]
        if rotate { attributes.append(("transform", "rotate(-90 \(coordinate(x)) \(coordinate(y)))")) }
        element("text", attributes, content: content)
    }

    /// `<svg>` around the body, with a title for screen readers.
    func document(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(coordinate(width)) \(coordinate(height))\" "
            + "width=\"\(coordinate(width))\" height=\"\(coordinate(height))\" role=\"img\" class=\"chart\">"
            + "<title>\(escapeMarkup(title))</title>" + Self.style + body + "</svg>"
    }

    /// Embedded so that a figure saved as its own .svg file looks the same as in the page.
    /// Scoped to `.chart`: a style element inside inline SVG applies to the whole page.
    static let style = "<style>"
        + ".chart .label{font:12px system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;fill:#222}"
        + ".chart .tick{font:11px system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;fill:#444}"
        + ".chart .title{font:600 13px system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;fill:#111}"
        + ".chart .grid{stroke:#e3e3e3;stroke-width:1}.chart .axis{stroke:#555;stroke-width:1}"
        + "</style>"
}
