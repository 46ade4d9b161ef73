import FMEncoding

/// A guardian's index in the federation, 0 ..< n. Threshold cryptography
/// evaluates polynomials at `shamirX` = index + 1, because x = 0 is the secret.
public struct PeerID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public var shamirX: UInt64 { UInt64(rawValue) + 1 }

    public static func < (a: PeerID, b: PeerID) -> Bool { a.rawValue < b.rawValue }

    public var description: String { "peer \(rawValue)" }
}

extension PeerID: CanonicalCodable {
    public func encode(to encoder: inout CanonicalEncoder) { encoder.write(rawValue) }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        rawValue = try decoder.read(UInt16.self)
    }
}

extension PeerID: Codable {
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(UInt16.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The fault tolerance of a federation of `count` guardians: it stays safe
/// and live with up to `maxFaulty` = floor((n-1)/3) guardians Byzantine, and
/// anything it decides needs `threshold` = n - maxFaulty of them.
public struct FederationSize: Hashable, Sendable {
    public let count: Int

    public init(_ count: Int) {
        precondition(count >= 1, "a federation has at least one guardian")
        self.count = count
    }

    public var maxFaulty: Int { (count - 1) / 3 }
    public var threshold: Int { count - maxFaulty }
    public var peers: [PeerID] { (0..<count).map { PeerID(UInt16($0)) } }
}
