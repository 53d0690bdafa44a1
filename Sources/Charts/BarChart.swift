/// Grouped bars: one group per category along x, one bar per series within each group,
/// with an optional error bar (± spread) on each.
public struct BarChart: Sendable {
    public var title: String
    public var xTitle: String
    public var yTitle: String
    public var categories: [String]
    /// One series per bar colour; `values[i]` belongs to `categories[i]`.
    public var series: [(name: String, values: [Double], spread: [Double]?)]
    public var logY = false
    public var width: Double = 640

    public init(title: String, xTitle: String, yTitle: String, categories: [String],
                series: [(name: String, values: [Double], spread: [Double]?)], logY: Bool = false) {
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.categories = categories
        self.series = series
        self.logY = logY
    }

    public func render() -> String {
        var writer = SVGWriter()
        let legendHeight = Legend.draw(names: series.map(\.name), into: &writer, top: 8, width: width)
        let frame = Frame(left: 68, top: 16 + legendHeight + 8, right: width - 16, bottom: 16 + legendHeight + 8 + 280)
        let values = series.flatMap { item in item.values.indices.map { item.values[$0] + (item.spread?[$0] ?? 0) } }
        let scale = Scale(covering: values, kind: logY ? .logarithmic : .linear, includeZero: !logY)
        for tick in scale.ticks {
            let y = scale.position(tick, from: frame.bottom, to: frame.top)
            writer.element("line", [("x1", coordinate(frame.left)), ("x2", coordinate(frame.right)), ("y1", coordinate(y)),
                                    ("y2", coordinate(y)), ("class", "grid")])
            writer.text(scale.label(tick), x: frame.left - 6, y: y + 4, anchor: "end", className: "tick")
        }
        let groupWidth = (frame.right - frame.left) / Double(max(categories.count, 1))
        let barWidth = groupWidth * 0.8 / Double(max(series.count, 1))
        let base = scale.position(logY ? scale.domain.lowerBound : 0, from: frame.bottom, to: frame.top)
        for (c, category) in categories.enumerated() {
            let groupLeft = frame.left + Double(c) * groupWidth + groupWidth * 0.1
            writer.text(category, x: frame.left + (Double(c) + 0.5) * groupWidth, y: frame.bottom + 16, className: "tick")
            for (s, item) in series.enumerated() where c < item.values.count && item.values[c].isFinite {
                let style = SeriesStyle.at(s)
                let x = groupLeft + Double(s) * barWidth
                let top = scale.position(item.values[c], from: frame.bottom, to: frame.top)
                writer.element("rect", [("x", coordinate(x)), ("y", coordinate(min(top, base))), ("width", coordinate(barWidth * 0.92)),
                                        ("height", coordinate(abs(base - top))), ("fill", style.color)])
                if let spread = item.spread?[c], spread > 0 {
                    let middle = x + barWidth * 0.46
                    let high = scale.position(item.values[c] + spread, from: frame.bottom, to: frame.top)
                    let low = scale.position(item.values[c] - spread, from: frame.bottom, to: frame.top)
                    writer.element("path", [("d", "M\(coordinate(middle)) \(coordinate(low))V\(coordinate(high))M\(coordinate(middle - 4)) \(coordinate(low))h8M\(coordinate(middle - 4)) \(coordinate(high))h8"),
                                            ("stroke", "#222"), ("stroke-width", "1.2"), ("fill", "none")])
                }
            }
        }
        writer.element("path", [("d", "M\(coordinate(frame.left)) \(coordinate(frame.top))V\(coordinate(frame.bottom))H\(coordinate(frame.right))"),
                                ("fill", "none"), ("class", "axis")])
        let height = frame.bottom + 44
        writer.text(xTitle, x: (frame.left + frame.right) / 2, y: height - 10)
        writer.text(yTitle, x: 16, y: (frame.top + frame.bottom) / 2, rotate: true)
        return writer.document(width: width, height: height, title: title)
    }
}
