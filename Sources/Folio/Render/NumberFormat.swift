import Foundation

/// Number formats of inline values and tables.
enum NumberFormat {
    static func format(_ value: Double, _ format: InlineValue.Format) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : (value > 0 ? "∞" : "−∞") }
        switch format {
        case .percent: return String(format: "%.1f %%", value * 100)
        case .fixed(let digits): return minus(String(format: "%.\(digits)f", value))
        case .number: return significant(value, 3)
        case .seconds:
            if abs(value) >= 90 && abs(value) < 1e12 {
                // Round the whole first, so that 119.6 s is "2 min 0 s", not "1 min 60 s".
                let total = Int(abs(value).rounded())
                return (value < 0 ? "−" : "") + "\(total / 60) min \(total % 60) s"
            }
            return significant(value, 3) + " s"
        }
    }

    /// `value` with `digits` significant digits, without exponent for everyday magnitudes;
    /// `n/a` for NaN and `∞` for infinities.
    static func significant(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : (value > 0 ? "∞" : "−∞") }
        if value == 0 { return "0" }
        let magnitude = Int(floor(log10(abs(value))))
        if magnitude < -4 || magnitude >= 9 { return minus(String(format: "%.\(digits - 1)e", value)) }
        let decimals = max(0, digits - 1 - magnitude)
        return minus(String(format: "%.\(decimals)f", value))
    }

    /// A typographic minus sign.
    static func minus(_ text: String) -> String { text.hasPrefix("-") ? "−" + text.dropFirst() : text }

    /// A metric's value in a table: accuracies as percentages, losses with four decimals,
    /// seconds with three significant digits.
    static func metric(_ value: Double, _ metric: Metric) -> String {
        switch metric {
        case .accuracy, .val_accuracy, .test_accuracy: return value.isFinite ? String(format: "%.2f %%", value * 100) : "n/a"
        case .seconds: return format(value, .seconds)
        default: return value.isFinite ? minus(String(format: "%.4f", value)) : "n/a"
        }
    }
}
