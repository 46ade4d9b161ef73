import FMCore
import FMCrypto
import FMEncoding
import FMSecp256k1

/// A user receives a Lightning payment (docs/lightning.md, "Incoming"): the receiver's client fixes these terms and
/// encrypts the invoice's preimage to the federation; the gateway, once its node holds the incoming HTLC, funds the
/// contract with its own notes, buying the preimage. Each guardian then serves its decryption share (and only for a
/// funded contract); t valid shares reveal the preimage. If it hashes to `paymentHash` the receiver takes the money
/// (``LightningInput/incomingClaim(_:shares:)``), otherwise the gateway takes it back
/// (``LightningInput/incomingRefund(_:shares:)``): a receiver who lied about the hash cannot steal from the gateway.
///
/// Canonical form: the terms (payment hash 32, amount varint msat, receiver claim key 32, gateway refund key 32,
/// expiration varint unix s), then the ciphertext (208 bytes) bound to the terms' digest.
public struct IncomingContract: Hashable, Sendable, CanonicalCodable {
    public struct Terms: Hashable, Sendable, CanonicalCodable {
        public let paymentHash: Hash256
        public let amount: Amount
        public let receiverClaimKey: XOnlyPublicKey
        public let gatewayRefundKey: XOnlyPublicKey
        /// Consensus time from which the contract can no longer be funded (the invoice's expiry).
        public let expiration: UInt64

        public init(
            paymentHash: Hash256, amount: Amount, receiverClaimKey: XOnlyPublicKey, gatewayRefundKey: XOnlyPublicKey,
            expiration: UInt64
        ) throws(LightningError) {
            guard amount > .zero, amount <= LightningBounds.maxAmount else {
                throw .invalidContract("amount \(amount.msats) msat is not between 1 msat and 21 million BTC")
            }
            guard expiration <= LightningBounds.maxTimestamp else { throw .invalidContract("expiration \(expiration) is after 2100") }
            self.paymentHash = paymentHash
            self.amount = amount
            self.receiverClaimKey = receiverClaimKey
            self.gatewayRefundKey = gatewayRefundKey
            self.expiration = expiration
        }

        /// The associated data the preimage is encrypted under: a ciphertext is worthless under any other terms.
        public var associatedData: [UInt8] { taggedHash("fm-ln/incoming-terms/v0", canonicalBytes).bytes }

        public func encode(to encoder: inout CanonicalEncoder) {
            encoder.write(paymentHash)
            encoder.write(amount)
            encoder.writeFixed(receiverClaimKey.rawRepresentation)
            encoder.writeFixed(gatewayRefundKey.rawRepresentation)
            encoder.writeVarint(expiration)
        }

        public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
            let hash: Hash256 = try decoder.read()
            let amount = try decoder.readBoundedAmount()
            let claim = try decoder.readLightningKey()
            let refund = try decoder.readLightningKey()
            let expiration = try decoder.readBoundedTimestamp()
            do {
                try self.init(paymentHash: hash, amount: amount, receiverClaimKey: claim, gatewayRefundKey: refund, expiration: expiration)
            } catch { throw .invalidValue(error.description) }
        }
    }

    public let terms: Terms
    public let ciphertext: ThresholdCiphertext

    public init(terms: Terms, ciphertext: ThresholdCiphertext) {
        self.terms = terms
        self.ciphertext = ciphertext
    }

    /// The receiver's side: encrypts `preimage` to the federation's key under these terms.
    public init(terms: Terms, preimage: Preimage, encryptionKey: AggregatePublicKey) {
        self.terms = terms
        ciphertext = ThresholdEncryption.encrypt(
            preimage.bytes, to: EncryptionPublicKey(encryptionKey), associatedData: terms.associatedData)
    }

    public var id: ContractID { taggedHash("fm-ln/incoming-contract/v0", canonicalBytes) }
    public var amount: Amount { terms.amount }

    /// Whether the ciphertext is well formed and bound to these terms (a pairing check; guardians fund nothing else).
    public var isValid: Bool { ciphertext.isValid(associatedData: terms.associatedData) }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(terms)
        encoder.writeFixed(ciphertext.canonicalBytes)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        terms = try decoder.read()
        let raw = try decoder.readFixed(208)
        do { ciphertext = try ThresholdCiphertext(canonicalBytes: raw) } catch { throw .invalidValue(error.description) }
    }
}

/// One guardian's decryption share of an incoming contract's ciphertext, tagged with its peer id.
public struct PeerDecryptionShare: Hashable, Sendable, CanonicalCodable {
    public let peer: PeerID
    public let share: DecryptionShare

    public init(peer: PeerID, share: DecryptionShare) {
        self.peer = peer
        self.share = share
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(peer)
        encoder.writeFixed(share.canonicalBytes)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        peer = try decoder.read()
        let raw = try decoder.readFixed(96)
        do { share = try DecryptionShare(canonicalBytes: raw) } catch { throw .invalidValue(error.description) }
    }
}

extension IncomingContract {
    /// What t (or more) shares decrypt to, checked share by share against the guardians' public key shares.
    /// - Throws: ``LightningError/invalidDecryption(_:)`` naming the guardians whose shares are bad, or saying why no
    ///   preimage came out.
    public func decrypt(_ shares: [PeerDecryptionShare], config: LightningConsensusConfig) throws(LightningError) -> [UInt8] {
        guard shares.count >= config.threshold, shares.count <= config.peerCount else {
            throw .invalidDecryption("\(shares.count) decryption shares; \(config.threshold) to \(config.peerCount) are needed")
        }
        var publicShares: [Int: DecryptionPublicKeyShare] = [:]
        for (index, share) in try config.encryptionKeyShares.enumerated() { publicShares[index] = DecryptionPublicKeyShare(share) }
        do {
            return try ThresholdEncryption.combine(
                shares.map { (peer: Int($0.peer.rawValue), share: $0.share) }, for: ciphertext, publicShares: publicShares)
        } catch { throw .invalidDecryption(error.description) }
    }
}

extension IncomingContract {
    /// Sorts the guardians' answers into shares that verify against their public key shares and the guardians whose
    /// share does not (to be named, never used).
    public func checkShares(
        _ answers: [PeerID: DecryptionShare], config: LightningConsensusConfig
    ) -> (valid: [PeerDecryptionShare], invalid: [PeerID]) {
        var valid: [PeerDecryptionShare] = []
        var invalid: [PeerID] = []
        for (peer, share) in answers.sorted(by: { $0.key < $1.key }) {
            let index = Int(peer.rawValue)
            // A stored key share that does not decode (a damaged config) verifies nothing, as a wrong share would not.
            if let key = try? config.encryptionKeyShare(index),
                ThresholdEncryption.verify(share, for: ciphertext, from: DecryptionPublicKeyShare(key))
            {
                valid.append(PeerDecryptionShare(peer: peer, share: share))
            } else {
                invalid.append(peer)
            }
        }
        return (valid, invalid)
    }
}
