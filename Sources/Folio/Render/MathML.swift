import Charts

/// Converts the TeX of ```math blocks and $`…`$ spans to MathML: fractions, roots, sub- and
/// superscripts, Greek letters, accents (hat, bar, tilde, vec, dot), sums and products
/// with limits, \left…\right, \text and \mathrm, and common operators and relations. Any
/// other command is an error at its place, never silently dropped.
struct MathML {
    private let characters: [Character]
    private var index = 0
    private let location: SourceLocation

    /// `tex` written at `location` (the first character).
    init(_ tex: String, at location: SourceLocation) {
        characters = Array(tex)
        self.location = location
    }

    /// `<math>` markup for `tex`, or the first unsupported construct.
    static func render(_ tex: String, display: Bool, at location: SourceLocation) -> Result<String, Diagnostic> {
        var converter = MathML(tex, at: location)
        do {
            let body = try converter.sequence(until: nil)
            let attributes = display ? " display=\"block\"" : ""
            return .success("<math\(attributes)><mrow>\(body)</mrow></math>")
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

    /// Atoms with their scripts until `terminator` (or the end).
    private mutating func sequence(until terminator: Character?) throws(Diagnostic) -> String {
        var output = ""
        while let character = peek {
            if character == terminator { return output }
            if character == "}" { throw error("unexpected '}'") }
            output += try scripted()
        }
        if let terminator { throw error("missing '\(terminator)'") }
        return output
    }

    /// An atom followed by optional `_{…}` and `^{…}` in either order.
    private mutating func scripted() throws(Diagnostic) -> String {
        let (base, isLarge) = try atom()
        var lower: String?, upper: String?
        while let character = peek, character == "_" || character == "^" {
            index += 1
            let script = try argument()
            if character == "_" { lower = script } else { upper = script }
        }
        let under = isLarge ? "munder" : "msub", over = isLarge ? "mover" : "msup", both = isLarge ? "munderover" : "msubsup"
        switch (lower, upper) {
        case let (sub?, sup?): return "<\(both)>\(base)\(sub)\(sup)</\(both)>"
        case let (sub?, nil): return "<\(under)>\(base)\(sub)</\(under)>"
        case let (nil, sup?): return "<\(over)>\(base)\(sup)</\(over)>"
        default: return base
        }
    }

    /// A group `{…}` or a single atom, as one MathML element.
    private mutating func argument() throws(Diagnostic) -> String {
        skipSpaces()
        if peek == "{" {
            index += 1
            let body = try sequence(until: "}")
            index += 1
            return "<mrow>\(body)</mrow>"
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

    private mutating func atom() throws(Diagnostic) -> (markup: String, large: Bool) {
        skipSpaces()
        guard let character = peek else { return ("", false) }
        if character == "\\" { return try command() }
        index += 1
        if character == "{" {
            let body = try sequence(until: "}")
            index += 1
            return ("<mrow>\(body)</mrow>", false)
        }
        if character.isLetter { return ("<mi>\(escapeMarkup(String(character)))</mi>", false) }
        if character.isNumber || character == "." {
            var number = String(character)
            while let next = peek, next.isNumber || next == "." {
                number.append(next)
                index += 1
            }
            return ("<mn>\(number)</mn>", false)
        }
        if character == "'" { return ("<mo>′</mo>", false) }
        if character == "-" { return ("<mo>−</mo>", false) }
        if "+=<>()[]|,;:!/*".contains(character) {
            let stretch = "()[]|".contains(character) ? " stretchy=\"false\"" : ""
            return ("<mo\(stretch)>\(escapeMarkup(String(character)))</mo>", false)
        }
        index -= 1
        throw error("unsupported character '\(character)' in math")
    }

    private mutating func command() throws(Diagnostic) -> (markup: String, large: Bool) {
        let start = index
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
        if let letter = Self.greek[name] {
            let upright = name.first!.isUppercase ? " mathvariant=\"normal\"" : ""
            return ("<mi\(upright)>\(letter)</mi>", false)
        }
        if let symbol = Self.operators[name] { return ("<mo>\(escapeMarkup(symbol))</mo>", false) }
        if let symbol = Self.largeOperators[name] { return ("<mo>\(symbol)</mo>", true) }
        if let width = Self.spaces[name] { return ("<mspace width=\"\(width)\"/>", false) }
        if Self.functions.contains(name) { return ("<mi mathvariant=\"normal\">\(name)</mi>", name == "max" || name == "min" || name == "lim" || name == "argmax" || name == "argmin") }
        switch name {
        case "frac", "dfrac", "tfrac":
            let numerator = try argument(), denominator = try argument()
            return ("<mfrac>\(numerator)\(denominator)</mfrac>", false)
        case "sqrt":
            skipSpaces()
            if peek == "[" {
                index += 1
                let degree = try sequence(until: "]")
                index += 1
                return ("<mroot>\(try argument())<mrow>\(degree)</mrow></mroot>", false)
            }
            return ("<msqrt>\(try argument())</msqrt>", false)
        case "text", "mathrm", "operatorname", "textrm":
            let text = try rawGroup()
            return name == "text" || name == "textrm"
                ? ("<mtext>\(escapeMarkup(text))</mtext>", false)
                : ("<mi mathvariant=\"normal\">\(escapeMarkup(text))</mi>", false)
        case "mathbf", "boldsymbol":
            return ("<mstyle mathvariant=\"bold\">\(try argument())</mstyle>", false)
        case "mathbb":
            let text = try rawGroup()
            return ("<mi>\(text.map { Self.blackboard[$0] ?? escapeMarkup(String($0)) }.joined())</mi>", false)
        case "left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr":
            skipSpaces()
            guard let delimiter = peek else { throw error("\\\(name) needs a delimiter") }
            if delimiter == "\\" {
                let (markup, _) = try command()
                return (markup.replacingOccurrences(of: "<mo>", with: "<mo stretchy=\"true\">"), false)
            }
            index += 1
            if delimiter == "." { return ("", false) }
            return ("<mo stretchy=\"true\">\(escapeMarkup(String(delimiter)))</mo>", false)
        default:
            if let accent = Self.accents[name] {
                return ("<mover accent=\"true\">\(try argument())<mo>\(accent)</mo></mover>", false)
            }
            index = start
            throw error("unsupported TeX command '\\\(name)' in math")
        }
    }
}
