import CMark
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The parts of a Markdown document Folio acts on, copied out of cmark's tree.
/// `ordinal` numbers nodes in document order, so the render pass can find them again.
enum MarkdownNode: Equatable {
    /// A code block; `info` is the fence's info string (empty for indented blocks).
    case codeBlock(ordinal: Int, info: String, literal: String, line: Int, column: Int)
    /// An inline code span; `math` when written as $`…`$.
    case codeSpan(ordinal: Int, literal: String, line: Int, column: Int, math: Bool)
    /// A heading and its plain text.
    case heading(ordinal: Int, level: Int, text: String, line: Int)
    /// Raw HTML written in the prose.
    case rawHTML(ordinal: Int, line: Int, column: Int)
    /// A run of prose text that contains `@` (a reference or citation, perhaps), on `line`.
    case text(ordinal: Int, literal: String, line: Int)
}

/// What the render pass puts in place of a node.
enum MarkdownReplacement {
    /// A block of generated HTML (for a code block).
    case block(String)
    /// Inline HTML (for a code span; for a math span the `$` around it are removed too).
    case inline(String)
    /// The heading rendered as usual, with this `id` for the table of contents.
    case headingID(String)
}

/// Every call into cmark lives in this file. Nothing else sees a C pointer: the tree is
/// copied into Swift values and freed before returning.
enum CMarkBridge {
    /// The nodes of interest in `markdown`, in document order.
    static func scan(_ markdown: String) -> [MarkdownNode] {
        guard let root = parse(markdown) else { return [] }
        defer { cmark_node_free(root) }
        var nodes: [MarkdownNode] = []
        forEachNode(root) { ordinal, node in
            let line = Int(cmark_node_get_start_line(node)), column = Int(cmark_node_get_start_column(node))
            switch cmark_node_get_type(node) {
            case CMARK_NODE_CODE_BLOCK:
                nodes.append(.codeBlock(
                    ordinal: ordinal, info: string(cmark_node_get_fence_info(node)), literal: string(cmark_node_get_literal(node)),
                    line: line, column: column))
            case CMARK_NODE_CODE:
                let (blockLine, blockColumn) = enclosingPosition(node)
                nodes.append(.codeSpan(
                    ordinal: ordinal, literal: string(cmark_node_get_literal(node)), line: line > 0 ? line : blockLine,
                    column: line > 0 ? column : blockColumn, math: isMathSpan(node)))
            case CMARK_NODE_HEADING:
                nodes.append(.heading(ordinal: ordinal, level: Int(cmark_node_get_heading_level(node)), text: plainText(node), line: line))
            case CMARK_NODE_TEXT:
                let literal = string(cmark_node_get_literal(node))
                if literal.contains("@") { nodes.append(.text(ordinal: ordinal, literal: literal, line: textLine(node))) }
            case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE:
                let (blockLine, blockColumn) = enclosingPosition(node)
                nodes.append(.rawHTML(ordinal: ordinal, line: line > 0 ? line : blockLine, column: line > 0 ? column : blockColumn))
            default: break
            }
        }
        return nodes
    }

    /// `markdown` as HTML, with the nodes named in `replacements` replaced, and the prose's
    /// raw HTML removed unless `keepRawHTML`.
    static func render(_ markdown: String, replacements: [Int: MarkdownReplacement], keepRawHTML: Bool) -> String {
        guard let root = parse(markdown) else { return "" }
        defer { cmark_node_free(root) }
        var byOrdinal: [Int: OpaquePointer] = [:]
        var rawHTML: [OpaquePointer] = [], links: [OpaquePointer] = []
        forEachNode(root) { ordinal, node in
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE { rawHTML.append(node) }
            if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE { links.append(node) }
            if replacements[ordinal] != nil { byOrdinal[ordinal] = node }
        }
        if !keepRawHTML {
            for node in rawHTML {
                cmark_node_unlink(node)
                cmark_node_free(node)
            }
            for node in links where !LinkPolicy.allows(string(cmark_node_get_url(node)), image: cmark_node_get_type(node) == CMARK_NODE_IMAGE) {
                unwrap(node)
            }
        }
        // Inline replacements first: a heading is rendered with its replaced spans inside.
        let ordered = byOrdinal.sorted { a, b in
            let aHeading = cmark_node_get_type(a.value) == CMARK_NODE_HEADING
            let bHeading = cmark_node_get_type(b.value) == CMARK_NODE_HEADING
            return aHeading == bHeading ? a.key < b.key : !aHeading
        }
        for (ordinal, node) in ordered {
            switch replacements[ordinal]! {
            case .block(let html):
                replace(node, with: CMARK_NODE_HTML_BLOCK, literal: html)
            case .inline(let html):
                replace(node, with: CMARK_NODE_HTML_INLINE, literal: html)
            case .headingID(let id):
                removeLabel(fromHeading: node)
                var html = renderHTML(node)
                if let close = html.firstIndex(of: ">") {
                    html.insert(contentsOf: HTML.Attribute(name: "id", value: id).rendered, at: close)
                }
                replace(node, with: CMARK_NODE_HTML_BLOCK, literal: html)
            }
        }
        return renderHTML(root)
    }

    // MARK: - cmark, privately

