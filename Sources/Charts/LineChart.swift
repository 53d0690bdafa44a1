/// One named series of (x, y) points, with an optional spread (±) at each point drawn as a
/// shaded band (the standard deviation over repeated seeds, for instance).
public struct Series: Sendable, Equatable {
    public var name: String
    public var xs: [Double]
    public var ys: [Double]
    public var spread: [Double]?

    public init(name: String, xs: [Double], ys: [Double], spread: [Double]? = nil) {
        precondition(xs.count == ys.count && (spread?.count ?? xs.count) == xs.count, "Series: lengths differ")
        self.name = name
        self.xs = xs
        self.ys = ys
        self.spread = spread
    }
}

/// What the axes say: titles with units, and linear or logarithmic scales.
public struct Axes: Sendable {
    public var xTitle: String
    public var yTitle: String
    public var logX: Bool
    public var logY: Bool

    public init(xTitle: String, yTitle: String, logX: Bool = false, logY: Bool = false) {
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.logX = logX
        self.logY = logY
    }
}

/// A line chart of several series with a legend above the plot, or a grid of small panels
/// sharing both axes (small multiples). `render()` is pure: the same chart gives the same bytes.
public struct LineChart: Sendable {
    public var title: String
    public var axes: Axes
    /// One panel of series each; a single panel is an ordinary chart.
    public var panels: [(title: String?, series: [Series])]
    public var width: Double = 640

    /// An ordinary chart.
    public init(title: String, axes: Axes, series: [Series]) {
        self.title = title
        self.axes = axes
        self.panels = [(nil, series)]
    }

    /// Small multiples: one panel per entry, shared axes and one legend.
    public init(title: String, axes: Axes, panels: [(title: String, series: [Series])]) {
        self.title = title
        self.axes = axes
        self.panels = panels.map { ($0.title, $0.series) }
    }

    public func render() -> String {
        let all = panels.flatMap(\.series)
        let xScale = Scale(covering: all.flatMap(\.xs), kind: axes.logX ? .logarithmic : .linear)
        let yValues = all.flatMap { series in
            series.ys.indices.flatMap { i -> [Double] in
                let spread = series.spread?[i] ?? 0
                return [series.ys[i] - spread, series.ys[i] + spread]
            }
        }
        let yScale = Scale(covering: yValues, kind: axes.logY ? .logarithmic : .linear)

        var writer = SVGWriter()
        var legendNames: [String] = []
        for series in all where !legendNames.contains(series.name) { legendNames.append(series.name) }
        let legendHeight = Legend.draw(names: legendNames, into: &writer, top: 8, width: width)

        // No panels at all is drawn as one empty panel (a grid of zero columns would divide by zero).
        let panels = self.panels.isEmpty ? [(title: String?.none, series: [Series]())] : self.panels
        let columns = panels.count == 1 ? 1 : min(3, panels.count)
        let rows = (panels.count + columns - 1) / columns
        let panelWidth = (width - 60) / Double(columns)
        let panelHeight: Double = panels.count == 1 ? 300 : 200
        let top = 8 + legendHeight + 8
        let height = top + Double(rows) * panelHeight + 44

        for (index, panel) in panels.enumerated() {
            let column = index % columns, row = index / columns
            let frame = Frame(
                left: 60 + Double(column) * panelWidth + 8, top: top + Double(row) * panelHeight + (panel.title == nil ? 4 : 20),
                right: 60 + Double(column + 1) * panelWidth - 12, bottom: top + Double(row + 1) * panelHeight - 22)
            if let title = panel.title {
                writer.text(title, x: (frame.left + frame.right) / 2, y: frame.top - 8, className: "title")
            }
            drawPanel(panel.series, legendNames: legendNames, frame: frame, xScale: xScale, yScale: yScale,
                      labelY: column == 0, into: &writer)
        }
        writer.text(axes.xTitle, x: 60 + (width - 60) / 2, y: height - 10)
        writer.text(axes.yTitle, x: 16, y: top + Double(rows) * panelHeight / 2, rotate: true)
        return writer.document(width: width, height: height, title: title)
    }

