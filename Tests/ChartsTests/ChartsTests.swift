import Foundation
import Testing

@testable import Charts

@Suite struct ScaleTests {
    @Test func niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        #expect(Scale.niceStep(0.13) == 0.2)
        #expect(Scale.niceStep(0.7) == 1)
        #expect(Scale.niceStep(3) == 5)
        #expect(Scale.niceStep(12) == 20)
    }

    @Test func linearTicksCoverTheData() {
        let scale = Scale(covering: [0.83, 0.91])
        #expect(scale.ticks.first! <= 0.83 && scale.ticks.last! >= 0.91)
        #expect(scale.ticks.map { scale.label($0) } == ["0.82", "0.84", "0.86", "0.88", "0.90", "0.92"])
        #expect(scale.position(scale.domain.lowerBound, from: 100, to: 0) == 100)
    }

    @Test func logTicksUseTheDataValuesWhenFew() {
        let scale = Scale(covering: [16, 32, 64, 128, 256], kind: .logarithmic)
        #expect(scale.ticks == [16, 32, 64, 128, 256])
        #expect(scale.domain == 12.8...320)      // the data range, padded by a factor of 1.25
        #expect(scale.label(0.001) == "0.001")
        let wide = Scale(covering: [0.001, 0.01, 0.1, 1, 2, 3, 5, 7, 9, 10], kind: .logarithmic)
        #expect(wide.ticks == [0.001, 0.01, 0.1, 1, 10])
    }

    @Test func constantDataStillGetsARange() {
        let scale = Scale(covering: [5, 5])
        #expect(scale.domain.lowerBound < 5 && scale.domain.upperBound > 5)
    }
}

@Suite struct SVGTests {
    @Test func coordinatesHaveAFixedFormat() {
        #expect(coordinate(1) == "1")
        #expect(coordinate(1.5) == "1.5")
        #expect(coordinate(-0.004) == "0")
        #expect(coordinate(-2.345) == "-2.35")
        #expect(coordinate(.nan) == "0")
    }

    @Test func textIsEscaped() {
        #expect(escapeMarkup("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
        let chart = LineChart(title: "<script>", axes: Axes(xTitle: "x & y", yTitle: "y"),
                              series: [Series(name: "</svg>", xs: [1, 2], ys: [1, 2])])
        let svg = chart.render()
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("<title>&lt;script&gt;</title>"))
        #expect(svg.contains("x &amp; y"))
    }

    /// No data is a chart with empty axes, not a crash (zero panels used to divide by zero).
    @Test func emptyChartsRender() {
        let axes = Axes(xTitle: "x", yTitle: "y")
        for chart in [LineChart(title: "t", axes: axes, panels: []), LineChart(title: "t", axes: axes, series: []),
                      LineChart(title: "t", axes: axes, panels: [(title: "a", series: [])])] {
            #expect(chart.render().hasPrefix("<svg"))
        }
        #expect(BarChart(title: "t", xTitle: "x", yTitle: "y", categories: [], series: [], logY: true).render().hasPrefix("<svg"))
    }

    @Test func renderingIsDeterministic() {
        let series = [Series(name: "a", xs: [1, 2, 3], ys: [0.5, 0.7, 0.8], spread: [0.01, 0.02, 0.01]),
                      Series(name: "b", xs: [1, 2, 3], ys: [0.4, 0.6, 0.9])]
        let chart = LineChart(title: "t", axes: Axes(xTitle: "epoch", yTitle: "accuracy"), series: series)
        #expect(chart.render() == chart.render())
    }

    @Test func lineChartDrawsLegendBandAndDashes() {
        let series = [Series(name: "with BN", xs: [1, 2], ys: [0.5, 0.7], spread: [0.1, 0.1]),
                      Series(name: "without BN", xs: [1, 2], ys: [0.4, 0.6])]
        let svg = LineChart(title: "t", axes: Axes(xTitle: "epoch", yTitle: "accuracy"), series: series).render()
        #expect(svg.contains(">with BN</text>") && svg.contains(">without BN</text>"))
        #expect(svg.contains("fill-opacity=\"0.18\""))          // the spread band
        #expect(svg.contains("stroke-dasharray=\"6 3\""))       // the second series is dashed
        #expect(svg.contains(">epoch</text>") && svg.contains(">accuracy</text>"))
    }

    @Test func smallMultiplesShareOneLegend() {
        let panel = [Series(name: "a", xs: [1, 2], ys: [1, 2]), Series(name: "b", xs: [1, 2], ys: [2, 1])]
        let svg = LineChart(title: "t", axes: Axes(xTitle: "x", yTitle: "y"),
                            panels: [(title: "left", series: panel), (title: "right", series: panel)]).render()
        #expect(svg.components(separatedBy: ">a</text>").count == 2)
        #expect(svg.contains(">left</text>") && svg.contains(">right</text>"))
    }

    @Test func barChartHasErrorBars() {
        let svg = BarChart(title: "t", xTitle: "run", yTitle: "accuracy", categories: ["x", "y"],
                           series: [(name: "val", values: [0.8, 0.9], spread: [0.01, 0.02])]).render()
        #expect(svg.components(separatedBy: "<rect").count == 3)
        #expect(svg.contains("stroke=\"#222\""))
    }

    @Test func paletteIsColourBlindSafeAndCycles() {
        #expect(SeriesStyle.at(0).color == "#0072B2")
        #expect(SeriesStyle.at(1).color == "#D55E00")
        #expect(SeriesStyle.at(8) == SeriesStyle.at(0))
    }

    @Test func imageGridIsAPNG() {
        let grid = GrayImageGrid(imageWidth: 2, imageHeight: 2, rows: [[[0, 1, 0.5, 0]]])
        let png = grid.png()
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(grid.pixelWidth == 6 && grid.pixelHeight == 6)
        #expect(Array(png.suffix(8).prefix(4)) == Array("IEND".utf8))
    }
}
