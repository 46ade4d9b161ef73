import FMCore
import FMCrypto
import FMMintCommon

/// The mint's public keys as a verifier reads them (`fm-mint keys`, and `mint.keys` in `fm-mint info`).
public struct MintKeys: Encodable, Sendable {
    public struct Share: Encodable, Sendable {
        public var peerId: Int
        /// The Shamir evaluation point of the share (peer id + 1), for interpolating the aggregate key.
        public var x: Int
        public var publicKeyShare: String
    }

    public struct DenominationKeys: Encodable, Sendable {
        public var exponent: UInt8
        public var amountMsat: UInt64
        public var aggregatePublicKey: String
        public var publicKeyShares: [Share]
    }

    public var federationId: FederationID
    public var scheme = "threshold BLS on BLS12-381: signatures and messages in G1, public keys in G2"
    public var encoding = "lower-case hex of compressed points (ZCash format, as in IETF draft-irtf-cfrg-pairing-friendly-curves): G1 48 bytes, G2 96 bytes"
    public var message = "hash_to_G1(nonce, dst) by RFC 9380 suite BLS12381G1_XMD:SHA-256_SSWU_RO_; nonce = the note's 32-byte x-only secp256k1 public key"
    public var verification = "e(signature, G2 generator) == e(message, aggregate_public_key); a signature share of guardian i: e(share, G2 generator) == e(blinded message, public_key_share_i)"
    public var dst: String
    public var threshold: Int
    public var denominations: [DenominationKeys]

    public init(federationId: FederationID, config: MintClientConfig) {
        self.federationId = federationId
        dst = String(decoding: DomainTags.mintMessage, as: UTF8.self)
        threshold = config.threshold
        denominations = config.denominations.map { keys in
            DenominationKeys(
                exponent: keys.denomination.exponent, amountMsat: keys.denomination.amount.msats,
                aggregatePublicKey: Hex.encode(keys.encodedAggregate),
                publicKeyShares: keys.encodedShares.enumerated().map { peer, share in
                    Share(peerId: peer, x: peer + 1, publicKeyShare: Hex.encode(share))
                })
        }
    }
}
