import Foundation

/// The IDX format of MNIST and Fashion-MNIST: a big-endian header (two zero bytes, a type
/// byte 0x08 for unsigned bytes, the number of dimensions, then each dimension as a 32-bit
/// integer) followed by the values. Gzipped files are read as well.
public enum IDX {
    /// Magic number of an image file: unsigned bytes, three dimensions (count, rows, columns).
    public static let imageMagic: UInt32 = 0x0000_0803
    /// Magic number of a label file: unsigned bytes, one dimension (count).
    public static let labelMagic: UInt32 = 0x0000_0801

    /// Reads an IDX file whose magic number must be `magic`; returns its dimensions and values.
    public static func read(_ url: URL, magic: UInt32) throws(DataError) -> (dimensions: [Int], values: ArraySlice<UInt8>) {
        try parse(FileBytes.read(url), path: url.path, magic: magic)
    }

    /// Reads the (decompressed) bytes of an IDX file; `path` names it in errors.
    static func parse(_ bytes: [UInt8], path: String, magic: UInt32) throws(DataError) -> (dimensions: [Int], values: ArraySlice<UInt8>) {
        guard bytes.count >= 4 else { throw DataError(path: path, .truncated(expected: 4, found: bytes.count)) }
        let found = bigEndian(bytes, at: 0)
        guard found == magic else { throw DataError(path: path, .wrongMagic(expected: magic, found: found)) }
        let dimensionCount = Int(magic & 0xff)
        let headerSize = 4 + 4 * dimensionCount
        guard bytes.count >= headerSize else {
            throw DataError(path: path, .truncated(expected: headerSize, found: bytes.count))
        }
        let dimensions = (0..<dimensionCount).map { Int(bigEndian(bytes, at: 4 + 4 * $0)) }
        // Dimensions are 32-bit each, so their product can overflow: refuse more values
        // than any data set has (2³¹ − 1) before multiplying further.
        var valueCount = 1
        for dimension in dimensions {
            let (product, overflow) = valueCount.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= Int(Int32.max) else {
                let shape = dimensions.map(String.init).joined(separator: "x")
                throw DataError(path: path, .wrongDimensions("\(shape) is more values than any data set holds"))
            }
            valueCount = product
        }
        let expected = headerSize + valueCount
        if bytes.count < expected { throw DataError(path: path, .truncated(expected: expected, found: bytes.count)) }
        if bytes.count > expected { throw DataError(path: path, .trailingBytes(expected: expected, found: bytes.count)) }
        return (dimensions, bytes[headerSize...])
    }

    /// Reads a pair of IDX files, images and labels, into a data set with features in [0, 1].
    public static func load(
        images: URL, labels: URL, name: String, classNames: [String]
    ) throws(DataError) -> Dataset {
        try dataset(images: (FileBytes.read(images), images.path), labels: (FileBytes.read(labels), labels.path),
                    name: name, classNames: classNames)
    }

    /// A data set from the (decompressed) bytes of an image file and a label file.
    static func dataset(
        images: (bytes: [UInt8], path: String), labels: (bytes: [UInt8], path: String), name: String, classNames: [String]
    ) throws(DataError) -> Dataset {
        let (imageDimensions, pixels) = try parse(images.bytes, path: images.path, magic: imageMagic)
        let (labelDimensions, labelBytes) = try parse(labels.bytes, path: labels.path, magic: labelMagic)
        let count = imageDimensions[0], height = imageDimensions[1], width = imageDimensions[2]
        guard height > 0, width > 0 else {
            throw DataError(path: images.path, .wrongDimensions("images of \(height)x\(width) pixels"))
        }
        guard count > 0 else { throw DataError(path: images.path, .wrongDimensions("no images")) }
        guard labelDimensions[0] == count else {
            throw DataError(path: labels.path, .countMismatch(images: count, labels: labelDimensions[0]))
        }
        var labelValues = [Int32](repeating: 0, count: count)
        for (index, byte) in labelBytes.enumerated() {
            guard Int(byte) < classNames.count else {
                throw DataError(path: labels.path, .badLabel(value: Int(byte), index: index, classes: classNames.count))
            }
            labelValues[index] = Int32(byte)
        }
        return Dataset(
            name: name, shape: FeatureShape(channels: 1, height: height, width: width), classNames: classNames,
            features: pixels.map { Float($0) / 255 }, labels: labelValues)
    }

    private static func bigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 << 8 | UInt32(bytes[offset + $1]) }
    }
}
