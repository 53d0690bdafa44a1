import CZlib

/// Every zlib call of the package: gzip streams for the data loaders (and the tests that
/// write them), zlib streams and CRC-32 for PNG images.
public enum Zlib {
    /// Why a gzip stream could not be decompressed, in words for an error message.
    public struct GzipFailure: Error, Sendable {
        public var detail: String
    }

    /// Decompresses a whole gzip stream (several members are accepted, as gzip does).
    public static func gunzip(_ compressed: [UInt8], limit: Int) throws(GzipFailure) -> [UInt8] {
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

    /// `bytes` compressed as a gzip stream.
    public static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16: write a gzip header and trailer.
        precondition(deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                                   Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        let written = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<written])
    }

    /// `bytes` as a zlib stream at the best compression (PNG's IDAT).
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var length = compressBound(UInt(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = compress2(&output, &length, bytes, UInt(bytes.count), 9)
        precondition(status == Z_OK, "zlib compress2 failed: \(status)")
        return Array(output[0..<Int(length)])
    }

    /// The CRC-32 of `bytes` (PNG's chunk checksum).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, UInt32($0.count))) }
    }
}
