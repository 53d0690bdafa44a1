import Foundation
import NeuralNet

/// The data sets a build has read, each read once however many runs (and job threads) and
/// previews ask for it.
final class DatasetStore: @unchecked Sendable {
    private let lock = NSLock()
    private var loaded: [String: Result<Dataset, DataError>] = [:]

    /// One split of a data set: read on the first call for it, from memory after. A thread
    /// that asks while another is reading waits for that read instead of starting its own
    /// (the lock is held while reading: runs that need other data wait too, but a build's
    /// runs share a few data sets, and the first read of each is what they would wait for).
    func load(_ source: DataSource, _ split: DataSource.Split, _ directory: String) throws(DataError) -> Dataset {
        let key = "\(source.rawValue)|\(split.rawValue)|\(directory)"
        lock.lock()
        defer { lock.unlock() }
        if let cached = loaded[key] { return try cached.get() }
        let result: Result<Dataset, DataError>
        do throws(DataError) { result = .success(try source.load(split, directory: directory)) } catch { result = .failure(error) }
        loaded[key] = result
        return try result.get()
    }
}
