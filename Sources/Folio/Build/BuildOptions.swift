import Foundation

/// How to build.
public struct BuildOptions: Sendable {
    /// Where reports go (`output/`).
    public var outputDirectory: URL
    /// Where results are cached (`.folio/`).
    public var cacheDirectory: URL
    /// `--set name=value` overrides of front-matter params.
    public var overrides: [String: String]
    /// False with `--refresh` (`--no-cache`): everything trains again, neither the cache nor
    /// the committed results are reused (the cache is refreshed).
    public var useCache: Bool
    /// Independent runs trained at once.
    public var jobs: Int
    /// Relative data paths are resolved against this folder.
    public var workingDirectory: URL
    /// The Chromium to print `<name>.pdf` with (`--pdf`), or nil for no PDF.
    public var pdfPrinter: String?
    /// `--shard K/N`: train only the K-th (1-based) of N slices of the runs into the cache,
    /// and write no report.
    public var shard: (index: Int, count: Int)?
    /// A build whose training is estimated to take longer stops before training, saying so
    /// (`--yes` lifts it); nil for no limit.
    public var trainingLimitSeconds: Double? = 3600

    public init(outputDirectory: URL, cacheDirectory: URL, overrides: [String: String] = [:], useCache: Bool = true,
                jobs: Int = 1, workingDirectory: URL, pdfPrinter: String? = nil, shard: (index: Int, count: Int)? = nil,
                trainingLimitSeconds: Double? = 3600) {
        self.pdfPrinter = pdfPrinter
        self.shard = shard
        self.trainingLimitSeconds = trainingLimitSeconds
        self.outputDirectory = outputDirectory
        self.cacheDirectory = cacheDirectory
        self.overrides = overrides
        self.useCache = useCache
        self.jobs = jobs
        self.workingDirectory = workingDirectory
    }
}
