import FMCore
import FMCrypto
import FMEncoding

/// The fees a mint charges, in msat per note redeemed and per note issued.
public struct MintFees: Hashable, Sendable, Codable, CanonicalCodable {
    /// Fedimint's defaults: 100 msat per input and per output.
    public static let `default` = MintFees(perInput: Amount(msats: 100), perOutput: Amount(msats: 100))

    public var perInput: Amount
    public var perOutput: Amount

    public init(perInput: Amount, perOutput: Amount) {
        self.perInput = perInput
        self.perOutput = perOutput
    }

    /// The total fee of a transaction with this many mint inputs and outputs.
    public func fee(inputs: Int, outputs: Int) throws(AmountError) -> Amount {
        try perInput.multiplied(by: UInt64(inputs)).adding(perOutput.multiplied(by: UInt64(outputs)))
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(perInput)
        encoder.write(perOutput)
    }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        perInput = try decoder.read()
        perOutput = try decoder.read()
    }
}

/// The mint's consensus config: identical at every guardian, entirely public,
/// hashed (canonical form) into the federation id.
///
/// Invariants, checked on construction and when decoded from JSON: the
/// denominations are exactly 2^0 … 2^k (k = ``largestDenomination``'s
/// exponent), every denomination has one public key share per guardian, and
/// 1 ≤ threshold ≤ guardians. The public keys themselves (compressed G2
/// points) are decoded and checked on first use, or all at once by
/// ``checkKeys()`` (guardian start, client join).
public struct MintConsensusConfig: Hashable, Sendable, Codable, CanonicalEncodable {
    /// How many guardians' signature shares make a note signature (t).
    public let threshold: Int
    /// Keys for denominations 2^0 … 2^k, in ascending order.
    public let denominations: [MintDenominationKeys]
    public let fees: MintFees
    /// Accept ``MintInput/devIssue(_:)`` inputs (development federations only).
    public let devMode: Bool

    public init(threshold: Int, denominations: [MintDenominationKeys], fees: MintFees, devMode: Bool) throws(MintError) {
        self.threshold = threshold
        self.denominations = denominations
        self.fees = fees
        self.devMode = devMode
        try validate()
    }

    /// The number of guardians.
    public var peerCount: Int { denominations.first?.peerCount ?? 0 }

    public var largestDenomination: Denomination { denominations[denominations.count - 1].denomination }

    /// The keys of `denomination`, or nil if the federation does not issue it.
    public func keys(for denomination: Denomination) -> MintDenominationKeys? {
        let index = Int(denomination.exponent)
        return index < denominations.count ? denominations[index] : nil
    }

    /// The fewest notes this mint issues that add up to `amount`, largest first.
    public func split(_ amount: Amount) throws(MintError) -> [Denomination] {
        try Denomination.split(amount, largest: largestDenomination)
    }

    /// Decodes and checks every public key now (``MintDenominationKeys/checkAll()``): what a guardian does at start
    /// and a client at join, so a bad key is refused before the config is trusted, not at its first use.
    public func checkKeys() throws(MintError) {
        for keys in denominations { try keys.checkAll() }
    }

    private func validate() throws(MintError) {
        guard !denominations.isEmpty else { throw .invalidConfig("no denominations") }
        for (index, keys) in denominations.enumerated() where Int(keys.denomination.exponent) != index {
            throw .invalidConfig("denominations must be 2^0 … 2^k in order; position \(index) holds \(keys.denomination)")
        }
        let peers = denominations[0].peerCount
        guard denominations.allSatisfy({ $0.peerCount == peers }), peers >= 1 else {
            throw .invalidConfig("every denomination needs one public key share per guardian")
        }
        guard threshold >= 1 && threshold <= peers else {
            throw .invalidConfig("threshold \(threshold) is not between 1 and the \(peers) guardians")
        }
    }

    enum CodingKeys: String, CodingKey { case threshold, denominations, fees, devMode }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            threshold: container.decode(Int.self, forKey: .threshold),
            denominations: container.decode([MintDenominationKeys].self, forKey: .denominations),
            fees: container.decode(MintFees.self, forKey: .fees),
            devMode: container.decode(Bool.self, forKey: .devMode))
    }

    /// Version 0: threshold, denominations (exponent, aggregate key, shares), fees, dev mode.
    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeVarint(0)
        encoder.writeVarint(UInt64(threshold))
        encoder.writeVarint(UInt64(denominations.count))
        for keys in denominations {
            encoder.write(keys.denomination)
            encoder.writeFixed(keys.encodedAggregate)
            encoder.writeVarint(UInt64(keys.encodedShares.count))
            for share in keys.encodedShares { encoder.writeFixed(share) }
        }
        encoder.write(fees)
        encoder.write(devMode)
    }
}

/// What clients get: the mint's consensus config is public as a whole, so
/// clients receive all of it (keys to check notes and shares, fees, dev mode).
public typealias MintClientConfig = MintConsensusConfig

/// One guardian's secret mint config: its secret key share of every denomination.
///
/// - Important: secret. Stored only in the guardian's private config file
///   (mode 0600); its `description` is redacted.
public struct MintPrivateConfig: Sendable, Codable, CustomStringConvertible {
    /// Indexed by denomination exponent, 2^0 … 2^k.
    public let secretKeyShares: [SecretKeyShare]

    public init(secretKeyShares: [SecretKeyShare]) { self.secretKeyShares = secretKeyShares }

    public var description: String { "MintPrivateConfig(\(secretKeyShares.count) key shares, redacted)" }

    enum CodingKeys: String, CodingKey { case secretKeyShares }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        secretKeyShares = try container.decodeHexArray(SecretKeyShare.self, forKey: .secretKeyShares)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeHexArray(secretKeyShares, forKey: .secretKeyShares)
    }
}

/// Parameters for generating a mint config (`parameters` of the dealer or DKG);
/// every field is optional in JSON.
public struct MintGenerationParameters: Hashable, Sendable, Codable {
    /// k: the largest denomination is 2^k msat.
    ///
    /// Default 40: 2^40 msat ≈ 11 BTC per largest note, ample for e-cash,
    /// while every extra tier is another threshold key that key generation
    /// must deal (G2 work and config size grow linearly with k + 1). Fedimint
    /// v1 uses 57 tiers; larger amounts still work here with several notes of
    /// the top denomination.
    public var maxExponent: UInt8
    public var fees: MintFees
    public var devMode: Bool

    public static let defaultMaxExponent: UInt8 = 40

    public init(maxExponent: UInt8 = defaultMaxExponent, fees: MintFees = .default, devMode: Bool = false) {
        self.maxExponent = maxExponent
        self.fees = fees
        self.devMode = devMode
    }

    enum CodingKeys: String, CodingKey { case maxExponent, fees, devMode }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        maxExponent = try container.decodeIfPresent(UInt8.self, forKey: .maxExponent) ?? Self.defaultMaxExponent
        fees = try container.decodeIfPresent(MintFees.self, forKey: .fees) ?? .default
        devMode = try container.decodeIfPresent(Bool.self, forKey: .devMode) ?? false
        guard maxExponent <= Denomination.maxExponent else {
            throw DecodingError.dataCorruptedError(
                forKey: .maxExponent, in: container, debugDescription: "max_exponent at most \(Denomination.maxExponent)")
        }
    }
}
