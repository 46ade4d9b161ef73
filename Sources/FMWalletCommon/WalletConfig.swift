import FMBitcoin
import FMCore
import FMEncoding
import FMSecp256k1

/// What the wallet charges, in msat, on top of the bitcoin network fee a peg-out pays.
public struct WalletFees: Hashable, Sendable, Codable, CanonicalCodable {
    /// Fedimint's defaults: 1,000 msat per peg-in and per peg-out.
    public static let `default` = WalletFees(pegIn: Amount(msats: 1_000), pegOut: Amount(msats: 1_000))

    /// Charged on a wallet input (a claimed deposit).
    public var pegIn: Amount
    /// Charged on a wallet output (a peg-out).
    public var pegOut: Amount

    public init(pegIn: Amount, pegOut: Amount) {
        self.pegIn = pegIn
        self.pegOut = pegOut
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(pegIn)
        encoder.write(pegOut)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        pegIn = try decoder.read()
        pegOut = try decoder.read()
    }
}

/// The wallet's consensus config: identical at every guardian, entirely public, hashed (canonical form) into the
/// federation id.
///
/// The federation's bitcoin lives in outputs of `wsh(sortedmulti(t, P_1' … P_n'))`, where P_i' is guardian i's
/// peg-in key tweaked with a per-deposit key (``PegInTweak``); change goes to the untweaked descriptor.
public struct WalletConsensusConfig: Hashable, Sendable, Codable, CanonicalEncodable {
    public let network: Network
    /// How many guardians must sign a peg-out (t).
    public let threshold: Int
    /// Every guardian's peg-in public key, indexed by peer id.
    public let pegInKeys: [PublicKey]
    /// A block counts for the federation once guardians' bitcoin nodes are this many blocks past it.
    public let finalityDelay: UInt32
    public let fees: WalletFees
    /// The fee rate (sat/kvB) guardians vote when their node has no estimate (regtest, a fresh node).
    public let defaultFeeRate: UInt64

    public init(
        network: Network, threshold: Int, pegInKeys: [PublicKey], finalityDelay: UInt32, fees: WalletFees,
        defaultFeeRate: UInt64
    ) throws(WalletError) {
        self.network = network
        self.threshold = threshold
        self.pegInKeys = pegInKeys
        self.finalityDelay = finalityDelay
        self.fees = fees
        self.defaultFeeRate = defaultFeeRate
        guard !pegInKeys.isEmpty, pegInKeys.count <= 16 else {
            throw .invalidConfig("a wsh(sortedmulti) wallet holds 1 to 16 keys, not \(pegInKeys.count)")
        }
        guard threshold >= 1 && threshold <= pegInKeys.count else {
            throw .invalidConfig("threshold \(threshold) is not between 1 and the \(pegInKeys.count) guardians")
        }
        guard Set(pegInKeys).count == pegInKeys.count else { throw .invalidConfig("two guardians share a peg-in key") }
        guard defaultFeeRate >= WalletConsensusConfig.minimumFeeRate else {
            throw .invalidConfig("default fee rate \(defaultFeeRate) sat/kvB is below the relay minimum of 1000")
        }
        guard defaultFeeRate <= PegOut.maximumFeeRate else {
            throw .invalidConfig("default fee rate \(defaultFeeRate) sat/kvB is above the maximum of \(PegOut.maximumFeeRate)")
        }
    }

    /// Bitcoin Core's minimum relay fee rate (sat/kvB).
    public static let minimumFeeRate: UInt64 = 1_000

    /// The number of guardians.
    public var peerCount: Int { pegInKeys.count }

    /// The federation's untweaked descriptor (where peg-out change goes).
    public var descriptor: MultisigDescriptor {
        try! MultisigDescriptor(threshold: threshold, keys: pegInKeys, sorted: true)
    }

    /// The descriptor of a deposit made with `tweakKey` (every guardian key tweaked, ``PegInTweak``).
    public func depositDescriptor(tweakKey: PublicKey) throws -> MultisigDescriptor {
        try descriptor.mapKeys { try PegInTweak.tweak($0, with: tweakKey) }
    }

