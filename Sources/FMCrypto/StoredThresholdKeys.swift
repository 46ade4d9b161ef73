import Synchronization

/// A threshold key as a config stores it: the aggregate public key and every peer's public key share (G2 points),
/// held as their 96-byte compressed encodings and each decoded and checked (on the curve, in G2, not the identity)
/// on first use, then kept for the process.
///
/// Decoding a G2 point costs a square root in 𝔽p² and a subgroup check, and a config holds many (the mint's
/// (k + 1)·(n + 1), the Lightning module's n + 1), which a command that verifies or encrypts nothing (`fm-mint
/// balance`) should not pay for (docs/benchmarks/cli-start.md). The only ways to a key are the throwing accessors,
/// so a key is never used unchecked; whoever first trusts a config (a client at join, a guardian at start) calls
/// ``checkAll()``.
public struct StoredThresholdKeys: Hashable, Sendable {
    /// Which key of the set a ``StoredThresholdKeyError`` is about.
    public enum Key: Hashable, Sendable {
        case aggregate
        case share(Int)
    }

    /// The aggregate key's compressed encoding.
    public let encodedAggregate: [UInt8]
    /// Each peer's compressed public key share, in peer order.
    public let encodedShares: [[UInt8]]
    private let decoded: DecodedKeys

    /// Keys already in hand (dealt or generated): nothing left to check.
    public init(aggregate: AggregatePublicKey, shares: [PublicKeyShare]) {
        encodedAggregate = aggregate.canonicalBytes
        encodedShares = shares.map(\.canonicalBytes)
        decoded = DecodedKeys(aggregate: aggregate, shares: shares)
    }

    /// Keys as stored: only their lengths are checked here (the aggregate first, then the shares in peer order),
    /// the points when first used.
    public init(encodedAggregate: [UInt8], encodedShares: [[UInt8]]) throws(StoredThresholdKeyError) {
        let length = 96  // a compressed G2 point
        guard encodedAggregate.count == length else {
            throw StoredThresholdKeyError(key: .aggregate, reason: .wrongLength(
                type: "AggregatePublicKey", expected: length, actual: encodedAggregate.count))
        }
        if let peer = encodedShares.firstIndex(where: { $0.count != length }) {
            throw StoredThresholdKeyError(key: .share(peer), reason: .wrongLength(
                type: "PublicKeyShare", expected: length, actual: encodedShares[peer].count))
        }
        self.encodedAggregate = encodedAggregate
        self.encodedShares = encodedShares
        decoded = DecodedKeys(aggregate: nil, shares: Array(repeating: nil, count: encodedShares.count))
    }

    /// The number of peers (no decoding).
    public var peerCount: Int { encodedShares.count }

    /// The aggregate key, decoded and checked on first use.
    public func aggregate() throws(StoredThresholdKeyError) -> AggregatePublicKey {
        if let key = decoded.state.withLock({ $0.aggregate }) { return key }
        let key: AggregatePublicKey
        do { key = try AggregatePublicKey(canonicalBytes: encodedAggregate) } catch {
            throw StoredThresholdKeyError(key: .aggregate, reason: error)
        }
        decoded.state.withLock { $0.aggregate = key }
        return key
    }

    /// Peer `peer`'s public key share, decoded and checked on first use; nil for a peer the set lacks.
    public func share(_ peer: Int) throws(StoredThresholdKeyError) -> PublicKeyShare? {
        guard encodedShares.indices.contains(peer) else { return nil }
        if let share = decoded.state.withLock({ $0.shares[peer] }) { return share }
        let share: PublicKeyShare
        do { share = try PublicKeyShare(canonicalBytes: encodedShares[peer]) } catch {
            throw StoredThresholdKeyError(key: .share(peer), reason: error)
        }
        decoded.state.withLock { $0.shares[peer] = share }
        return share
    }

    /// Every peer's public key share, in peer order.
    public func shares() throws(StoredThresholdKeyError) -> [PublicKeyShare] {
        try encodedShares.indices.map { peer throws(StoredThresholdKeyError) in try share(peer)! }
    }

    /// Decodes and checks every key now: the aggregate first, then the shares in peer order.
    public func checkAll() throws(StoredThresholdKeyError) {
        _ = try aggregate()
        _ = try shares()
    }

    // Compressed encodings are unique, so equal bytes are equal keys; the decoded cache is not part of the value.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.encodedAggregate == rhs.encodedAggregate && lhs.encodedShares == rhs.encodedShares
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(encodedAggregate)
        hasher.combine(encodedShares)
    }
}

/// A stored key that is not a valid key: which one, and why.
public struct StoredThresholdKeyError: Error, Equatable {
    public let key: StoredThresholdKeys.Key
    public let reason: CryptoEncodingError

    /// "is not 96 bytes", or "is invalid: " and the reason: for a message that names the key first.
    public var problem: String {
        if case .wrongLength(_, let expected, _) = reason { return "is not \(expected) bytes" }
        return "is invalid: \(reason.description)"
    }
}

/// The decoded keys, filled in as they are first used (shared by copies of the value).
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