    private func drawPanel(
        _ series: [Series], legendNames: [String], frame: Frame, xScale: Scale, yScale: Scale, labelY: Bool,
        into writer: inout SVGWriter
    ) {
        for tick in yScale.ticks {
            let y = yScale.position(tick, from: frame.bottom, to: frame.top)
            writer.element("line", [("x1", coordinate(frame.left)), ("x2", coordinate(frame.right)), ("y1", coordinate(y)),
                                    ("y2", coordinate(y)), ("class", "grid")])
            if labelY { writer.text(yScale.label(tick), x: frame.left - 6, y: y + 4, anchor: "end", className: "tick") }
        }
        for tick in xScale.ticks {
            let x = xScale.position(tick, from: frame.left, to: frame.right)
            writer.element("line", [("x1", coordinate(x)), ("x2", coordinate(x)), ("y1", coordinate(frame.bottom)),
                                    ("y2", coordinate(frame.bottom + 4)), ("class", "axis")])
            writer.text(xScale.label(tick), x: x, y: frame.bottom + 16, className: "tick")
        }
        writer.element("path", [("d", "M\(coordinate(frame.left)) \(coordinate(frame.top))V\(coordinate(frame.bottom))H\(coordinate(frame.right))"),
                                ("fill", "none"), ("class", "axis")])
        for item in series {
            let style = SeriesStyle.at(legendNames.firstIndex(of: item.name) ?? 0)
            let points = item.xs.indices.filter { item.xs[$0].isFinite && item.ys[$0].isFinite }
            func point(_ i: Int, _ offset: Double = 0) -> String {
                coordinate(xScale.position(item.xs[i], from: frame.left, to: frame.right)) + " "
                    + coordinate(yScale.position(item.ys[i] + offset, from: frame.bottom, to: frame.top))
            }
            if let spread = item.spread, points.count > 1 {
                let upper = points.map { point($0, spread[$0]) }
                let lower = points.reversed().map { point($0, -spread[$0]) }
                writer.element("path", [("d", "M" + (upper + lower).joined(separator: "L") + "Z"), ("fill", style.color),
                                        ("fill-opacity", "0.18"), ("stroke", "none")])
            }
            if points.count > 1 {
                var attributes = [("d", "M" + points.map { point($0) }.joined(separator: "L")), ("fill", "none"),
                                  ("stroke", style.color), ("stroke-width", "2"), ("stroke-linejoin", "round")]
                if let dash = style.dash { attributes.append(("stroke-dasharray", dash)) }
                writer.element("path", attributes)
            }
            if points.count <= 25 {
                for i in points {
                    Legend.marker(style, x: xScale.position(item.xs[i], from: frame.left, to: frame.right),
                                  y: yScale.position(item.ys[i], from: frame.bottom, to: frame.top), into: &writer)
                }
            }
        }
    }
}

struct Frame {
    var left: Double, top: Double, right: Double, bottom: Double
}

/// The legend: one entry per series (line sample, marker, name), in rows above the plot.
enum Legend {
    /// Draws the entries from `top`, wrapping at `width`; returns the height used.
    static func draw(names: [String], into writer: inout SVGWriter, top: Double, width: Double) -> Double {
        guard names.count > 1 else { return 0 }
        var x = 60.0, y = top + 10
        for (index, name) in names.enumerated() {
            let entryWidth = 34 + 6.6 * Double(name.count) + 18
            if x + entryWidth > width && x > 60 {
                x = 60
                y += 18
            }
            let style = SeriesStyle.at(index)
            var attributes = [("x1", coordinate(x)), ("x2", coordinate(x + 26)), ("y1", coordinate(y)), ("y2", coordinate(y)),
                              ("stroke", style.color), ("stroke-width", "2")]
            if let dash = style.dash { attributes.append(("stroke-dasharray", dash)) }
            writer.element("line", attributes)
            marker(style, x: x + 13, y: y, into: &writer)
            writer.text(name, x: x + 32, y: y + 4, anchor: "start")
            x += entryWidth
        }
        return y - top + 10
    }

    static func marker(_ style: SeriesStyle, x: Double, y: Double, into writer: inout SVGWriter) {
        let fill = [("fill", style.color), ("stroke", "#fff"), ("stroke-width", "0.8")]
        switch style.marker {
        case .circle: writer.element("circle", [("cx", coordinate(x)), ("cy", coordinate(y)), ("r", "3")] + fill)
        case .square:
            writer.element("rect", [("x", coordinate(x - 2.8)), ("y", coordinate(y - 2.8)), ("width", "5.6"), ("height", "5.6")] + fill)
        case .triangle:
            writer.element("path", [("d", "M\(coordinate(x)) \(coordinate(y - 3.6))L\(coordinate(x + 3.4)) \(coordinate(y + 2.6))L\(coordinate(x - 3.4)) \(coordinate(y + 2.6))Z")] + fill)
        case .diamond:
            writer.element("path", [("d", "M\(coordinate(x)) \(coordinate(y - 3.8))L\(coordinate(x + 3.4)) \(coordinate(y))L\(coordinate(x)) \(coordinate(y + 3.8))L\(coordinate(x - 3.4)) \(coordinate(y))Z")] + fill)
        case .none: break
        }
    }
}
