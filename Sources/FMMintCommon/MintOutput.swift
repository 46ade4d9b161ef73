import FMCore
import FMCrypto
import FMEncoding

/// A request to issue one note: its denomination and the blinded message
/// B = r·H(nonce), which reveals nothing about the nonce.
///
/// Canonical form: variant 0 of a versioned enum, body = denomination (1 byte)
/// and blinded message (48 bytes).
public struct MintOutput: Hashable, Sendable, CanonicalCodable {
    public let denomination: Denomination
    public let blindedMessage: BlindedMessage

    public init(denomination: Denomination, blindedMessage: BlindedMessage) {
        self.denomination = denomination
        self.blindedMessage = blindedMessage
    }

    public var amount: Amount { denomination.amount }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeVariant(0) { body in
            body.write(denomination)
            body.writeFixed(blindedMessage.canonicalBytes)
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        var (index, body) = try decoder.readVariant()
        guard index == 0 else { throw .unknownVariant(index, type: "MintOutput") }
        denomination = try body.read()
        blindedMessage = try body.readCrypto(BlindedMessage.self, length: 48)
        try body.finish()
    }
}

/// One guardian's answer to a ``MintOutput``: its blind signature share
/// S_i = sk_i·B, which the client checks against that guardian's public key share.
///
/// Canonical form: variant 0 of a versioned enum, body = the share (48 bytes).
public struct MintOutputOutcome: Hashable, Sendable, CanonicalCodable {
    public let blindSignatureShare: BlindSignatureShare

    public init(blindSignatureShare: BlindSignatureShare) {
        self.blindSignatureShare = blindSignatureShare
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        Self.encode(share: blindSignatureShare.canonicalBytes, to: &encoder)
    }

    /// The canonical bytes of the outcome whose share encodes as `share` (48 bytes): what a guardian serves from the
    /// share it stored when it signed, without decoding the point (a square root and a subgroup check) to encode it
    /// again.
    public static func canonicalBytes(shareEncoding share: [UInt8]) -> [UInt8] {
        precondition(share.count == 48, "a blind signature share encodes in 48 bytes")
        var encoder = CanonicalEncoder()
        encode(share: share, to: &encoder)
        return encoder.bytes
    }

    private static func encode(share: [UInt8], to encoder: inout CanonicalEncoder) {
        encoder.writeVariant(0) { $0.writeFixed(share) }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        var (index, body) = try decoder.readVariant()
        guard index == 0 else { throw .unknownVariant(index, type: "MintOutputOutcome") }
        blindSignatureShare = try body.readCrypto(BlindSignatureShare.self, length: 48)
        try body.finish()
    }
}
