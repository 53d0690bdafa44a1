import Foundation
import Zlib

/// Reading a data file whole, gunzipping it when it starts with gzip's magic bytes.
enum FileBytes {
    /// The file's bytes, decompressed if it is gzip.
    static func read(_ url: URL) throws(DataError) -> [UInt8] {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { throw DataError(path: path, .missing) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DataError(path: path, .unreadable(error.localizedDescription))
        }
        return try decode([UInt8](data), path: path)
    }

    /// Data files larger than this once decompressed are refused (the largest real one,
    /// CIFAR-10's, is 180 MB): a small corrupt or hostile gzip file must not exhaust memory.
    static let largestDecompressed = 1 << 30

    /// `bytes` as read from `path`, decompressed if they are gzip.
    static func decode(_ bytes: [UInt8], path: String, limit: Int = largestDecompressed) throws(DataError) -> [UInt8] {
        guard !bytes.isEmpty else { throw DataError(path: path, .empty) }
        guard bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b else { return bytes }
        do {
            return try Zlib.gunzip(bytes, limit: limit)
        } catch let reason {
            throw DataError(path: path, .corruptCompression(reason.detail))
        }
    }
}