    /// The address a client deposits to for `tweakKey`.
    public func depositAddress(tweakKey: PublicKey) throws -> SegwitAddress {
        try depositDescriptor(tweakKey: tweakKey).address(network: network)
    }

    enum CodingKeys: String, CodingKey { case network, threshold, pegInKeys, finalityDelay, fees, defaultFeeRate }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            network: container.decode(Network.self, forKey: .network),
            threshold: container.decode(Int.self, forKey: .threshold),
            pegInKeys: container.decode([PublicKey].self, forKey: .pegInKeys),
            finalityDelay: container.decode(UInt32.self, forKey: .finalityDelay),
            fees: container.decode(WalletFees.self, forKey: .fees),
            defaultFeeRate: container.decode(UInt64.self, forKey: .defaultFeeRate))
    }

    /// Version 0: network name, threshold, peg-in keys (33 bytes each), finality delay, fees, default fee rate.
    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeVarint(0)
        encoder.write(network.rawValue)
        encoder.writeVarint(UInt64(threshold))
        encoder.writeVarint(UInt64(pegInKeys.count))
        for key in pegInKeys { encoder.writeFixed(key.compressed) }
        encoder.write(finalityDelay)
        encoder.write(fees)
        encoder.write(defaultFeeRate)
    }
}

/// What clients get: the whole consensus config (it is public; clients need the keys to derive addresses).
public typealias WalletClientConfig = WalletConsensusConfig

/// One guardian's secret wallet config: its peg-in secret key.
///
/// - Important: secret. Stored only in the guardian's private config file (mode 0600); `description` is redacted.
public struct WalletPrivateConfig: Sendable, Codable, CustomStringConvertible {
    public let pegInKey: SecretKey

    public init(pegInKey: SecretKey) { self.pegInKey = pegInKey }

    public var description: String { "WalletPrivateConfig(redacted)" }

    enum CodingKeys: String, CodingKey { case pegInKey }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .pegInKey)
        guard let raw = FMCore.Hex.decode(text), let key = try? SecretKey(rawRepresentation: raw) else {
            throw DecodingError.dataCorruptedError(forKey: .pegInKey, in: container, debugDescription: "hex of a secp256k1 secret key")
        }
        pegInKey = key
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(FMCore.Hex.encode(pegInKey.rawRepresentation), forKey: .pegInKey)
    }
}

/// Parameters for generating a wallet config (`parameters` of the dealer or DKG); every field is optional in JSON.
public struct WalletGenerationParameters: Hashable, Sendable, Codable {
    public var network: Network
    /// Default: 10 on mainnet (Fedimint's value), 2 on the other networks.
    public var finalityDelay: UInt32
    public var fees: WalletFees
    /// sat/kvB; default 1,000 (1 sat/vB, the relay minimum).
    public var defaultFeeRate: UInt64

    public init(network: Network = .regtest, finalityDelay: UInt32? = nil, fees: WalletFees = .default, defaultFeeRate: UInt64 = 1_000) {
        self.network = network
        self.finalityDelay = finalityDelay ?? Self.defaultFinalityDelay(network)
        self.fees = fees
        self.defaultFeeRate = defaultFeeRate
    }

    public static func defaultFinalityDelay(_ network: Network) -> UInt32 { network == .mainnet ? 10 : 2 }

    enum CodingKeys: String, CodingKey { case network, finalityDelay, fees, defaultFeeRate }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        network = try container.decodeIfPresent(Network.self, forKey: .network) ?? .regtest
        finalityDelay = try container.decodeIfPresent(UInt32.self, forKey: .finalityDelay) ?? Self.defaultFinalityDelay(network)
        fees = try container.decodeIfPresent(WalletFees.self, forKey: .fees) ?? .default
        defaultFeeRate = try container.decodeIfPresent(UInt64.self, forKey: .defaultFeeRate) ?? 1_000
    }

    /// The parameters in `json`; `null` or `{}` selects the defaults.
    public static func decode(_ json: JSONValue) throws -> WalletGenerationParameters {
        json == .null ? WalletGenerationParameters() : try json.decode(WalletGenerationParameters.self)
    }
}
