import Foundation

/// What a build did and found.
public struct BuildSummary: Sendable {
    public var notebook: String
    /// Errors and warnings in the notebook or its data, compiler-style.
    public var diagnostics: [Diagnostic] = []
    /// One located line per failed `{expect}` claim, with both sides' values.
    public var failedClaims: [String] = []
    /// Claims checked.
    public var claimCount = 0
    /// Runs whose loss became NaN or infinite (without `may_diverge: true`).
    public var divergedRuns: [String] = []
    /// Runs trained in this build (the rest came from the cache).
    public var trainedRuns: [String] = []
    /// Files written.
    public var writtenFiles: [String] = []
    /// Files besides the notebook that the build read: its bibliography and the data-set
    /// files its runs read (a preview watches them).
    public var inputs: [URL] = []
    /// The report's title (the front matter's, else the notebook's name).
    public var title: String?
    /// `2/4` when the build trained one shard into the cache and wrote no report.
    public var shard: String?

    /// A build of `notebook` that has found and done nothing yet.
    init(notebook: String) { self.notebook = notebook }

    /// 2 for notebook or data errors (nothing written), 1 for a failed claim or a
    /// diverged run (report written), else 0.
    public var exitCode: Int32 {
        if diagnostics.contains(where: { $0.severity == .error }) { return 2 }
        return failedClaims.isEmpty && divergedRuns.isEmpty ? 0 : 1
    }

    /// What the command line prints after the build: every diagnostic, diverged run and failed
    /// claim (as warnings unless `failOnClaims`), then one line saying what was written.
    /// `diagnostic` writes a diagnostic (a preview adds the source line).
    public func consoleLines(failOnClaims: Bool, seconds: Double, diagnostic: (Diagnostic) -> String = \.description) -> [String] {
        var lines = diagnostics.map(diagnostic) + divergedRuns
        lines += failedClaims.map { failOnClaims ? $0 : $0.replacingOccurrences(of: ": error: ", with: ": warning: ") }
        if let shard, exitCode != 2 {
            lines.append(String(format: "%@: shard %@ trained %d run(s) into the cache in %.2f s (no report written)", notebook, shard,
                                trainedRuns.count, seconds))
        } else if exitCode == 2 && writtenFiles.isEmpty {
            lines.append("\(notebook): not built (\(diagnostics.filter { $0.severity == .error }.count) error(s)); the previous report is unchanged")
        } else if exitCode == 2 {
            lines.append("\(notebook): wrote \(writtenFiles[0]), then stopped on \(diagnostics.filter { $0.severity == .error }.count) error(s)")
        } else {
            lines.append(String(format: "%@: wrote %@ in %.2f s (%d run(s) trained; %d of %d claim(s) hold)", notebook,
                                writtenFiles.first ?? "", seconds, trainedRuns.count, claimCount - failedClaims.count, claimCount))
        }
        return lines
    }
}
