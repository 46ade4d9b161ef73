import Crypto

/// A 32-byte double-SHA256 hash (txid, wtxid, block hash, merkle node), stored in the
/// byte order it is computed and serialized in. Bitcoin shows these reversed, which is
/// what ``description`` and ``init(displayHex:)`` use.
public struct Hash256: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let bytes: [UInt8]

    public static let zero = Hash256(unchecked: [UInt8](repeating: 0, count: 32))

    /// From 32 bytes in internal (serialized) order.
    public init(bytes: some Collection<UInt8>) throws {
        guard bytes.count == 32 else {
            throw BitcoinError.invalidValue(field: "hash", reason: "expected 32 bytes, got \(bytes.count)")
        }
        self.bytes = Array(bytes)
    }

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// From the reversed hex Bitcoin Core displays (txids, block hashes).
    public init(displayHex: String) throws {
        guard let raw = Hex.decode(displayHex), raw.count == 32 else {
            throw BitcoinError.invalidValue(field: "hash", reason: "expected 64 hex digits, got \"\(displayHex)\"")
        }
        bytes = raw.reversed()
    }

    /// `SHA256(SHA256(data))`.
    public static func of(_ data: some Sequence<UInt8>) -> Hash256 { Hash256(unchecked: sha256d(Array(data))) }

    public var displayHex: String { Hex.encode(bytes.reversed()) }
    public var description: String { displayHex }

    public static func < (lhs: Hash256, rhs: Hash256) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    public init(from decoder: any Decoder) throws {
        try self.init(displayHex: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(displayHex)
    }
}

public func sha256(_ data: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: data)) }
public func sha256d(_ data: [UInt8]) -> [UInt8] { sha256(sha256(data)) }
/// `RIPEMD160(SHA256(data))`, the hash in P2PKH/P2WPKH/P2SH.
public func hash160(_ data: [UInt8]) -> [UInt8] { RIPEMD160.hash(sha256(data)) }

/// Lower-case hex encoding and decoding.
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xf)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// `nil` for odd length or a non-hex character.
    public static func decode(_ string: String) -> [UInt8]? {
        let utf8 = Array(string.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let high = nibble(utf8[i]), let low = nibble(utf8[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }
}
