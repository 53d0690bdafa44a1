import Foundation

/// Compares two results files (`output/<name>.json`), wall times aside: CI re-runs the
/// notebook from a cold cache and fails when the committed results differ from what the
/// code now produces, naming the run, the seed, the epoch and the metric.
///
/// Numbers may differ by `tolerance` times the larger of 1 and their magnitudes (so it is
/// absolute for accuracies and losses, relative for larger values such as gradient norms);
/// NaN equals NaN. Everything else (specs, cache keys, the engine version, which runs there
/// are) must match exactly.
///
/// Numbers are compared only when both files were computed with the same arithmetic
/// (`machine`: the BLAS and the kernels it chose for the CPU). Elsewhere matrix products
/// round differently and training amplifies it (a run at the edge of stability ended with a
/// validation loss of 2.3 on one machine and 1.6e7 on another), so no tolerance separates
/// rounding from staleness; the cache keys still do, since they hash each run's spec, seed,
/// data and engine version.
public enum ResultsComparison {
    /// What a comparison found.
    public struct Outcome: Sendable {
        /// Each difference, a sentence; at most `limit`, then how many more there are.
        public var differences: [String]
        /// Nil when the numbers were compared; else why not (the two machines).
        public var numbersSkipped: String?
    }

    /// Compares the committed results file `committed` with the one a build just wrote,
    /// `written`: the console lines that say what was found (each naming the committed
    /// file), and whether the committed report is stale.
    public static func check(committed: URL, written: URL, tolerance: Double) -> (lines: [String], stale: Bool) {
        guard let old = try? Data(contentsOf: committed) else {
            return (["\(committed.path): error: no committed results to compare with"], true)
        }
        let outcome = compare(committed: old, new: (try? Data(contentsOf: written)) ?? Data(), tolerance: tolerance)
        var lines = outcome.differences.map { "\(committed.path): error: stale: \($0)" }
        if let skipped = outcome.numbersSkipped {
            lines.append("\(committed.path): note: numbers not compared: \(skipped), which round differently; runs, specs, cache keys and the engine version were compared")
        }
        lines.append(outcome.differences.isEmpty
            ? "\(committed.path): the committed results match the new ones"
            : "\(committed.path): the committed report is stale: rebuild it (folio build --refresh, or make report) and commit output/")
        return (lines, !outcome.differences.isEmpty)
    }

    public static func compare(committed: Data, new: Data, tolerance: Double, limit: Int = 20) -> Outcome {
        guard let old = try? JSONSerialization.jsonObject(with: committed, options: [.fragmentsAllowed]) else {
            return Outcome(differences: ["the committed file is not JSON"])
        }
        guard let current = try? JSONSerialization.jsonObject(with: new, options: [.fragmentsAllowed]) else {
            return Outcome(differences: ["the new file is not JSON"])
        }
        let machines = ((old as? [String: Any])?["machine"] as? String, (current as? [String: Any])?["machine"] as? String)
        var skipped: String?
        // A mixed file's seeds name their own arithmetic, which two mixed files need not share.
        if machines.0 == nil || machines.0 == ResultsFile.mixed || machines.0 != machines.1 {
            skipped = "the committed results were computed with \(describe(machines.0)), these with \(describe(machines.1))"
        }
        var found: [String] = []
        compare(old, current, path: "", tolerance: tolerance, numbers: skipped == nil, &found)
        if found.count > limit { found = Array(found.prefix(limit)) + ["… and \(found.count - limit) more differences"] }
        return Outcome(differences: found, numbersSkipped: skipped)
    }

    /// A results file's `machine`, as the note says it.
    private static func describe(_ machine: String?) -> String {
        guard let machine else { return "an unrecorded BLAS" }
        return machine == ResultsFile.mixed ? "several (each seed names its own)" : machine
    }

    private static func compare(_ old: Any, _ new: Any, path: String, tolerance: Double, numbers: Bool, _ found: inout [String]) {
        switch (old, new) {
        case (let old as [String: Any], let new as [String: Any]):
            // Without comparable numbers, what each seed computed is not compared, nor where it ran.
            let ignored: Set<String> = numbers ? ["seconds"] : ["seconds", "seeds", "machine"]
            for key in Set(old.keys).union(new.keys).sorted() where !ignored.contains(key) {
                let inner = path.isEmpty ? key : "\(path).\(key)"
                switch (old[key], new[key]) {
                case (let a?, let b?): compare(a, b, path: inner, tolerance: tolerance, numbers: numbers, &found)
                case (_?, nil): found.append("\(inner): in the committed file only")
                case (nil, _?): found.append("\(inner): in the new results only")
                default: break
                }
            }
        case (let old as [Any], let new as [Any]):
            if path == "runs", let oldRuns = old as? [[String: Any]], let newRuns = new as? [[String: Any]] {
                compareRuns(oldRuns, newRuns, tolerance: tolerance, numbers: numbers, &found)
                return
            }
            guard old.count == new.count else {
                found.append("\(path): \(old.count) values committed, \(new.count) now")
                return
            }
            for (index, (a, b)) in zip(old, new).enumerated() {
                compare(a, b, path: label(path, index, a), tolerance: tolerance, numbers: numbers, &found)
            }
        default:
            if let a = number(old), let b = number(new) {
                let same = (a.isNaN && b.isNaN) || a == b || abs(a - b) <= tolerance * max(1, abs(a), abs(b))
                if !same { found.append("\(path): committed \(format(a)), now \(format(b)) (difference \(format(abs(a - b))), tolerance \(format(tolerance)))") }
            } else if "\(old)" != "\(new)" {
                found.append("\(path): committed \(old), now \(new)")
            }
        }
    }

    /// Runs are matched by name, so an added or removed run reads as one line.
    private static func compareRuns(_ old: [[String: Any]], _ new: [[String: Any]], tolerance: Double, numbers: Bool, _ found: inout [String]) {
        let oldByName = Dictionary(old.map { (($0["name"] as? String) ?? "?", $0) }, uniquingKeysWith: { first, _ in first })
        let newByName = Dictionary(new.map { (($0["name"] as? String) ?? "?", $0) }, uniquingKeysWith: { first, _ in first })
        for name in Set(oldByName.keys).union(newByName.keys).sorted() {
            switch (oldByName[name], newByName[name]) {
            case (let a?, let b?): compare(a, b, path: "run \(name)", tolerance: tolerance, numbers: numbers, &found)
            case (_?, nil): found.append("run \(name): committed, but the notebook no longer has it")
            case (nil, _?): found.append("run \(name): new, not in the committed file")
            default: break
            }
        }
    }

    /// `run x.seeds[seed 1].epochs[epoch 3]` rather than bare indices where the element says.
    private static func label(_ path: String, _ index: Int, _ element: Any) -> String {
        if let object = element as? [String: Any] {
            if path.hasSuffix(".seeds"), let seed = object["seed"].flatMap(number) { return "\(path.dropLast(6)) seed \(Int(seed))" }
            if path.hasSuffix(".epochs"), let epoch = object["epoch"].flatMap(number) { return "\(path.dropLast(7)) epoch \(Int(epoch))" }
        }
        return "\(path)[\(index)]"
    }

    /// Numbers, and the strings the results files write for NaN and infinities.
    private static func number(_ value: Any) -> Double? {
        if let number = value as? NSNumber { return number.doubleValue }  // booleans too, as 0 and 1
        switch value as? String {
        case "nan": return .nan
        case "inf": return .infinity
        case "-inf": return -.infinity
        default: return nil
        }
    }

    private static func format(_ value: Double) -> String {
        value.isNaN ? "nan" : value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.6g", value)
    }
}
