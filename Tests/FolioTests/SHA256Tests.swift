import Foundation
import Testing
@testable import Folio

/// SHA-256 against the FIPS 180-4 examples, fed byte by byte and in blocks from memory, split
/// at every offset of a block so that both paths meet.
@Suite struct SHA256Tests {
    static let vectors: [(String, String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ]

    @Test func knownDigests() {
        for (text, digest) in Self.vectors { #expect(SHA256.hex(Array(text.utf8)) == digest, "\(text)") }
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        var hasher = SHA256()
        million.withUnsafeBytes { hasher.update($0) }
        #expect(hasher.finish().map { String(format: "%02x", $0) }.joined() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func bytesAndBlocksGiveTheSameDigest() {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let expected = SHA256.hex(bytes)
        for split in 0...bytes.count {
            var hasher = SHA256()
            hasher.update(bytes[..<split])
            bytes[split...].withUnsafeBytes { hasher.update($0) }
            #expect(hasher.finish().map { String(format: "%02x", $0) }.joined() == expected, "split at \(split)")
        }
    }
}
