import Foundation

/// `folio cache import`: merges result caches trained elsewhere (shards of a sweep).
public enum CacheImport {
    /// What merging another cache folder did.
    public struct Count: Sendable {
        public var imported = 0
        public var alreadyPresent = 0
        /// File names (in `runs/`) of entries that failed their checksum or whose name is not
        /// their key (not copied).
        public var damaged: [String] = []
    }

    /// Copies every entry of `other`'s `runs/` that verifies into the cache at `directory`
    /// (written atomically, so processes importing into one cache at once are safe; an
    /// entry already there is left alone).
    public static func importEntries(from other: URL, into directory: URL) throws -> Count {
        let source = other.appendingPathComponent("runs"), target = ResultCache(directory: directory)
        var count = Count()
        let names = try FileManager.default.contentsOfDirectory(atPath: source.path).filter { $0.hasSuffix(".json") }.sorted()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("runs"), withIntermediateDirectories: true)
        for name in names {
            let key = String(name.dropLast(5))
            guard let record = ResultCache(directory: other).load(key) else {
                count.damaged.append(name)
                continue
            }
            if target.load(key) != nil {
                count.alreadyPresent += 1
            } else {
                try target.store(record, key: key)
                count.imported += 1
            }
        }
        return count
    }
}
