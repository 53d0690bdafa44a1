import Foundation
import NeuralNet

/// What identifies a data set's contents: the SHA-256 of each of its files, so a copied or
/// re-installed data set with the same bytes gives the same cache keys on any machine.
///
/// Hashing Fashion-MNIST's 30 MB takes a fraction of a second, which a rebuild after a prose
/// edit must not pay, so each file's hash is remembered in `<cache>/data-hashes.json` with
/// the file's path, size, modification time and inode, and read again only when one of those
/// changes.
final class DataFingerprints: @unchecked Sendable {
    private struct Remembered: Codable {
        var stamp: FileStamp
        var sha256: String
    }

    private let memoFile: URL
    private let lock = NSLock()
    private var remembered: [String: Remembered]
    private var changed = false

    init(cacheDirectory: URL) {
        memoFile = cacheDirectory.appendingPathComponent("data-hashes.json")
        remembered = (try? Data(contentsOf: memoFile)).flatMap { try? JSONDecoder().decode([String: Remembered].self, from: $0) } ?? [:]
    }

    /// `source|name:sha256,...` over the folder's files; a fixed name for generated sets.
    func fingerprint(for source: DataSource, directory: String) -> String {
        if source.isSynthetic { return "\(source.rawValue)-synthetic-v1" }
        let parts = DataLocation.files(for: source, directory: directory).map { file in
            "\(file.name):\(hash(file.path) ?? "unreadable")"
        }
        return source.rawValue + "|" + parts.joined(separator: ",")
    }

    /// Writes the remembered hashes if any changed; a memo that cannot be written only costs
    /// time at the next build.
    func save() {
        let data: Data? = lock.withLock {
            guard changed else { return nil }
            changed = false
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return try? encoder.encode(remembered)
        }
        guard let data else { return }
        try? FileManager.default.createDirectory(at: memoFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? AtomicFile.write(data, to: memoFile)
    }

    /// The file's SHA-256, remembered while its stamp stays the same; nil when unreadable.
    private func hash(_ path: String) -> String? {
        let stamp = FileStamp(URL(fileURLWithPath: path))
        if let known = lock.withLock({ remembered[path] }), known.stamp == stamp { return known.sha256 }
        guard let digest = Self.sha256(ofFile: path) else { return nil }
        lock.withLock {
            remembered[path] = Remembered(stamp: stamp, sha256: digest)
            changed = true
        }
        return digest
    }

    /// Reads the file a megabyte at a time.
    static func sha256(ofFile path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            // nil or empty at the end of the file.
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                chunk.withUnsafeBytes { hasher.update($0) }
            }
        } catch {
            return nil
        }
        return hasher.finish().map { String(format: "%02x", $0) }.joined()
    }
}
