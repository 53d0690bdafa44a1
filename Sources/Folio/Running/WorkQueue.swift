import Foundation
import NeuralNet

/// The seeds a build trains and what became of them, shared by the job threads under a lock.
final class WorkQueue: @unchecked Sendable {
    typealias Item = TrainingSchedule.Item
    private let lock = NSLock()
    private var pending: [Item] = []
    private var position = 0
    private(set) var records: [[SeedRecord?]]
    private(set) var failures: [Int: DataError] = [:]
    private(set) var storeErrors: [String] = []

    /// `records`: every run's seeds, nil where a seed is still to train.
    init(records: [[SeedRecord?]]) {
        self.records = records
    }

    /// Makes `items` the seeds that `next` hands out, in order.
    func enqueue(_ items: [Item]) {
        lock.withLock {
            pending = items
            position = 0
        }
    }

    func next() -> Item? {
        lock.withLock {
            guard position < pending.count else { return nil }
            position += 1
            return pending[position - 1]
        }
    }

    func finished(_ item: Item, _ record: SeedRecord) { lock.withLock { records[item.run][item.seed] = record } }
    func failed(_ item: Item, _ error: DataError) { lock.withLock { failures[item.run] = error } }
    func storeFailed(_ message: String) { lock.withLock { storeErrors.append(message) } }
}
