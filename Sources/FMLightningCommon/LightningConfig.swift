import FMCore
import FMCrypto
import FMEncoding

/// The Lightning module's fees, in msat per contract funded (output) and per contract spent (input).
public struct LightningFees: Hashable, Sendable, Codable, CanonicalCodable {
    /// No fee of its own by default: the mint already charges per note, the gateway per payment.
    public static let `default` = LightningFees(contractInput: .zero, contractOutput: .zero)

    public var contractInput: Amount
    public var contractOutput: Amount

    public init(contractInput: Amount, contractOutput: Amount) {
        self.contractInput = contractInput
        self.contractOutput = contractOutput
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(contractInput)
        encoder.write(contractOutput)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        contractInput = try decoder.readBoundedAmount()
        contractOutput = try decoder.readBoundedAmount()
    }
}

/// The Lightning module's consensus config: identical at every guardian, public, hashed into the federation id.
///
/// The threshold encryption key is one DKG key on BLS12-381 (pk = sk·G2, every guardian's pk_i = sk_i·G2): receivers
/// encrypt their invoice preimages to it, and each guardian's decryption shares verify against its pk_i. The keys are
/// held as the compressed points the config carries and decoded on first use (``StoredThresholdKeys``), or all at
/// once by ``checkKeys()`` (guardian start, client join): most commands encrypt and verify nothing.
public struct LightningConsensusConfig: Hashable, Sendable, Codable, CanonicalEncodable {
    /// How many guardians' decryption shares decrypt a preimage (t).
    public let threshold: Int
    private let keys: StoredThresholdKeys
    public let fees: LightningFees
    /// The longest an outgoing contract may lock a user's money: timelock − consensus time at funding, seconds.
    public let maxTimelockDelta: UInt64

    /// Default: one week.
    public static let defaultMaxTimelockDelta: UInt64 = 7 * 24 * 3600

    public init(
        threshold: Int, encryptionKey: AggregatePublicKey, encryptionKeyShares: [PublicKeyShare], fees: LightningFees,
        maxTimelockDelta: UInt64
    ) throws(LightningError) {
        try self.init(
            threshold: threshold, keys: StoredThresholdKeys(aggregate: encryptionKey, shares: encryptionKeyShares),
            fees: fees, maxTimelockDelta: maxTimelockDelta)
    }

    private init(threshold: Int, keys: StoredThresholdKeys, fees: LightningFees, maxTimelockDelta: UInt64) throws(LightningError) {
        guard keys.peerCount > 0, threshold >= 1, threshold <= keys.peerCount else {
            throw .invalidConfig("threshold \(threshold) is not between 1 and the \(keys.peerCount) guardians")
        }
        guard maxTimelockDelta >= 60, maxTimelockDelta <= 366 * 24 * 3600 else {
            throw .invalidConfig("max_timelock_delta \(maxTimelockDelta) s is not between a minute and a year")
        }
        guard fees.contractInput <= LightningBounds.maxAmount, fees.contractOutput <= LightningBounds.maxAmount else {
            throw .invalidConfig("fees exceed 21 million BTC")
        }
        self.threshold = threshold
        self.keys = keys
        self.fees = fees
        self.maxTimelockDelta = maxTimelockDelta
    }

    public var peerCount: Int { keys.peerCount }

    /// The threshold encryption key pk, decoded and checked on first use.
    public var encryptionKey: AggregatePublicKey {
        get throws(LightningError) {
            do { return try keys.aggregate() } catch { throw Self.configError(error) }
        }
    }

    /// Guardian `peer`'s key share pk_i, decoded and checked on first use; nil for a peer the config lacks.
    public func encryptionKeyShare(_ peer: Int) throws(LightningError) -> PublicKeyShare? {
        do { return try keys.share(peer) } catch { throw Self.configError(error) }
    }

    /// Every guardian's pk_i, in peer order.
    public var encryptionKeyShares: [PublicKeyShare] {
        get throws(LightningError) {
            do { return try keys.shares() } catch { throw Self.configError(error) }
        }
    }

    /// Decodes and checks every key now: what a guardian does at start and a client at join, so a bad key is refused
    /// before the config is trusted, not at its first use.
    public func checkKeys() throws(LightningError) {
        do { try keys.checkAll() } catch { throw Self.configError(error) }
    }

    private static func configError(_ error: StoredThresholdKeyError) -> LightningError {
        let key = switch error.key {
        case .aggregate: "encryption key"
        case .share(let peer): "encryption key share \(peer)"
        }
        return .invalidConfig("the \(key) \(error.problem)")
    }

    /// The id gateway announcements sign, so that an announcement for one federation is worthless at another.
    public var configID: Hash256 { taggedHash("fm-ln/config/v0", canonicalBytes) }

    enum CodingKeys: String, CodingKey { case threshold, encryptionKey, encryptionKeyShares, fees, maxTimelockDelta }

