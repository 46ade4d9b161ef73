import FMSecp256k1

/// The content of a BOLT 11 payment request: everything but the signature. Build one and call
/// ``signed(by:)`` to get a ``SignedInvoice`` (and its string); decode a string with ``SignedInvoice/init(_:options:)``.
///
/// Follows BOLT 11 at lightning/bolts commit a3772650d8ebc06acf457fcadf97968ebfc4dfff (docs/lightning-rpc.md).
public struct Invoice: Sendable, Hashable {
    public var network: Network
    /// nil: "any amount" (no amount in the human-readable part).
    public var amountMsat: UInt64?
    /// Seconds since 1970, 35 bits.
    public var timestamp: UInt64
    /// `p`: SHA-256 of the preimage, 32 bytes.
    public var paymentHash: [UInt8]
    /// `s`: the payment secret, 32 bytes (BOLT 11 requires it).
    public var paymentSecret: [UInt8]
    /// `d`: a short UTF-8 description (exactly one of this and ``descriptionHash``).
    public var description: String?
    /// `h`: SHA-256 of a longer description, 32 bytes.
    public var descriptionHash: [UInt8]?
    /// `n`: the payee's node key written explicitly; nil when it is only recoverable from the signature.
    public var payeeNodeKey: PublicKey?
    /// `x`: seconds after ``timestamp`` until the invoice expires; nil means the default 3600.
    public var expiry: UInt64?
    /// `c`: min_final_cltv_expiry_delta; nil means the default 18.
    public var minFinalCLTVExpiryDelta: UInt64?
    /// `f`: on-chain fallbacks, most preferred first.
    public var fallbackAddresses: [FallbackAddress]
    /// `r`: private routes to the payee, one list of hops per route.
    public var routeHints: [[RouteHintHop]]
    /// `9`: the features; omitted from the string when empty.
    public var features: FeatureBits
    /// `m`: payment metadata the payer echoes in the onion.
    public var metadata: [UInt8]?
    /// Fields this decoder does not know (or skipped); written back verbatim when signing.
    public var unknownFields: [TaggedField]

    public static let defaultExpiry: UInt64 = 3600
    public static let defaultMinFinalCLTVExpiryDelta: UInt64 = 18

    public init(
        network: Network, amountMsat: UInt64?, timestamp: UInt64, paymentHash: [UInt8], paymentSecret: [UInt8],
        description: String? = nil, descriptionHash: [UInt8]? = nil, payeeNodeKey: PublicKey? = nil,
        expiry: UInt64? = nil, minFinalCLTVExpiryDelta: UInt64? = nil, fallbackAddresses: [FallbackAddress] = [],
        routeHints: [[RouteHintHop]] = [], features: FeatureBits = .default, metadata: [UInt8]? = nil,
        unknownFields: [TaggedField] = []
    ) {
        self.network = network
        self.amountMsat = amountMsat
        self.timestamp = timestamp
        self.paymentHash = paymentHash
        self.paymentSecret = paymentSecret
        self.description = description
        self.descriptionHash = descriptionHash
        self.payeeNodeKey = payeeNodeKey
        self.expiry = expiry
        self.minFinalCLTVExpiryDelta = minFinalCLTVExpiryDelta
        self.fallbackAddresses = fallbackAddresses
        self.routeHints = routeHints
        self.features = features
        self.metadata = metadata
        self.unknownFields = unknownFields
    }

    /// Seconds of validity after ``timestamp`` (3600 when the `x` field is absent).
    public var expirySeconds: UInt64 { expiry ?? Self.defaultExpiry }

    /// Unix time at which the invoice expires (saturating: a huge `x` never traps).
    public var expiresAt: UInt64 {
        let (sum, overflow) = timestamp.addingReportingOverflow(expirySeconds)
        return overflow ? .max : sum
    }

    /// Whether a payer must no longer pay it at unix time `now`.
    public func isExpired(at now: UInt64) -> Bool { now >= expiresAt }

    /// The CLTV delta the final HTLC needs (18 when the `c` field is absent).
    public var minFinalCLTVExpiry: UInt64 { minFinalCLTVExpiryDelta ?? Self.defaultMinFinalCLTVExpiryDelta }
}

extension Invoice {
    /// An `f` field: a witness version (0...16) with its program, or 17 (P2PKH) / 18 (P2SH) with a 20-byte hash.
    public struct FallbackAddress: Sendable, Hashable, Codable {
        public var version: UInt8
        public var program: [UInt8]

        public init(version: UInt8, program: [UInt8]) {
            self.version = version
            self.program = program
        }

        public static let p2pkhVersion: UInt8 = 17
        public static let p2shVersion: UInt8 = 18

        /// Whether the version and program length form an address BOLT 11 defines.
        var isWellFormed: Bool {
            switch version {
            case 0: program.count == 20 || program.count == 32
            case 1...16: (2...40).contains(program.count)
            case Self.p2pkhVersion, Self.p2shVersion: program.count == 20
            default: false
            }
        }
    }

    /// One hop of an `r` field: 264 + 64 + 32 + 32 + 16 bits.
    public struct RouteHintHop: Sendable, Hashable {
        public var nodeID: PublicKey
        public var shortChannelID: UInt64
        public var feeBaseMsat: UInt32
        public var feeProportionalMillionths: UInt32
        public var cltvExpiryDelta: UInt16

        public init(
            nodeID: PublicKey, shortChannelID: UInt64, feeBaseMsat: UInt32, feeProportionalMillionths: UInt32,
            cltvExpiryDelta: UInt16
        ) {
            self.nodeID = nodeID
            self.shortChannelID = shortChannelID
            self.feeBaseMsat = feeBaseMsat
            self.feeProportionalMillionths = feeProportionalMillionths
            self.cltvExpiryDelta = cltvExpiryDelta
        }

        static let byteCount = 51

        /// `BLOCKxTXxOUTPUT`, as Core Lightning prints short channel ids.
        public var shortChannelIDString: String {
            "\(shortChannelID >> 40)x\((shortChannelID >> 16) & 0xff_ffff)x\(shortChannelID & 0xffff)"
        }
    }

    /// A tagged field kept as raw 5-bit groups (type 0...31, at most 1023 groups).
    public struct TaggedField: Sendable, Hashable {
        public var type: UInt8
        public var data: [UInt8]

        public init(type: UInt8, data: [UInt8]) {
            self.type = type
            self.data = data
        }

        /// The field's letter in the bech32 charset (`p`, `s`, `9`, ...).
        public var letter: Character { Character(Unicode.Scalar(Bech32Charset.characters[Int(type & 31)])) }
    }
}

/// BOLT 11 tagged-field types (the value of the letter in the bech32 charset).
enum FieldType {
    static let paymentHash: UInt8 = 1  // p
    static let paymentSecret: UInt8 = 16  // s
    static let description: UInt8 = 13  // d
    static let payeeNodeKey: UInt8 = 19  // n
    static let descriptionHash: UInt8 = 23  // h
    static let expiry: UInt8 = 6  // x
    static let minFinalCLTVExpiry: UInt8 = 24  // c
    static let fallbackAddress: UInt8 = 9  // f
    static let routeHint: UInt8 = 3  // r
    static let features: UInt8 = 5  // 9
    static let metadata: UInt8 = 27  // m
}

enum Bech32Charset {
    static let characters = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
}
