import Foundation
import NeuralNet

/// One file per (run spec, seed) under the cache folder, named by the SHA-256 of the
/// resolved spec, the data's fingerprint and the engine version. Each file carries a
/// checksum of its record; an entry that does not verify is treated as missing.
struct ResultCache: Sendable {
    var directory: URL

    struct Entry: Codable {
        var key: String
        var checksum: String
        var record: SeedRecord
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// The SHA-256 of `value`'s JSON (sorted keys), which cache files store beside a value so
    /// that a damaged or edited entry is detected; nil when it cannot be encoded.
    static func checksum<Value: Encodable>(_ value: Value) -> String? {
        (try? encoder().encode(value)).map(SHA256.hex)
    }

    /// The key of a single-seed spec on data with `fingerprint`.
    static func key(spec: RunSpec, fingerprint: String) -> String {
        let json = (try? encoder().encode(spec)) ?? Data()
        return SHA256.hex(Array(json) + Array("|\(fingerprint)|\(Engine.version)".utf8))
    }

    private func file(_ key: String) -> URL { directory.appendingPathComponent("runs/\(key).json") }

    /// The stored record, or nil when absent, unreadable or corrupt.
    func load(_ key: String) -> SeedRecord? {
        guard let data = try? Data(contentsOf: file(key)),
              let entry = try? Self.decoder().decode(Entry.self, from: data),
              entry.key == key,
              Self.checksum(entry.record) == entry.checksum
        else { return nil }
        return entry.record
    }

    /// Stores `record` atomically (written to a temporary file, then renamed).
    func store(_ record: SeedRecord, key: String) throws {
        let recordData = try Self.encoder().encode(record)
        let entry = Entry(key: key, checksum: SHA256.hex(recordData), record: record)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("runs"), withIntermediateDirectories: true)
        try AtomicFile.write(Self.encoder().encode(entry), to: file(key))
    }
}
