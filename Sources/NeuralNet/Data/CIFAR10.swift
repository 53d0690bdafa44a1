import Foundation

/// CIFAR-10's binary format: records of one label byte followed by 3,072 pixel bytes, the
/// red, green and blue 32×32 planes in turn (already NCHW). Training data is
/// `data_batch_1.bin` … `data_batch_5.bin`, test data `test_batch.bin`.
public enum CIFAR10 {
    /// The ten classes, in label order.
    public static let classNames = [
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    ]
    /// Bytes per record: one label and 3 × 32 × 32 pixels.
    public static let recordSize = 1 + 3 * 32 * 32

    /// Reads batch files into one data set with features in [0, 1].
    public static func load(batches: [URL], name: String) throws(DataError) -> Dataset {
        var files: [(bytes: [UInt8], path: String)] = []
        for url in batches { files.append((try FileBytes.read(url), url.path)) }
        return try dataset(files, name: name)
    }

    /// A data set from the (decompressed) bytes of batch files.
    static func dataset(_ files: [(bytes: [UInt8], path: String)], name: String) throws(DataError) -> Dataset {
        var features: [Float] = []
        var labels: [Int32] = []
        for (bytes, path) in files {
            guard bytes.count % recordSize == 0 else {
                let expected = (bytes.count / recordSize + 1) * recordSize
                throw DataError(path: path, .truncated(expected: expected, found: bytes.count))
            }
            features.reserveCapacity(features.count + bytes.count)
            for start in stride(from: 0, to: bytes.count, by: recordSize) {
                let label = Int(bytes[start])
                guard label < classNames.count else {
                    throw DataError(path: path, .badLabel(value: label, index: start / recordSize, classes: classNames.count))
                }
                labels.append(Int32(label))
                for offset in 1..<recordSize { features.append(Float(bytes[start + offset]) / 255) }
            }
        }
        return Dataset(
            name: name, shape: FeatureShape(channels: 3, height: 32, width: 32), classNames: classNames,
            features: features, labels: labels)
    }
}
