import FMCore
import FMCrypto

/// The public keys of one denomination: the federation's aggregate key, which notes verify against, and every
/// guardian's public key share (indexed by peer id), which that guardian's signature shares verify against.
///
/// Held as the compressed points the config carries and decoded, with the subgroup check, on first use
/// (``StoredThresholdKeys``): a config holds (k + 1)·(n + 1) G2 points, which a command that verifies nothing
/// (`fm-mint balance`) should not pay for. A key that does not decode throws ``MintError/invalidConfig(_:)`` at
/// that use; it is never used unchecked.
public struct MintDenominationKeys: Hashable, Sendable, Codable {
    public let denomination: Denomination
    private let keys: StoredThresholdKeys

    /// Keys already in hand (dealt or generated): nothing left to check.
    public init(denomination: Denomination, aggregatePublicKey: AggregatePublicKey, publicKeyShares: [PublicKeyShare]) {
        self.denomination = denomination
        keys = StoredThresholdKeys(aggregate: aggregatePublicKey, shares: publicKeyShares)
    }

    /// Keys as stored: only their lengths are checked here, the points when first used.
    public init(denomination: Denomination, encodedAggregate: [UInt8], encodedShares: [[UInt8]]) throws(MintError) {
        self.denomination = denomination
        do { keys = try StoredThresholdKeys(encodedAggregate: encodedAggregate, encodedShares: encodedShares) } catch {
            throw Self.configError(denomination, error)
        }
    }

    /// The aggregate key's 96-byte compressed encoding, as the config carries it.
    public var encodedAggregate: [UInt8] { keys.encodedAggregate }
    /// Each guardian's 96-byte compressed public key share, in peer order.
    public var encodedShares: [[UInt8]] { keys.encodedShares }

    /// The number of guardians (no decoding).
    public var peerCount: Int { keys.peerCount }

    /// The aggregate key, decoded and checked (subgroup, not the identity) on first use.
    public var aggregatePublicKey: AggregatePublicKey {
        get throws(MintError) {
            do { return try keys.aggregate() } catch { throw Self.configError(denomination, error) }
        }
    }

    /// Guardian `peer`'s public key share, decoded and checked on first use; nil for a peer the config lacks.
    public func publicKeyShare(_ peer: Int) throws(MintError) -> PublicKeyShare? {
        do { return try keys.share(peer) } catch { throw Self.configError(denomination, error) }
    }

    /// Every guardian's public key share, in peer order.
    public var publicKeyShares: [PublicKeyShare] {
        get throws(MintError) {
            do { return try keys.shares() } catch { throw Self.configError(denomination, error) }
        }
    }

    /// Decodes and checks every key of this denomination now.
    public func checkAll() throws(MintError) {
        do { try keys.checkAll() } catch { throw Self.configError(denomination, error) }
    }

    private static func configError(_ denomination: Denomination, _ error: StoredThresholdKeyError) -> MintError {
        let key = switch error.key {
        case .aggregate: "aggregate public key"
        case .share(let peer): "public key share \(peer)"
        }
        return .invalidConfig("the \(denomination) denomination's \(key) \(error.problem)")
    }

    // Equal by denomination and key bytes, as ``StoredThresholdKeys`` is.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.denomination == rhs.denomination && lhs.keys == rhs.keys
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(denomination)
        hasher.combine(keys)
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
