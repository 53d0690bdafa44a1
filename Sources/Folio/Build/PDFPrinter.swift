import Foundation

/// Prints a written report to PDF with headless Chromium, which lays out MathML, SVG and the
/// print style sheet (page size, margins, page numbers, no figure split across pages) as a
/// browser does. Only `folio build --pdf` needs it.
public enum PDFPrinter {
    /// Why no PDF could be made.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Executable names looked for on `PATH`.
    static let names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    /// The Chromium to print with: `FOLIO_CHROMIUM`, else the first of `names` on `PATH`.
    public static func chromium(environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<String, Failure> {
        if let given = environment["FOLIO_CHROMIUM"], !given.isEmpty {
            return FileManager.default.isExecutableFile(atPath: given) ? .success(given)
                : .failure(Failure(description: "FOLIO_CHROMIUM=\(given) is not an executable file"))
        }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            for name in names {
                let path = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return .success(path) }
            }
        }
        return .failure(Failure(description: "--pdf prints the report with Chromium, which is not installed: "
            + "install it with `sudo apt-get install chromium fonts-lmodern` (Debian, Ubuntu) or set FOLIO_CHROMIUM to its path"))
    }

    /// Prints `html` to `pdf` (through a temporary file renamed into place).
    static func print(_ html: URL, to pdf: URL, chromium: String, timeout: Duration = .seconds(180)) throws(Failure) {
        let manager = FileManager.default
        let scratch = manager.temporaryDirectory.appendingPathComponent("folio-print-\(UUID().uuidString)")
        defer { try? manager.removeItem(at: scratch) }
        let temporary = pdf.deletingLastPathComponent().appendingPathComponent(".\(pdf.lastPathComponent).\(UUID().uuidString).tmp")
        defer { try? manager.removeItem(at: temporary) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--mute-audio",
            "--user-data-dir=\(scratch.path)", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=10000", "--print-to-pdf=\(temporary.path)", html.absoluteURL.absoluteString,
        ]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do { try process.run() } catch { throw Failure(description: "cannot start \(chromium): \(error.localizedDescription)") }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            throw Failure(description: "Chromium did not finish printing within \(timeout)")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0, let data = try? Data(contentsOf: temporary), data.starts(with: Array("%PDF".utf8)) else {
            let detail = message.split(separator: "\n").filter { !$0.contains("dbus") }.suffix(3).joined(separator: "; ")
            throw Failure(description: "Chromium could not print \(html.lastPathComponent) (exit \(process.terminationStatus))"
                          + (detail.isEmpty ? "" : ": \(detail)"))
        }
        // rename(2) replaces the old PDF in one step; Foundation's replaceItemAt on Linux could
        // fail after removing it.
        if let failure = AtomicFile.rename(temporary, to: pdf) {
            throw Failure(description: "cannot write \(pdf.path): \(failure)")
        }
    }
}
