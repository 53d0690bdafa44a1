import Foundation

/// The `folio` binary built beside the test bundle, run as a user would.
public enum FolioProcess {
    public struct Result {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String

        /// Standard error's lines, for comparing a message with the exact text a user sees.
        public var errorLines: [String] { standardError.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

        /// N of the build's closing line "(N run(s) trained; …)"; nil without one.
        public var trainedRuns: Int? {
            guard let range = standardError.range(of: #"\((\d+) run\(s\) trained"#, options: .regularExpression) else { return nil }
            return Int(standardError[range].dropFirst().prefix { $0.isNumber })
        }
    }

    /// The build products folder (`.build/debug` or `.build/release`).
    public static var productsDirectory: URL {
        let bundle = Bundle.main.bundleURL
        return bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle
    }

    /// Runs `folio arguments` in `directory` with `environment` added, and waits for it.
    public static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("folio")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both pipes to the end before waiting, so a full pipe cannot block the child.
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }
}
