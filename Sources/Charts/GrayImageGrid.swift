import Zlib

/// Grey-scale images laid out in a grid and encoded as one PNG, for sample figures of image
/// data sets. Pixels are in [0, 1]; 0 is drawn white and 1 black, as ink on paper.
public struct GrayImageGrid: Sendable {
    public var imageWidth: Int
    public var imageHeight: Int
    /// Rows of images; each image has `imageWidth × imageHeight` pixels.
    public var rows: [[[Float]]]
    /// Pixels between images.
    public var gap = 2

    public init(imageWidth: Int, imageHeight: Int, rows: [[[Float]]]) {
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.rows = rows
    }

    public var pixelWidth: Int { (rows.map(\.count).max() ?? 0) * (imageWidth + gap) + gap }
    public var pixelHeight: Int { rows.count * (imageHeight + gap) + gap }

    /// The grid as PNG bytes (8-bit grey, zlib-compressed).
    public func png() -> [UInt8] {
        let width = pixelWidth, height = pixelHeight
        var raw = [UInt8](repeating: 255, count: (width + 1) * height)
        for y in 0..<height { raw[y * (width + 1)] = 0 }  // filter type "none" per scanline
        for (r, images) in rows.enumerated() {
            for (c, image) in images.enumerated() {
                let left = gap + c * (imageWidth + gap), top = gap + r * (imageHeight + gap)
                for y in 0..<imageHeight {
                    for x in 0..<imageWidth {
                        let value = min(max(image[y * imageWidth + x], 0), 1)
                        raw[(top + y) * (width + 1) + 1 + left + x] = UInt8((1 - value) * 255)
                    }
                }
            }
        }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += Self.chunk("IHDR", Self.bigEndian(UInt32(width)) + Self.bigEndian(UInt32(height)) + [8, 0, 0, 0, 0])
        png += Self.chunk("IDAT", Zlib.compress(raw))
        png += Self.chunk("IEND", [])
        return png
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        let checksum = Zlib.crc32(body)
        return bigEndian(UInt32(data.count)) + body + bigEndian(checksum)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
}
