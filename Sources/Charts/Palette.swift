/// Series styles that stay distinguishable for colour-blind readers and in grey print:
/// the Okabe–Ito colours, each paired with its own dash pattern and marker.
public struct SeriesStyle: Sendable, Equatable {
    public var color: String
    public var dash: String?
    public var marker: Marker

    /// Point markers, drawn at data points of short series.
    public enum Marker: Sendable, Equatable { case circle, square, triangle, diamond, none }

    /// The style of the `index`th series.
    public static func at(_ index: Int) -> SeriesStyle {
        let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
        let dashes: [String?] = [nil, "6 3", "2 2", "8 3 2 3", nil, "4 4", "1 3", "10 4"]
        let markers: [Marker] = [.circle, .square, .triangle, .diamond, .circle, .square, .triangle, .diamond]
        let i = index % colors.count
        return SeriesStyle(color: colors[i], dash: dashes[i], marker: markers[i])
    }
}