    /// The document's tree, with adjacent text nodes joined (cmark splits text at brackets,
    /// so that `[@key]` would be three nodes). Scanning and rendering parse the same way, so
    /// node ordinals agree.
    private static func parse(_ markdown: String) -> OpaquePointer? {
        // The byte count, not strlen: the parser refuses text with NUL bytes before this.
        guard let root = markdown.withCString({ cmark_parse_document($0, markdown.utf8.count, CMARK_OPT_DEFAULT) }) else {
            return nil
        }
        var texts: [OpaquePointer] = []
        forEachNode(root) { _, node in if cmark_node_get_type(node) == CMARK_NODE_TEXT { texts.append(node) } }
        for node in texts.reversed() {
            guard let next = cmark_node_next(node), cmark_node_get_type(next) == CMARK_NODE_TEXT else { continue }
            cmark_node_set_literal(node, string(cmark_node_get_literal(node)) + string(cmark_node_get_literal(next)))
            cmark_node_unlink(next)
            cmark_node_free(next)
        }
        markMathSpans(root)
        return root
    }

    /// The line of a text node: its block's first line plus the line breaks before it.
    private static func textLine(_ node: OpaquePointer) -> Int {
        var block: OpaquePointer? = node
        while let candidate = block, cmark_node_get_start_line(candidate) == 0 || isInline(candidate) {
            block = cmark_node_parent(candidate)
        }
        guard let block else { return 1 }
        var line = Int(cmark_node_get_start_line(block)), found = false
        forEachNode(block) { _, child in
            // Nodes come in document order: count the breaks before `node`.
            if found || child == node {
                found = true
                return
            }
            let type = cmark_node_get_type(child)
            if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK { line += 1 }
        }
        return line
    }

    private static func isInline(_ node: OpaquePointer) -> Bool {
        let type = cmark_node_get_type(node).rawValue
        return type >= CMARK_NODE_FIRST_INLINE.rawValue && type <= CMARK_NODE_LAST_INLINE.rawValue
    }

    /// Removes a trailing `{#label}` from a heading's text.
    private static func removeLabel(fromHeading node: OpaquePointer) {
        guard let last = cmark_node_last_child(node), cmark_node_get_type(last) == CMARK_NODE_TEXT else { return }
        let text = string(cmark_node_get_literal(last))
        guard let label = HeadingLabel.split(text) else { return }
        cmark_node_set_literal(last, label.text)
    }

    /// Calls `body` for every node on entry, in document order, numbering them from 0.
    private static func forEachNode(_ root: OpaquePointer, _ body: (Int, OpaquePointer) -> Void) {
        guard let iterator = cmark_iter_new(root) else { return }
        defer { cmark_iter_free(iterator) }
        var ordinal = 0
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            body(ordinal, node)
            ordinal += 1
        }
    }

    private static func renderHTML(_ node: OpaquePointer) -> String {
        guard let pointer = cmark_render_html(node, CMARK_OPT_UNSAFE) else { return "" }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    /// Marks a math span's code node (cmark's user data), once its `$`s are removed.
    private static var mathMark: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(bitPattern: 1) }

    /// Whether `node` is a $`x`$ math span (as found by `markMathSpans`).
    private static func isMathSpan(_ node: OpaquePointer) -> Bool {
        cmark_node_get_type(node) == CMARK_NODE_CODE && cmark_node_get_user_data(node) == mathMark
    }

    /// $`x`$: a code span between text ending in "$" and text starting with "$". The two `$`
    /// are removed from the text around it, so that the text holds only what the reader
    /// sees (and prose references in it are read without them), and the span is marked.
    private static func markMathSpans(_ root: OpaquePointer) {
        var spans: [OpaquePointer] = []
        forEachNode(root) { _, node in if cmark_node_get_type(node) == CMARK_NODE_CODE { spans.append(node) } }
        for node in spans {
            guard let previous = cmark_node_previous(node), let next = cmark_node_next(node),
                  cmark_node_get_type(previous) == CMARK_NODE_TEXT, cmark_node_get_type(next) == CMARK_NODE_TEXT
            else { continue }
            var before = string(cmark_node_get_literal(previous)), after = string(cmark_node_get_literal(next))
            guard before.hasSuffix("$"), after.hasPrefix("$") else { continue }
            before.removeLast()
            after.removeFirst()
            cmark_node_set_literal(previous, before)
            cmark_node_set_literal(next, after)
            cmark_node_set_user_data(node, mathMark)
        }
    }

    /// Inline nodes may carry no position: use the nearest enclosing block's.
    private static func enclosingPosition(_ node: OpaquePointer) -> (Int, Int) {
        var current: OpaquePointer? = node
        while let candidate = current {
            let line = Int(cmark_node_get_start_line(candidate))
            if line > 0 { return (line, Int(cmark_node_get_start_column(candidate))) }
            current = cmark_node_parent(candidate)
        }
        return (1, 1)
    }

    private static func plainText(_ node: OpaquePointer) -> String {
        var text = ""
        forEachNode(node) { _, child in
            let type = cmark_node_get_type(child)
            if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE { text += string(cmark_node_get_literal(child)) }
            if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK { text += " " }
        }
        return text
    }

    /// Replaces a link or image by its children (a link's text, an image's description).
    private static func unwrap(_ node: OpaquePointer) {
        while let child = cmark_node_first_child(node) {
            cmark_node_unlink(child)
            cmark_node_insert_before(node, child)
        }
        cmark_node_unlink(node)
        cmark_node_free(node)
    }

    private static func replace(_ node: OpaquePointer, with type: cmark_node_type, literal: String) {
        guard let replacement = cmark_node_new(type) else { return }
        cmark_node_set_literal(replacement, literal)
        cmark_node_replace(node, replacement)
        cmark_node_free(node)
    }
}