    /// Keys that are not hex or not 96 bytes are refused here, the points when first used.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let threshold = try container.decode(Int.self, forKey: .threshold)
        guard let aggregate = Hex.decode(try container.decode(String.self, forKey: .encryptionKey)) else {
            throw DecodingError.dataCorruptedError(
                forKey: .encryptionKey, in: container, debugDescription: "hex of a \(AggregatePublicKey.self)")
        }
        let shares = try container.decode([String].self, forKey: .encryptionKeyShares).map { text in
            guard let raw = Hex.decode(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .encryptionKeyShares, in: container, debugDescription: "hex of G2 public key shares")
            }
            return raw
        }
        let keys: StoredThresholdKeys
        do { keys = try StoredThresholdKeys(encodedAggregate: aggregate, encodedShares: shares) } catch {
            let key: CodingKeys = error.key == .aggregate ? .encryptionKey : .encryptionKeyShares
            let what = error.key == .aggregate ? "hex of a \(AggregatePublicKey.self)" : "hex of G2 public key shares"
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: what)
        }
        try self.init(
            threshold: threshold, keys: keys, fees: container.decode(LightningFees.self, forKey: .fees),
            maxTimelockDelta: container.decode(UInt64.self, forKey: .maxTimelockDelta))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(Hex.encode(keys.encodedAggregate), forKey: .encryptionKey)
        try container.encode(keys.encodedShares.map(Hex.encode), forKey: .encryptionKeyShares)
        try container.encode(fees, forKey: .fees)
        try container.encode(maxTimelockDelta, forKey: .maxTimelockDelta)
    }

    /// Version 0: threshold, encryption key, key shares, fees, max timelock delta.
    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeVarint(0)
        encoder.writeVarint(UInt64(threshold))
        encoder.writeFixed(keys.encodedAggregate)
        encoder.writeVarint(UInt64(keys.encodedShares.count))
        for share in keys.encodedShares { encoder.writeFixed(share) }
        encoder.write(fees)
        encoder.writeVarint(maxTimelockDelta)
    }
}

/// Clients need all of the consensus config.
public typealias LightningClientConfig = LightningConsensusConfig

/// One guardian's secret: its share sk_i of the threshold encryption key. Stored only in private.json (0600).
public struct LightningPrivateConfig: Sendable, Codable, CustomStringConvertible {
    public let encryptionKeyShare: SecretKeyShare

    public init(encryptionKeyShare: SecretKeyShare) { self.encryptionKeyShare = encryptionKeyShare }

    public var description: String { "LightningPrivateConfig(redacted)" }

    enum CodingKeys: String, CodingKey { case encryptionKeyShare }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        encryptionKeyShare = try container.decodeLightningHex(SecretKeyShare.self, forKey: .encryptionKeyShare)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Hex.encode(encryptionKeyShare.canonicalBytes), forKey: .encryptionKeyShare)
    }
}

/// What a federation's creators choose for the Lightning module (`parameters` of its init; every field optional).
public struct LightningGenerationParameters: Hashable, Sendable, Codable {
    public var fees: LightningFees
    public var maxTimelockDelta: UInt64

    public init(fees: LightningFees = .default, maxTimelockDelta: UInt64 = LightningConsensusConfig.defaultMaxTimelockDelta) {
        self.fees = fees
        self.maxTimelockDelta = maxTimelockDelta
    }

    enum CodingKeys: String, CodingKey { case fees, maxTimelockDelta }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fees = try container.decodeIfPresent(LightningFees.self, forKey: .fees) ?? .default
        maxTimelockDelta = try container.decodeIfPresent(UInt64.self, forKey: .maxTimelockDelta)
            ?? LightningConsensusConfig.defaultMaxTimelockDelta
    }
}

/// The Lightning module's consensus config as guardians hash it and clients read it.
public struct LightningConfigCodec: ModuleConfigCodec {
    public init() {}

    public var kind: ModuleKind { LightningKind.kind }

    public func canonicalConsensusBytes(_ consensus: JSONValue) throws -> [UInt8] {
        let config = try consensus.decode(LightningConsensusConfig.self)
        try config.checkKeys()  // a config is hashed (and so trusted) only with every key checked
        return config.canonicalBytes
    }

    public func clientConfig(fromConsensus consensus: JSONValue) throws -> JSONValue {
        try JSONValue(try consensus.decode(LightningConsensusConfig.self))
    }
}

extension KeyedDecodingContainer {
    func decodeLightningHex<T: CanonicalBytesRepresentable>(_: T.Type, forKey key: Key) throws -> T {
        let text = try decode(String.self, forKey: key)
        guard let raw = Hex.decode(text), let value = try? T(canonicalBytes: raw) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "hex of a \(T.self)")
        }
        return value
    }
}
