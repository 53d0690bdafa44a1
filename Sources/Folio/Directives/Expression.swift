/// The metrics a run records per epoch (test metrics after the last epoch only).
enum Metric: String, CaseIterable, Codable, Sendable {
    case loss, accuracy, val_loss, val_accuracy, test_loss, test_accuracy, seconds

    /// Whether larger is better (accuracies), which decides what `best` means.
    var higherIsBetter: Bool { self == .accuracy || self == .val_accuracy || self == .test_accuracy }

    /// An axis or column title with its unit.
    var title: String {
        switch self {
        case .loss: "training loss (cross-entropy)"
        case .accuracy: "training accuracy"
        case .val_loss: "validation loss (cross-entropy)"
        case .val_accuracy: "validation accuracy"
        case .test_loss: "test loss (cross-entropy)"
        case .test_accuracy: "test accuracy"
        case .seconds: "time per epoch (s)"
        }
    }
}

/// `run.metric`, `run.metric[3]`: a metric of one run, at the last epoch or a given one.
struct MetricReference: Hashable, Sendable {
    var selector: String
    var metric: Metric
    var epoch: Int?
    var location: SourceLocation
}

/// An arithmetic expression over results: numbers, references, `+ - * /`, and the
/// functions `best(ref)`, `std(ref)`, `abs(x)`.
indirect enum Expression: Sendable {
    case number(Double)
    case reference(MetricReference)
    case best(MetricReference)
    case spread(MetricReference)
    case absolute(Expression)
    case negate(Expression)
    case binary(Character, Expression, Expression)

    /// Every reference inside, for checking against the planned runs.
    var references: [MetricReference] {
        switch self {
        case .number: []
        case .reference(let reference), .best(let reference), .spread(let reference): [reference]
        case .absolute(let inner), .negate(let inner): inner.references
        case .binary(_, let left, let right): left.references + right.references
        }
    }
}

/// One `{expect}` line: two expressions and a comparison.
struct Claim: Sendable {
    var text: String
    var left: Expression
    var comparison: String
    var right: Expression
    var location: SourceLocation
}

/// Parses expressions. Operators stand between spaces, so run names may hold `-`, `/`,
/// `=` and `.`; the metric is what follows a reference's last dot.
struct ExpressionParser {
    private var tokens: [(text: String, column: Int)]
    private var index = 0
    /// How deep parentheses, functions and signs are nested: bounded so that no input can
    /// exhaust the stack.
    private var depth = 0
    static let deepestNesting = 64
    private let line: Int, file: String, firstColumn: Int

    static let comparisons = ["<", "<=", ">", ">="]

    /// `text` starts at `location`.
    init(_ text: String, at location: SourceLocation) {
        file = location.file
        line = location.line
        firstColumn = location.column
        var tokens: [(String, Int)] = []
        var current = "", start = 0
        for (offset, character) in text.enumerated() {
            if character == " " || character == "\t" || character == "(" || character == ")" || character == "," {
                if !current.isEmpty { tokens.append((current, start)) }
                current = ""
                if character != " " && character != "\t" { tokens.append((String(character), offset)) }
            } else {
                if current.isEmpty { start = offset }
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append((current, start)) }
        self.tokens = tokens
    }

    private func location(_ token: Int) -> SourceLocation {
        let column = token < tokens.count ? tokens[token].column : (tokens.last.map { $0.column + $0.text.count } ?? 0)
        return SourceLocation(file: file, line: line, column: firstColumn + column)
    }

    private var peek: String? { index < tokens.count ? tokens[index].text : nil }

    /// A whole claim: `expression comparison expression`.
    mutating func claim(text: String) throws(Diagnostic) -> Claim {
        let left = try sum()
        guard let comparison = peek, Self.comparisons.contains(comparison) else {
            throw Diagnostic(location(index), "expected a comparison (<, <=, >, >=) with spaces around it"
                             + (peek.map { ", found '\($0)'" } ?? " after the expression"))
        }
        index += 1
        let right = try sum()
        try end()
        return Claim(text: text, left: left, comparison: comparison, right: right, location: location(0))
    }

    /// A whole expression.
    mutating func expression() throws(Diagnostic) -> Expression {
        let result = try sum()
        try end()
        return result
    }

    private func end() throws(Diagnostic) {
        if let extra = peek { throw Diagnostic(location(index), "unexpected '\(extra)' (operators need spaces around them)") }
    }

    private mutating func sum() throws(Diagnostic) -> Expression {
        var result = try product()
        while let op = peek, op == "+" || op == "-" {
            index += 1
            result = .binary(Character(op), result, try product())
        }
        return result
    }

    private mutating func product() throws(Diagnostic) -> Expression {
        var result = try unary()
        while let op = peek, op == "*" || op == "/" {
            index += 1
            result = .binary(Character(op), result, try unary())
        }
        return result
    }

    private mutating func unary() throws(Diagnostic) -> Expression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.deepestNesting else {
            throw Diagnostic(location(index), "the expression is nested more than \(Self.deepestNesting) levels deep")
        }
        if peek == "-" {
            index += 1
            return .negate(try unary())
        }
        return try primary()
    }

    private mutating func primary() throws(Diagnostic) -> Expression {
        guard let token = peek else { throw Diagnostic(location(index), "expected a number or a run's metric") }
        let tokenIndex = index
        index += 1
        if token == "(" {
            let inner = try sum()
            try expect(")")
            return inner
        }
        if let number = Double(token) { return .number(number) }
        if peek == "(" {
            index += 1
            let result: Expression
            switch token {
            case "abs": result = .absolute(try sum())
            case "best", "std":
                let reference = try self.reference()
                result = token == "best" ? .best(reference) : .spread(reference)
            default:
                throw Diagnostic(location(tokenIndex), "unknown function '\(token)'\(suggestion(for: token, in: ["best", "std", "abs"])); known: best, std, abs")
            }
            try expect(")")
            return result
        }
        index -= 1
        return .reference(try reference())
    }

    private mutating func expect(_ token: String) throws(Diagnostic) {
        guard peek == token else { throw Diagnostic(location(index), "expected '\(token)'") }
        index += 1
    }

    /// `selector.metric` or `selector.metric[N]`.
    private mutating func reference() throws(Diagnostic) -> MetricReference {
        guard let token = peek else { throw Diagnostic(location(index), "expected a run's metric, such as 'bn.val_accuracy'") }
        let here = location(index)
        index += 1
        var body = Substring(token), epoch: Int?
        if body.hasSuffix("]"), let open = body.lastIndex(of: "[") {
            guard let number = Int(body[body.index(after: open)..<body.index(before: body.endIndex)]), number >= 1 else {
                throw Diagnostic(here, "an epoch in brackets must be a number from 1, in '\(token)'")
            }
            epoch = number
            body = body[..<open]
        }
        guard let dot = body.lastIndex(of: "."), dot != body.startIndex else {
            throw Diagnostic(here, "'\(token)' is not a run's metric: write run.metric, e.g. 'bn.val_accuracy'")
        }
        let name = String(body[body.index(after: dot)...])
        guard let metric = Metric(rawValue: name) else {
            let names = Metric.allCases.map(\.rawValue)
            throw Diagnostic(here, "unknown metric '\(name)'\(suggestion(for: name, in: names)); known: \(names.joined(separator: ", "))")
        }
        return MetricReference(selector: String(body[..<dot]), metric: metric, epoch: epoch, location: here)
    }
}
