/// A place in a notebook: file, 1-based line and column, counted in the original file
/// (front matter included).
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`
    public var description: String { "\(file):\(line):\(column)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// A problem found in a notebook, located like a compiler's.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var location: SourceLocation
    public var severity: Severity
    public var message: String

    public init(_ location: SourceLocation, _ message: String, severity: Severity = .error) {
        self.location = location
        self.message = message
        self.severity = severity
    }

    /// `notebooks/x.md:42:3: error: unknown layer 'batchnrom' (did you mean 'batchnorm'?)`
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// Collects diagnostics so that one build reports all of a notebook's problems at once.
public struct Diagnostics: Error, Sendable {
    public private(set) var all: [Diagnostic] = []

    public init() {}

    public mutating func error(_ location: SourceLocation, _ message: String) {
        all.append(Diagnostic(location, message))
    }

    public mutating func append(_ diagnostic: Diagnostic) { all.append(diagnostic) }
    public mutating func append(contentsOf other: Diagnostics) { all += other.all }

    public var hasErrors: Bool { all.contains { $0.severity == .error } }

    /// Sorted by place, duplicates removed.
    public var sorted: [Diagnostic] {
        var seen = Set<Diagnostic>()
        return all.sorted { $0.location < $1.location }.filter { seen.insert($0).inserted }
    }
}

/// The valid name nearest to `name` by edit distance, if it is close enough to be a typo.
/// Ties go to the name that sorts first, so the answer never depends on the order of
/// `candidates` (which may come from a set or a dictionary).
func nearest(_ name: String, in candidates: [String]) -> String? {
    // Long inputs (a fuzzer's, or a pasted paragraph) are not typos, and edit distance is
    // quadratic in their length.
    guard name.count <= 200 else { return nil }
    let scored = candidates.map { ($0, editDistance(name.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { ($0.1, $0.0) < ($1.1, $1.0) }) else { return nil }
    if best.1 <= max(2, name.count / 3) { return best.0 }
    // An abbreviation: 'val_acc' for 'val_accuracy', 'fashion' for 'fashion-mnist'.
    guard name.count >= 3 else { return nil }
    return candidates.filter { $0.lowercased().hasPrefix(name.lowercased()) }.min { ($0.count, $0) < ($1.count, $1) }
}

/// ` (did you mean 'x'?)`, or nothing.
func suggestion(for name: String, in candidates: [String]) -> String {
    nearest(name, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
}

/// Levenshtein distance.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count), current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
