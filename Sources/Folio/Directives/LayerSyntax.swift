import NeuralNet

/// The layers of a `model:` list, as written: `dense 300`, `conv 32 3x3 stride 2`,
/// `maxpool 2`, `relu`. One small reader per layer; adding a layer touches this table.
enum LayerSyntax {
    typealias Reader = @Sendable (_ words: [String], _ text: String, _ location: SourceLocation, _ diagnostics: inout Diagnostics) -> LayerSpec?

    /// Sizes beyond this are refused while reading, so that no shape or parameter count can
    /// overflow later (2²⁴ units, filters or channels).
    static let largestSize = 1 << 24
    /// Kernels, strides, padding and pooling windows beyond this are refused.
    static let largestWindow = 1024

    static let readers: [(name: String, read: Reader)] = [
        ("dense", readDense),
        ("batchnorm", bare(.batchNorm)),
        ("layernorm", bare(.layerNorm)),
        ("relu", bare(.activation(.relu))),
        ("sigmoid", bare(.activation(.sigmoid))),
        ("tanh", bare(.activation(.tanh))),
        ("dropout", readDropout),
        ("conv", readConvolution),
        ("maxpool", readMaxPool),
        ("flatten", bare(.flatten)),
    ]

    static var names: [String] { readers.map(\.name) }

    /// The layer `text` describes, or nil after reporting what is wrong with it.
    static func parse(_ text: String, _ location: SourceLocation, _ diagnostics: inout Diagnostics) -> LayerSpec? {
        let words = text.split(separator: " ").map(String.init)
        guard let name = words.first else {
            diagnostics.error(location, "empty layer in model")
            return nil
        }
        guard let reader = readers.first(where: { $0.name == name })?.read else {
            diagnostics.error(location, "unknown layer '\(name)'\(suggestion(for: name, in: names)); known: \(names.joined(separator: ", "))")
            return nil
        }
        return reader(words, text, location, &diagnostics)
    }

    /// A layer written as its name alone.
    private static func bare(_ layer: LayerSpec) -> Reader {
        { words, text, location, diagnostics in
            guard words.count == 1 else {
                diagnostics.error(location, "layer '\(text)' should be written '\(words[0])'")
                return nil
            }
            return layer
        }
    }

    /// A whole number in `range` written as the only argument: `dense N`, `maxpool K`.
    private static func oneNumber(
        _ words: [String], _ text: String, _ location: SourceLocation, usage: String, what: String, range: ClosedRange<Int>,
        _ diagnostics: inout Diagnostics
    ) -> Int? {
        guard words.count == 2 else {
            diagnostics.error(location, "layer '\(text)' should be written '\(usage)'")
            return nil
        }
        guard let number = Int(words[1]), range.contains(number) else {
            diagnostics.error(location, "\(words[0]) needs \(what) from \(range.lowerBound) to \(range.upperBound), not '\(words[1])'")
            return nil
        }
        return number
    }

    private static func readDense(_ words: [String], _ text: String, _ location: SourceLocation, _ diagnostics: inout Diagnostics) -> LayerSpec? {
        oneNumber(words, text, location, usage: "dense N", what: "a number of units", range: 1...largestSize, &diagnostics)
            .map { .dense(units: $0) }
    }

    private static func readMaxPool(_ words: [String], _ text: String, _ location: SourceLocation, _ diagnostics: inout Diagnostics) -> LayerSpec? {
        oneNumber(words, text, location, usage: "maxpool K", what: "a window size", range: 1...largestWindow, &diagnostics)
            .map { .maxPool(size: $0) }
    }

    private static func readDropout(_ words: [String], _ text: String, _ location: SourceLocation, _ diagnostics: inout Diagnostics) -> LayerSpec? {
        guard words.count == 2 else {
            diagnostics.error(location, "layer '\(text)' should be written 'dropout P'")
            return nil
        }
        guard let rate = Double(words[1]), rate >= 0, rate < 1 else {
            diagnostics.error(location, "dropout needs a rate in [0, 1), not '\(words[1])'")
            return nil
        }
        return .dropout(rate: rate)
    }

    /// `conv N KxK [stride S] [same | valid | padding P]`
    private static func readConvolution(_ words: [String], _ text: String, _ location: SourceLocation, _ diagnostics: inout Diagnostics) -> LayerSpec? {
        let usage = "conv N KxK [stride S] [same | valid | padding P]"
        guard words.count >= 3, let filters = Int(words[1]), (1...largestSize).contains(filters) else {
            diagnostics.error(location, "layer '\(text)' should be written '\(usage)'")
            return nil
        }
        let sides = words[2].split(separator: "x", omittingEmptySubsequences: false)
        guard sides.count == 2, let kernel = Int(sides[0]), (1...largestWindow).contains(kernel), Int(sides[1]) == kernel else {
            diagnostics.error(location, "conv needs a square kernel such as 3x3, not '\(words[2])'")
            return nil
        }
        var stride = 1, padding = Padding.same, index = 3
        while index < words.count {
            switch words[index] {
            case "same": padding = .same
            case "valid": padding = .valid
            case "stride", "padding":
                let minimum = words[index] == "stride" ? 1 : 0
                guard index + 1 < words.count, let value = Int(words[index + 1]), (minimum...largestWindow).contains(value) else {
                    diagnostics.error(location, "'\(words[index])' in '\(text)' needs a whole number from \(minimum) to \(largestWindow) after it")
                    return nil
                }
                if words[index] == "stride" { stride = value } else { padding = .explicit(value) }
                index += 1
            default:
                diagnostics.error(location, "unknown conv option '\(words[index])'\(suggestion(for: words[index], in: ["stride", "padding", "same", "valid"])); write '\(usage)'")
                return nil
            }
            index += 1
        }
        return .convolution(filters: filters, kernel: kernel, stride: stride, padding: padding)
    }
}
