import Folio
import Foundation
import NeuralNet

/// Passes training progress of one notebook's build to the open pages (at most five
/// `progress` events a second) and to the terminal's own display.
final class PagesProgress: ProgressSink, @unchecked Sendable {
    private let channel: LiveChannel
    private let notebook: String
    private let build: Int
    private let terminal: ProgressSink?
    private let lock = NSLock()
    private var seedsToTrain = 0, started = 0, finished = 0
    private var active: [String: (name: String, order: Int, epoch: Int, epochs: Int, done: Double)] = [:]
    private var trainingStart = ContinuousClock.now
    private var lastSent = ContinuousClock.now - .seconds(1)

    init(channel: LiveChannel, notebook: String, build: Int, terminal: ProgressSink?) {
        self.channel = channel
        self.notebook = notebook
        self.build = build
        self.terminal = terminal
    }

    private static func key(_ run: String, _ seed: UInt64) -> String { "\(run) (seed \(seed))" }

    func willTrain(seeds: Int, of total: Int) {
        lock.withLock {
            seedsToTrain = seeds
            trainingStart = .now
        }
        terminal?.willTrain(seeds: seeds, of: total)
    }

    func started(run: String, seed: UInt64, epochs: Int, stepsPerEpoch: Int) {
        lock.withLock {
            started += 1
            active[Self.key(run, seed)] = (Self.key(run, seed), started, 1, epochs, 0)
        }
        send(force: true)
        terminal?.started(run: run, seed: seed, epochs: epochs, stepsPerEpoch: stepsPerEpoch)
    }

    func step(run: String, seed: UInt64, epoch: Int, step: Int) {
        lock.withLock {
            guard var entry = active[Self.key(run, seed)] else { return }
            entry.epoch = epoch
            active[Self.key(run, seed)] = entry
        }
        send(force: false)
        terminal?.step(run: run, seed: seed, epoch: epoch, step: step)
    }

    func epoch(run: String, seed: UInt64, metrics: EpochMetrics, epochs: Int) {
        lock.withLock {
            guard var entry = active[Self.key(run, seed)] else { return }
            entry.done = Double(metrics.epoch) / Double(max(epochs, 1))
            entry.epoch = min(metrics.epoch + 1, epochs)
            active[Self.key(run, seed)] = entry
        }
        send(force: true)
        terminal?.epoch(run: run, seed: seed, metrics: metrics, epochs: epochs)
    }

    func finished(run: String, seed: UInt64) {
        lock.withLock {
            finished += 1
            active[Self.key(run, seed)] = nil
        }
        terminal?.finished(run: run, seed: seed)
    }

    /// The banner's event: the run seed started last, and the time left extrapolated from
    /// the fraction of the build's training done so far (whole epochs count).
    private func send(force: Bool) {
        let event: PreviewEvent? = lock.withLock {
            let now = ContinuousClock.now
            guard force || now - lastSent >= .milliseconds(200), let current = active.values.max(by: { $0.order < $1.order }) else { return nil }
            lastSent = now
            let done = Double(finished) + active.values.reduce(0) { $0 + $1.done }
            let elapsed = (now - trainingStart).seconds
            let left = done > 0 ? elapsed * (Double(seedsToTrain) - done) / done : nil
            let progress = PreviewEvent.Progress(
                run: min(max(started, 1), max(seedsToTrain, 1)), runs: max(seedsToTrain, 1), name: current.name,
                epoch: current.epoch, epochs: current.epochs, secondsLeft: left.map { max($0, 0) })
            return PreviewEvent(type: .progress, notebook: notebook, build: build, progress: progress)
        }
        if let event { channel.send(event) }
    }
}
