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
}
