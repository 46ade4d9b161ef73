import Crypto
import FMEncoding

/// A 32-byte SHA-256 digest: transaction ids, federation ids, block hashes.
public struct Hash256: Hashable, Comparable, Sendable {
    public let bytes: [UInt8]

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        self.bytes = Array(bytes)
    }

    public init?(hex: some StringProtocol) {
        guard let raw = Hex.decode(hex) else { return nil }
        self.init(bytes: raw)
    }

    public static func sha256(_ data: some Sequence<UInt8>) -> Hash256 {
        var hasher = SHA256()
        hasher.update(data: Array(data))
        return Hash256(unchecked: Array(hasher.finalize()))
    }

    /// SHA-256 of a value's canonical encoding: the one way fm names a value.
    public static func of(_ value: some CanonicalEncodable) -> Hash256 {
        sha256(value.canonicalBytes)
    }

    private init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    public var hex: String { Hex.encode(bytes) }

    public static func < (a: Hash256, b: Hash256) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}

extension Hash256: CustomStringConvertible {
    public var description: String { hex }
}

extension Hash256: CanonicalCodable {
    public func encode(to encoder: inout CanonicalEncoder) { encoder.writeFixed(bytes) }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        bytes = try decoder.readFixed(32)
    }
}

extension Hash256: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Hash256(hex: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected 64 hex characters")
        }
        self = value
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
