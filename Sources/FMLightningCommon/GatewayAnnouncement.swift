import FMCore
import FMEncoding
import FMSecp256k1

/// A gateway's offer to route this federation's Lightning payments (docs/lightning.md, "Gateway registry").
///
/// Signed by the gateway key (the key its contracts use to claim), valid for `ttl` seconds from `timestamp`; the
/// gateway refreshes it before it expires. Guardians keep only the newest announcement per gateway key and serve
/// them to clients, which check every signature themselves (no guardian can forge or alter one).
///
/// Canonical form: config id (32), gateway key (32), node key (33, compressed), API URL (string), base fee (varint
/// msat), fee parts per million (varint), TTL (varint s), timestamp (varint unix s).
public struct GatewayAnnouncement: Hashable, Sendable, CanonicalCodable {
    /// ``LightningConsensusConfig/configID`` of the federation this announcement is for.
    public let configID: Hash256
    public let gatewayKey: XOnlyPublicKey
    /// The gateway's Lightning node, as invoices route to it.
    public let nodeKey: PublicKey
    public let apiURL: String
    public let baseFee: Amount
    public let feePartsPerMillion: UInt64
    public let ttl: UInt64
    public let timestamp: UInt64

    public static let minTTL: UInt64 = 60
    public static let maxTTL: UInt64 = 24 * 3600

    public init(
        configID: Hash256, gatewayKey: XOnlyPublicKey, nodeKey: PublicKey, apiURL: String, baseFee: Amount,
        feePartsPerMillion: UInt64, ttl: UInt64, timestamp: UInt64
    ) throws(LightningError) {
        guard !apiURL.isEmpty, apiURL.utf8.count <= LightningBounds.maxURLLength else {
            throw .announcement("api_url must have 1 to \(LightningBounds.maxURLLength) bytes")
        }
        guard baseFee <= LightningBounds.maxAmount else { throw .announcement("base fee exceeds 21 million BTC") }
        guard feePartsPerMillion <= LightningBounds.maxFeePartsPerMillion else {
            throw .announcement("fee of \(feePartsPerMillion) ppm exceeds \(LightningBounds.maxFeePartsPerMillion)")
        }
        guard ttl >= Self.minTTL, ttl <= Self.maxTTL else {
            throw .announcement("ttl \(ttl) s is not between \(Self.minTTL) and \(Self.maxTTL)")
        }
        guard timestamp <= LightningBounds.maxTimestamp else { throw .announcement("timestamp \(timestamp) is after 2100") }
        self.configID = configID
        self.gatewayKey = gatewayKey
        self.nodeKey = nodeKey
        self.apiURL = apiURL
        self.baseFee = baseFee
        self.feePartsPerMillion = feePartsPerMillion
        self.ttl = ttl
        self.timestamp = timestamp
    }

    /// When the announcement lapses (no overflow: both terms are bounded).
    public var expiresAt: UInt64 { timestamp + ttl }

    /// The gateway's fee for forwarding `amount`: base + ⌈amount · ppm / 10^6⌉, checked.
    public func fee(for amount: Amount) throws(AmountError) -> Amount {
        try Self.fee(for: amount, baseFee: baseFee, feePartsPerMillion: feePartsPerMillion)
    }

    /// base + ⌈amount · ppm / 10^6⌉, checked (the gateway computes its fee with the same formula before announcing).
    public static func fee(for amount: Amount, baseFee: Amount, feePartsPerMillion: UInt64) throws(AmountError) -> Amount {
        // ppm ≤ 10^5 < 10^6, so the quotient is below `amount` and fits; the rounding step cannot overflow either.
        let feePartsPerMillion = min(feePartsPerMillion, LightningBounds.maxFeePartsPerMillion)
        let product = amount.msats.multipliedFullWidth(by: feePartsPerMillion)
        let (quotient, remainder) = UInt64(1_000_000).dividingFullWidth(product)
        return try baseFee.adding(Amount(msats: quotient + (remainder > 0 ? 1 : 0)))
    }

    /// What the gateway key signs.
    public var signedMessage: [UInt8] { taggedHash("fm-ln/gateway-announcement/v0", canonicalBytes).bytes }

    public func signed(with key: Keypair) -> SignedGatewayAnnouncement {
        precondition(key.xOnlyPublicKey == gatewayKey, "an announcement is signed by its own gateway key")
        return SignedGatewayAnnouncement(announcement: self, signature: key.signSchnorr(message: signedMessage))
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(configID)
        encoder.writeFixed(gatewayKey.rawRepresentation)
        encoder.writeFixed(nodeKey.compressed)
        encoder.write(apiURL)
        encoder.write(baseFee)
        encoder.writeVarint(feePartsPerMillion)
        encoder.writeVarint(ttl)
        encoder.writeVarint(timestamp)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        let configID: Hash256 = try decoder.read()
        let gatewayKey = try decoder.readLightningKey()
        let rawNode = try decoder.readFixed(33)
        guard let nodeKey = try? PublicKey(serialized: rawNode) else { throw .invalidValue("node key is not a compressed point") }
        guard let url = String(validating: try decoder.readBytes(maxLength: LightningBounds.maxURLLength), as: UTF8.self) else {
            throw .invalidValue("api_url is not valid UTF-8")
        }
        let baseFee: Amount = try decoder.read()
        let ppm = try decoder.readVarint()
        let ttl = try decoder.readVarint()
        let timestamp = try decoder.readVarint()
        do {
            try self.init(
                configID: configID, gatewayKey: gatewayKey, nodeKey: nodeKey, apiURL: url, baseFee: baseFee,
                feePartsPerMillion: ppm, ttl: ttl, timestamp: timestamp)
        } catch { throw .invalidValue(error.description) }
    }
}

/// A ``GatewayAnnouncement`` with the gateway key's BIP-340 signature over ``GatewayAnnouncement/signedMessage``.
public struct SignedGatewayAnnouncement: Hashable, Sendable, CanonicalCodable {
    public let announcement: GatewayAnnouncement
    public let signature: SchnorrSignature

    public init(announcement: GatewayAnnouncement, signature: SchnorrSignature) {
        self.announcement = announcement
        self.signature = signature
    }

    public var isValid: Bool {
        announcement.gatewayKey.isValidSchnorrSignature(signature, for: announcement.signedMessage)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(announcement)
        encoder.writeFixed(signature.rawRepresentation)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        announcement = try decoder.read()
        signature = try decoder.readSchnorrSignature()
    }
}
