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

    /// A whole claim: `expression comparison expression`, or several joined by `or`.
    mutating func claim(text: String) throws(Diagnostic) -> Claim {
        var alternatives = [try comparison()]
        while peek == "or" {
            index += 1
            alternatives.append(try comparison())
        }
        try end()
        return Claim(text: text, alternatives: alternatives, location: location(0))
    }

    /// `expression comparison expression`.
    private mutating func comparison() throws(Diagnostic) -> Comparison {
        let left = try sum()
        guard let comparison = peek, Self.comparisons.contains(comparison) else {
            throw Diagnostic(location(index), "expected a comparison (<, <=, >, >=) with spaces around it"
                             + (peek.map { ", found '\($0)'" } ?? " after the expression"))
        }
        index += 1
        return Comparison(left: left, comparison: comparison, right: try sum())
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
            case "gradient", "activation": result = .trace(try trace(token, at: tokenIndex))
            case "max", "min": result = .extreme(try self.reference(), largest: token == "max")
            case "diverged":
                guard let selector = peek, selector != ")" else {
                    throw Diagnostic(location(index), "diverged( needs a run, e.g. diverged(rate/plain/learning_rate=2)")
                }
                index += 1
                result = .diverged(RunReference(selector: selector, location: location(tokenIndex)))
            case "argbest":
                let reference = try self.reference()
                try expect(",")
                guard let key = peek, ExperimentKeys.overridable.contains(key) else {
                    throw Diagnostic(location(index), "argbest needs a swept key after the comma, e.g. learning_rate"
                                     + (peek.map { ", not '\($0)'\(suggestion(for: $0, in: ExperimentKeys.overridable))" } ?? ""))
                }
                index += 1
                result = .argbest(ArgBest(reference: reference, key: key))
            default:
                let names = ["best", "std", "abs", "max", "min", "gradient", "activation", "argbest", "diverged"]
                throw Diagnostic(location(tokenIndex), "unknown function '\(token)'\(suggestion(for: token, in: names)); known: \(names.joined(separator: ", "))")
            }
            try expect(")")
            return result
        }
        index -= 1
        return .reference(try reference())
    }

    /// `gradient(run, L[, S])` or `activation(run, P[, S])`, after the opening parenthesis.
    private mutating func trace(_ function: String, at functionIndex: Int) throws(Diagnostic) -> TraceReference {
        guard let selector = peek, selector != ")" else {
            throw Diagnostic(location(index), "\(function)( needs a run, e.g. \(function)(deep/with-bn, \(function == "gradient" ? "1" : "50"))")
        }
        index += 1
        try expect(",")
        let numberIndex = index
        guard let text = peek, let number = Int(text) else {
            throw Diagnostic(location(index), function == "gradient" ? "gradient(run, L) needs a dense layer number L from 1"
                             : "activation(run, P) needs a percentile P: 15, 50 or 85")
        }
        index += 1
        let kind: TraceReference.Kind
        if function == "gradient" {
            guard number >= 1 else { throw Diagnostic(location(numberIndex), "gradient(run, L) needs a dense layer number L from 1, not \(number)") }
            kind = .gradient(layer: number)
        } else {
            guard [15, 50, 85].contains(number) else {
                throw Diagnostic(location(numberIndex), "activation(run, P) records the percentiles 15, 50 and 85, not \(number)")
            }
            kind = .activation(percentile: number)
        }
        var step: Int?
        if peek == "," {
            index += 1
            guard let text = peek, let value = Int(text), value >= 0 else {
                throw Diagnostic(location(index), "the step in \(function)(…) must be a whole number from 0")
            }
            index += 1
            step = value
        }
        return TraceReference(selector: selector, kind: kind, step: step, location: location(functionIndex))
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
