import FMCore
import FMCrypto
import Synchronization

/// The public keys of one denomination: the federation's aggregate key, which notes verify against, and every
/// guardian's public key share (indexed by peer id), which that guardian's signature shares verify against.
///
/// Held as the compressed points the config carries and decoded, with the subgroup check, on first use: decoding
/// a G2 point costs a square root in 𝔽p² and a subgroup check, and a config holds (k + 1)·(n + 1) of them, which a
/// command that verifies nothing (`fm-mint balance`) should not pay for (docs/benchmarks/cli-start.md). A key that
/// does not decode throws ``MintError/invalidConfig(_:)`` at that use; it is never used unchecked.
public struct MintDenominationKeys: Hashable, Sendable, Codable {
    public let denomination: Denomination
    /// The aggregate key's 96-byte compressed encoding, as the config carries it.
    public let encodedAggregate: [UInt8]
    /// Each guardian's 96-byte compressed public key share, in peer order.
    public let encodedShares: [[UInt8]]
    private let decoded: DecodedKeys

    /// Keys already in hand (dealt or generated): nothing left to check.
    public init(denomination: Denomination, aggregatePublicKey: AggregatePublicKey, publicKeyShares: [PublicKeyShare]) {
        self.denomination = denomination
        encodedAggregate = aggregatePublicKey.canonicalBytes
        encodedShares = publicKeyShares.map(\.canonicalBytes)
        decoded = DecodedKeys(aggregate: aggregatePublicKey, shares: publicKeyShares)
    }

    /// Keys as stored: only their lengths are checked here, the points when first used.
    public init(denomination: Denomination, encodedAggregate: [UInt8], encodedShares: [[UInt8]]) throws(MintError) {
        let length = 96  // a compressed G2 point
        guard encodedAggregate.count == length else {
            throw .invalidConfig("the \(denomination) denomination's aggregate public key is not \(length) bytes")
        }
        if let peer = encodedShares.firstIndex(where: { $0.count != length }) {
            throw .invalidConfig("the \(denomination) denomination's public key share \(peer) is not \(length) bytes")
        }
        self.denomination = denomination
        self.encodedAggregate = encodedAggregate
        self.encodedShares = encodedShares
        decoded = DecodedKeys(aggregate: nil, shares: Array(repeating: nil, count: encodedShares.count))
    }

    /// The number of guardians (no decoding).
    public var peerCount: Int { encodedShares.count }

    /// The aggregate key, decoded and checked (subgroup, not the identity) on first use.
    public var aggregatePublicKey: AggregatePublicKey {
        get throws(MintError) {
            if let key = decoded.state.withLock({ $0.aggregate }) { return key }
            let key: AggregatePublicKey
            do { key = try AggregatePublicKey(canonicalBytes: encodedAggregate) } catch {
                throw .invalidConfig("the \(denomination) denomination's aggregate public key is invalid: \(error.description)")
            }
            decoded.state.withLock { $0.aggregate = key }
            return key
        }
    }

    /// Guardian `peer`'s public key share, decoded and checked on first use; nil for a peer the config lacks.
    public func publicKeyShare(_ peer: Int) throws(MintError) -> PublicKeyShare? {
        guard encodedShares.indices.contains(peer) else { return nil }
        if let share = decoded.state.withLock({ $0.shares[peer] }) { return share }
        let share: PublicKeyShare
        do { share = try PublicKeyShare(canonicalBytes: encodedShares[peer]) } catch {
            throw .invalidConfig("the \(denomination) denomination's public key share \(peer) is invalid: \(error.description)")
        }
        decoded.state.withLock { $0.shares[peer] = share }
        return share
    }

    /// Every guardian's public key share, in peer order.
    public var publicKeyShares: [PublicKeyShare] {
        get throws(MintError) { try encodedShares.indices.map { peer throws(MintError) in try publicKeyShare(peer)! } }
    }

    /// Decodes and checks every key of this denomination now.
    public func checkAll() throws(MintError) {
        _ = try aggregatePublicKey
        _ = try publicKeyShares
    }

    // Compressed encodings are unique, so equal bytes are equal keys; the decoded cache is not part of the value.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.denomination == rhs.denomination && lhs.encodedAggregate == rhs.encodedAggregate
            && lhs.encodedShares == rhs.encodedShares
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(denomination)
        hasher.combine(encodedAggregate)
        hasher.combine(encodedShares)
    }

    enum CodingKeys: String, CodingKey { case denomination, aggregatePublicKey, publicKeyShares }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let denomination = try container.decode(Denomination.self, forKey: .denomination)
        let aggregate = try container.decode(String.self, forKey: .aggregatePublicKey)
        let shares = try container.decode([String].self, forKey: .publicKeyShares)
        guard let aggregateBytes = Hex.decode(aggregate) else {
            throw DecodingError.dataCorruptedError(forKey: .aggregatePublicKey, in: container, debugDescription: "not hex")
        }
        var shareBytes: [[UInt8]] = []
        shareBytes.reserveCapacity(shares.count)
        for text in shares {
            guard let bytes = Hex.decode(text) else {
                throw DecodingError.dataCorruptedError(forKey: .publicKeyShares, in: container, debugDescription: "not hex")
            }
            shareBytes.append(bytes)
        }
        try self.init(denomination: denomination, encodedAggregate: aggregateBytes, encodedShares: shareBytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(denomination, forKey: .denomination)
        try container.encode(Hex.encode(encodedAggregate), forKey: .aggregatePublicKey)
        try container.encode(encodedShares.map(Hex.encode), forKey: .publicKeyShares)
    }
}

/// The decoded keys of one denomination, filled in as they are first used (shared by copies of the value).
private final class DecodedKeys: Sendable {
    struct State {
        var aggregate: AggregatePublicKey?
        var shares: [PublicKeyShare?]
    }

    let state: Mutex<State>

    init(aggregate: AggregatePublicKey?, shares: [PublicKeyShare?]) {
        state = Mutex(State(aggregate: aggregate, shares: shares))
    }
}
