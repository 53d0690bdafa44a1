import CZlib
import Foundation

/// Reading a data file whole, gunzipping it when it starts with gzip's magic bytes. All of
/// the engine's zlib calls live here.
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
            return try gunzip(bytes, limit: limit)
        } catch let reason {
            throw DataError(path: path, .corruptCompression(reason.detail))
        }
    }

    struct GzipFailure: Error { var detail: String }

    /// Decompresses a whole gzip stream (several members are accepted, as gzip does).
    static func gunzip(_ compressed: [UInt8], limit: Int = largestDecompressed) throws(GzipFailure) -> [UInt8] {
        var stream = z_stream()
        // 15 + 16: a window of 2^15 and a gzip header.
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw GzipFailure(detail: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(min(compressed.count * 4, limit))
        let chunkSize = 1 << 18
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var input = compressed
        var status: Int32 = Z_OK
        let consumed: Int = input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(chunkSize)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: target[0..<(chunkSize - Int(stream.avail_out))])
                }
                // A new gzip member may follow the end of one.
                if status == Z_STREAM_END && stream.avail_in > 0 {
                    status = inflateReset(&stream)
                }
            } while status == Z_OK && output.count <= limit
            return source.count - Int(stream.avail_in)
        }
        if output.count > limit {
            throw GzipFailure(detail: "it decompresses to more than \(limit >> 20) MiB, more than any data set Folio reads")
        }
        switch status {
        case Z_STREAM_END: return output
        case Z_BUF_ERROR: throw GzipFailure(detail: "the stream ends early after \(consumed) of \(compressed.count) bytes; the file is truncated")
        default:
            let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
            throw GzipFailure(detail: message)
        }
    }
}
