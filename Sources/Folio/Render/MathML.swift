/// Converts the TeX of ```math blocks and $`…`$ spans to MathML: fractions, roots, sub- and
/// superscripts, Greek letters, accents (hat, bar, tilde, vec, dot), sums and products
/// with limits, \left…\right, \text and \mathrm, and common operators and relations. Any
/// other command is an error at its place, never silently dropped.
struct MathML {
    private let characters: [Character]
    private var index = 0
    /// How deep groups and arguments are nested: bounded so that no input can exhaust the stack.
    private var depth = 0
    static let deepestNesting = 64
    private let location: SourceLocation

    /// `tex` written at `location` (the first character).
    init(_ tex: String, at location: SourceLocation) {
        characters = Array(tex)
        self.location = location
    }

    /// The `<math>` element for `tex`, or the first unsupported construct.
    static func render(_ tex: String, display: Bool, at location: SourceLocation) -> Result<HTML, Diagnostic> {
        var converter = MathML(tex, at: location)
        do {
            let body = HTML.tag("mrow", children: try converter.sequence(until: nil))
            return .success(display ? .tag("math", ["display": "block"], body) : .tag("math", body))
        } catch {
            return .failure(error)
        }
    }

    static let greek: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ", "eta": "η",
        "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ",
        "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
        "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ",
        "Psi": "Ψ", "Omega": "Ω",
    ]
    static let operators: [String: String] = [
        "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
        "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "equiv": "≡", "propto": "∝", "to": "→", "rightarrow": "→",
        "leftarrow": "←", "Rightarrow": "⇒", "mapsto": "↦", "in": "∈", "notin": "∉", "subset": "⊂", "cup": "∪",
        "cap": "∩", "forall": "∀", "exists": "∃", "infty": "∞", "partial": "∂", "nabla": "∇", "ldots": "…",
        "cdots": "⋯", "dots": "…", "vdots": "⋮", "ddots": "⋱", "odot": "⊙", "circ": "∘", "ast": "∗", "star": "⋆", "mid": "∣", "lVert": "‖", "rVert": "‖",
        "langle": "⟨", "rangle": "⟩", "lbrace": "{", "rbrace": "}", "{": "{", "}": "}", "|": "‖",
    ]
    static let largeOperators: [String: String] = ["sum": "∑", "prod": "∏", "int": "∫"]
    static let functions = ["log", "ln", "exp", "max", "min", "sup", "inf", "lim", "arg", "argmax", "argmin", "sin", "cos", "tanh", "det", "Var", "E"]
    static let accents: [String: String] = ["hat": "^", "bar": "¯", "overline": "¯", "tilde": "~", "vec": "→", "dot": "˙"]
    static let spaces: [String: String] = [",": "0.1667em", ":": "0.2222em", ";": "0.2778em", "quad": "1em", "qquad": "2em", "!": "0em", " ": "0.25em"]
    static let blackboard: [Character: String] = ["R": "ℝ", "E": "𝔼", "N": "ℕ", "Z": "ℤ", "P": "ℙ", "Q": "ℚ"]

    private var peek: Character? { index < characters.count ? characters[index] : nil }

    private func error(_ message: String) -> Diagnostic {
        // Columns within the first line; later lines of a block count from its start.
        let before = characters[..<min(index, characters.count)]
        let lines = before.split(separator: "\n", omittingEmptySubsequences: false)
        let line = location.line + lines.count - 1
        let column = lines.count == 1 ? location.column + before.count : (lines.last?.count ?? 0) + 1
        return Diagnostic(SourceLocation(file: location.file, line: line, column: column), message)
    }

    /// Atoms with their scripts until `terminator` (or the end), or until `\right` when
    /// `endsAtRight` (the inside of a `\left … \right` group).
    private mutating func sequence(until terminator: Character?, endsAtRight: Bool = false) throws(Diagnostic) -> [HTML] {
        var output: [HTML] = []
        while true {
            skipSpaces()
            guard let character = peek else { break }
            if character == terminator { return output }
            if endsAtRight && atRight { return output }
            if character == "}" { throw error("unexpected '}'") }
            output.append(try scripted())
        }
        if let terminator { throw error("missing '\(terminator)'") }
        if endsAtRight { throw error("\\left has no matching \\right") }
        return output
    }

    /// Whether `\right` (as a whole command) comes next.
    private var atRight: Bool {
        let name = Array("\\right")
        guard index + name.count <= characters.count, Array(characters[index..<index + name.count]) == name else { return false }
        return index + name.count == characters.count || !characters[index + name.count].isLetter
    }

    /// An atom followed by optional `_{…}` and `^{…}` in either order.
    private mutating func scripted() throws(Diagnostic) -> HTML {
        let (base, isLarge) = try atom()
        var lower: HTML?, upper: HTML?
        while let character = peek, character == "_" || character == "^" {
            index += 1
            let script = try argument()
            if character == "_" { lower = script } else { upper = script }
        }
        let under = isLarge ? "munder" : "msub", over = isLarge ? "mover" : "msup", both = isLarge ? "munderover" : "msubsup"
        switch (lower, upper) {
        case let (sub?, sup?): return .tag(both, base, sub, sup)
        case let (sub?, nil): return .tag(under, base, sub)
        case let (nil, sup?): return .tag(over, base, sup)
        default: return base
        }
    }

    /// A group `{…}` or a single atom, as one MathML element.
    private mutating func argument() throws(Diagnostic) -> HTML {
        skipSpaces()
        if peek == "{" {
            index += 1
            let body = try sequence(until: "}")
            index += 1
            return .tag("mrow", children: body)
        }
        guard peek != nil else { throw error("missing argument at the end") }
        return try atom().markup
    }

    /// The raw text of a `{…}` group (for \text and \mathrm).
    private mutating func rawGroup() throws(Diagnostic) -> String {
        skipSpaces()
        guard peek == "{" else { throw error("expected '{'") }
        index += 1
        var text = "", depth = 0
        while let character = peek {
            index += 1
            if character == "{" { depth += 1 }
            if character == "}" {
                if depth == 0 { return text }
                depth -= 1
            }
            text.append(character)
        }
        throw error("missing '}'")
    }

    private mutating func skipSpaces() {
        while let character = peek, character == " " || character == "\n" || character == "\t" { index += 1 }
    }

    private mutating func atom() throws(Diagnostic) -> (markup: HTML, large: Bool) {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.deepestNesting else { throw error("the formula is nested more than \(Self.deepestNesting) levels deep") }
        skipSpaces()
        guard let character = peek else { return (.empty, false) }
        if character == "\\" { return try command() }
        index += 1
        if character == "{" {
            let body = try sequence(until: "}")
            index += 1
            return (.tag("mrow", children: body), false)
        }
        if character.isLetter { return (.tag("mi", .text(String(character))), false) }
        if character.isNumber || character == "." {
            var number = String(character)
            while let next = peek, next.isNumber || next == "." {
                number.append(next)
                index += 1
            }
            return (.tag("mn", .text(number)), false)
        }
        if character == "'" { return (.tag("mo", "′"), false) }
        if character == "-" { return (.tag("mo", "−"), false) }
        if "+=<>()[]|,;:!/*".contains(character) {
            let symbol = HTML.text(String(character))
            return ("()[]|".contains(character) ? .tag("mo", ["stretchy": "false"], symbol) : .tag("mo", symbol), false)
        }
        index -= 1
        throw error("unsupported character '\(character)' in math")
    }

    /// The fence after `\left`, `\right` or `\big`: a character or a command such as `\{`,
    /// `\|` or `\langle`; `.` is none. It stretches to its group, or takes `size`.
    private mutating func delimiter(after command: String, size: String? = nil) throws(Diagnostic) -> HTML {
        skipSpaces()
        guard let delimiter = peek else { throw error("\\\(command) needs a delimiter") }
        let delimiterStart = index
        var symbol = String(delimiter)
        if delimiter == "\\" {
            let name = commandName()
            guard let named = Self.operators[name] else {
                index = delimiterStart
                throw error("\\\(command) needs a delimiter such as ( [ | \\{ \\| \\langle, not '\\\(name)'")
            }
            symbol = named
        } else {
            guard "()[]|/.<>".contains(delimiter) else {
                throw error("\\\(command) needs a delimiter such as ( [ | \\{ \\| \\langle, not '\(delimiter)'")
            }
            index += 1
        }
        if symbol == "." { return .empty }
        if let size { return .tag("mo", ["minsize": size, "maxsize": size], .text(symbol)) }
        return .tag("mo", ["stretchy": "true"], .text(symbol))
    }

    /// The name after a backslash (at `index`): letters, or the one character that follows.
    private mutating func commandName() -> String {
        index += 1
        var name = ""
        while let character = peek, character.isLetter {
            name.append(character)
            index += 1
        }
        if name.isEmpty, let character = peek {
            name = String(character)
            index += 1
        }
        return name
    }

    private mutating func command() throws(Diagnostic) -> (markup: HTML, large: Bool) {
        let start = index
        let name = commandName()
        if let letter = Self.greek[name] {
            let symbol = HTML.text(letter)
            return (name.first!.isUppercase ? .tag("mi", ["mathvariant": "normal"], symbol) : .tag("mi", symbol), false)
        }
        if let symbol = Self.operators[name] { return (.tag("mo", .text(symbol)), false) }
        if let symbol = Self.largeOperators[name] { return (.tag("mo", .text(symbol)), true) }
        if let width = Self.spaces[name] { return (.tag("mspace", ["width": width]), false) }
        if Self.functions.contains(name) {
            return (.tag("mi", ["mathvariant": "normal"], .text(name)), ["max", "min", "lim", "argmax", "argmin"].contains(name))
        }
        switch name {
        case "frac", "dfrac", "tfrac":
            let numerator = try argument(), denominator = try argument()
            return (.tag("mfrac", numerator, denominator), false)
        case "sqrt":
            skipSpaces()
            if peek == "[" {
                index += 1
                let degree = try sequence(until: "]")
                index += 1
                return (.tag("mroot", try argument(), .tag("mrow", children: degree)), false)
            }
            return (.tag("msqrt", try argument()), false)
        case "text", "mathrm", "operatorname", "textrm":
            let text = HTML.text(try rawGroup())
            return (name == "text" || name == "textrm" ? .tag("mtext", text) : .tag("mi", ["mathvariant": "normal"], text), false)
        case "mathbf", "boldsymbol":
            return (.tag("mstyle", ["mathvariant": "bold"], try argument()), false)
        case "mathbb":
            let text = try rawGroup()
            return (.tag("mi", .text(String(text.map { Self.blackboard[$0] ?? String($0) }.joined()))), false)
        case "left":
            // One group: both fences stretch to the height of what they enclose, and a
            // script after \right applies to the whole group.
            let open = try delimiter(after: name)
            let body = try sequence(until: nil, endsAtRight: true)
            _ = commandName()
            let close = try delimiter(after: "right")
            return (.tag("mrow", children: [open, .tag("mrow", children: body), close]), false)
        case "right":
            index = start
            throw error("\\right without a \\left before it")
        case "big", "Big", "bigl", "bigr", "Bigl", "Bigr", "bigg", "Bigg":
            let size = name.lowercased().hasPrefix("bigg") ? "2.4em" : name.hasPrefix("B") ? "1.8em" : "1.2em"
            return (try delimiter(after: name, size: size), false)
        default:
            if let accent = Self.accents[name] {
                return (.tag("mover", ["accent": "true"], try argument(), .tag("mo", .text(accent))), false)
            }
            index = start
            throw error("unsupported TeX command '\\\(name)' in math")
        }
    }
}
