import Folio
import Foundation
import NeuralNet

/// Progress on standard error: a live bar per training run on a terminal; one plain line per
/// epoch when standard error is not a terminal or `CI` is set.
final class ConsoleProgress: ProgressSink, @unchecked Sendable {
    private let live: Bool
    private let lock = NSLock()
    private var active: [(key: String, epoch: Int, epochs: Int, step: Int, steps: Int)] = []
    private var drawnLines = 0
    private var lastDraw = ContinuousClock.now

    init() {
        live = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
    }

    private static func key(_ run: String, _ seed: UInt64) -> String { "\(run) (seed \(seed))" }

    func planned(_ summary: BuildPlan.Summary) {
        // A warm rebuild says nothing here: the line after the build says it trained nothing.
        guard summary.seedsToTrain > 0 || summary.frozen > 0 else { return }
        printError("\(summary)")
    }

    func started(run: String, seed: UInt64, epochs: Int, stepsPerEpoch: Int) {
        lock.withLock {
            active.append((Self.key(run, seed), 1, epochs, 0, stepsPerEpoch))
            if live { draw(force: true) } else { printError("training \(Self.key(run, seed)): \(epochs) epochs of \(stepsPerEpoch) steps") }
        }
    }

    func step(run: String, seed: UInt64, epoch: Int, step: Int) {
        guard live else { return }
        lock.withLock {
            if let index = active.firstIndex(where: { $0.key == Self.key(run, seed) }) {
                active[index].epoch = epoch
                active[index].step = step
            }
            draw(force: false)
        }
    }

    func epoch(run: String, seed: UInt64, metrics: EpochMetrics, epochs: Int) {
        guard !live else { return }
        let validation = metrics.validationAccuracy.map { String(format: ", val_accuracy %.4f", $0) } ?? ""
        printError(String(format: "  %@ epoch %d/%d: loss %.4f, accuracy %.4f%@ (%.1f s)", Self.key(run, seed), metrics.epoch, epochs,
                          metrics.loss, metrics.accuracy, validation, metrics.seconds))
    }

    func finished(run: String, seed: UInt64) {
        lock.withLock {
            active.removeAll { $0.key == Self.key(run, seed) }
            guard live else { return }
            // Erase every bar, print the finished run where they began, redraw the rest below.
            if drawnLines > 0 {
                let erase = "\u{1B}[\(drawnLines)A" + String(repeating: "\u{1B}[2K\n", count: drawnLines) + "\u{1B}[\(drawnLines)A"
                FileHandle.standardError.write(Data(erase.utf8))
            }
            printError("trained \(Self.key(run, seed))")
            drawnLines = 0
            draw(force: true)
        }
    }

    /// Redraws the bars in place (at most 10 times a second unless forced).
    private func draw(force: Bool) {
        let now = ContinuousClock.now
        guard force || now - lastDraw > .milliseconds(100) else { return }
        lastDraw = now
        var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
        for run in active {
            let done = Double((run.epoch - 1) * run.steps + run.step) / Double(max(run.epochs * run.steps, 1))
            let filled = Int(done * 24)
            text += "\u{1B}[2K\(run.key) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: 24 - filled)
                + "] epoch \(run.epoch)/\(run.epochs)\n"
        }
        if active.count < drawnLines { text += String(repeating: "\u{1B}[2K\n", count: drawnLines - active.count) + "\u{1B}[\(drawnLines - active.count)A" }
        drawnLines = active.count
        FileHandle.standardError.write(Data(text.utf8))
    }
}
