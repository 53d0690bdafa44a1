import Foundation

/// Maps data values to positions along one axis, linearly or logarithmically, and chooses
/// readable tick values.
public struct Scale: Sendable {
    public enum Kind: Sendable { case linear, logarithmic }

    public let kind: Kind
    /// Data range shown (after rounding outwards to ticks).
    public let domain: ClosedRange<Double>
    /// Tick values, within the domain.
    public let ticks: [Double]

    /// A scale covering `values` with about `tickCount` ticks. Log scales need positive values.
    public init(covering values: [Double], kind: Kind = .linear, tickCount: Int = 5, includeZero: Bool = false) {
        self.kind = kind
        var finite = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
        if includeZero { finite.append(0) }
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if kind == .logarithmic {
            if finite.isEmpty { (low, high) = (1, 10) }
            let lowExponent = floor(log10(low)), highExponent = max(ceil(log10(high)), lowExponent + 1)
            ticks = Self.logTicks(lowExponent: Int(lowExponent), highExponent: Int(highExponent), values: finite)
            // Ticks at the data's own values: pad the data range a little instead of
            // stretching it to whole decades.
            domain = ticks.first == low && ticks.last == high && low < high
                ? low / 1.25...high * 1.25 : pow(10, lowExponent)...pow(10, highExponent)
            return
        }
        if low == high {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        var step = Self.niceStep((high - low) / Double(max(tickCount - 1, 1)))
        // Whole-number data (epochs, steps) gets whole-number ticks.
        if !finite.isEmpty && finite.allSatisfy({ $0 == $0.rounded() }) { step = max(step, 1) }
        let first = floor(low / step) * step, last = ceil(high / step) * step
        domain = first...last
        var ticks: [Double] = []
        var tick = first
        while tick <= last + step * 1e-9 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        self.ticks = ticks
    }

    /// Heckbert's nice numbers: 1, 2 or 5 times a power of ten, at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(rough)))
        // A little slack, so that 0.08 / 4 = 0.020000000000000018 still counts as 2.
        let fraction = rough / magnitude * (1 - 1e-9)
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// Powers of ten; when the range spans few decades, the values 2 and 5 between them too,
    /// or the data's own values when there are few (a swept learning rate, a batch size).
    static func logTicks(lowExponent: Int, highExponent: Int, values: [Double]) -> [Double] {
        let distinct = Array(Set(values)).sorted()
        if distinct.count >= 2 && distinct.count <= 9 { return distinct }
        var ticks: [Double] = []
        for exponent in lowExponent...highExponent {
            let base = pow(10, Double(exponent))
            ticks.append(base)
            if highExponent - lowExponent <= 2 && exponent < highExponent { ticks += [2 * base, 5 * base] }
        }
        return ticks
    }

    /// The position of `value` between `start` and `end` (pixels).
    public func position(_ value: Double, from start: Double, to end: Double) -> Double {
        let fraction: Double
        switch kind {
        case .linear: fraction = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        case .logarithmic:
            let low = log10(domain.lowerBound), high = log10(domain.upperBound)
            fraction = (log10(max(value, domain.lowerBound)) - low) / (high - low)
        }
        return start + fraction * (end - start)
    }

    /// A tick label: as few digits as the tick spacing needs, no trailing zeros.
    public func label(_ value: Double) -> String {
        if kind == .logarithmic || ticks.count < 2 { return Self.compact(value) }
        let step = abs(ticks[1] - ticks[0])
        let decimals = max(0, -Int(floor(log10(step) + 1e-9)))
        return Self.fixed(value, decimals: min(decimals, 6))
    }

    static func fixed(_ value: Double, decimals: Int) -> String {
        let text = String(format: "%.\(decimals)f", value)
        return text == "-0" || text.hasPrefix("-0.") && Double(text) == 0 ? String(text.dropFirst()) : text
    }

    /// 0.001, 0.01, 20, 1000, 1e-05, 1e+06: short labels for any magnitude.
    static func compact(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e-4 && magnitude < 1e6 {
            var text = String(format: "%.6f", value)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text
        }
        return String(format: "%.0e", value)
    }
}
