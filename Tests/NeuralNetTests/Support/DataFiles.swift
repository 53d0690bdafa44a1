import CZlib
import Foundation
@_exported import TestSupport

/// Small IDX and CIFAR files made on the spot.
enum DataFiles {
    /// An IDX header with the given magic and dimensions, big-endian.
    static func idxHeader(magic: UInt32, dimensions: [Int]) -> [UInt8] {
        let words: [UInt32] = [magic] + dimensions.map(UInt32.init)
        return words.flatMap { (value: UInt32) -> [UInt8] in
            [24, 16, 8, 0].map { (shift: UInt32) in UInt8(truncatingIfNeeded: value >> shift) }
        }
    }

    /// `count` images of `rows × columns` pixels; pixel (i, p) = (i · 7 + p) mod 256.
    static func idxImages(count: Int, rows: Int = 3, columns: Int = 2) -> [UInt8] {
        let size = rows * columns
        let pixels: [UInt8] = (0..<count * size).map { index in
            let image = index / size, pixel = index % size
            return UInt8((image * 7 + pixel) % 256)
        }
        return idxHeader(magic: 0x803, dimensions: [count, rows, columns]) + pixels
    }

    /// Labels 0, 1, …, 9, 0, … for `count` examples.
    static func idxLabels(count: Int) -> [UInt8] {
        idxHeader(magic: 0x801, dimensions: [count]) + (0..<count).map { UInt8($0 % 10) }
    }

    /// CIFAR-10 records: example i has label i mod 10 and pixel p = (i + p) mod 256.
    static func cifarBatch(count: Int, firstIndex: Int = 0) -> [UInt8] {
        (firstIndex..<firstIndex + count).flatMap { (index: Int) -> [UInt8] in
            let pixels: [UInt8] = (0..<3072).map { UInt8((index + $0) % 256) }
            return [UInt8(index % 10)] + pixels
        }
    }

    /// `bytes` compressed as a gzip stream.
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
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
}
