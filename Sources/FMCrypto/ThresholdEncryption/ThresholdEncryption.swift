import FMBLS12381

/// Threshold public-key encryption of a 32-byte preimage to the federation, secure against chosen ciphertexts,
/// with decryption shares anyone can check (Baek–Zheng 2003 with the groups of Fedimint's `tpe`, swapped so that
/// the key is the DKG's pk = sk·G2). Peers are indexed as in ``Shamir``: peer i holds sk_i = p(i + 1).
///
/// - Guardian: ``decryptionShare(for:associatedData:with:)`` only for a ciphertext valid for the contract.
/// - Anyone: ``verify(_:for:from:)`` each share; ``combine(_:for:publicShares:)`` t valid shares into the preimage.
public enum ThresholdEncryption {
    /// Encrypts `preimage` (32 bytes) to `key`, bound to `associatedData`, with a fresh r from the system CSPRNG.
    /// - Precondition: `preimage` is 32 bytes.
    public static func encrypt(
        _ preimage: [UInt8], to key: EncryptionPublicKey, associatedData: [UInt8]
    ) -> ThresholdCiphertext {
        var rng = SystemRandomNumberGenerator()
        return encrypt(preimage, to: key, associatedData: associatedData, using: &rng)
    }

    /// As ``encrypt(_:to:associatedData:)`` with r drawn from `rng`.
    /// - Important: `rng` must be cryptographically secure; whoever predicts r reads the preimage.
    public static func encrypt(
        _ preimage: [UInt8], to key: EncryptionPublicKey, associatedData: [UInt8],
        using rng: inout some RandomNumberGenerator
    ) -> ThresholdCiphertext {
        encrypt(preimage, to: key, associatedData: associatedData, ephemeralSecret: SecretScalar.random(using: &rng))
    }

    /// The deterministic core, for known-answer tests: U = r·G2, V = m ⊕ KDF(r·pk), W = r·H(U, V, A).
    static func encrypt(
        _ preimage: [UInt8], to key: EncryptionPublicKey, associatedData: [UInt8], ephemeralSecret r: SecretScalar
    ) -> ThresholdCiphertext {
        precondition(preimage.count == ThresholdCiphertext.preimageLength, "a preimage is 32 bytes")
        precondition(!r.revealed.isZero, "the ephemeral secret must not be zero")
        let ephemeralKey = G2Point.generator * r.revealed
        let pad = ThresholdCiphertext.pad(sharedPoint: key.point * r.revealed)
        let masked = zip(preimage, pad).map { $0 ^ $1 }
        let digest = ThresholdCiphertext.digest(associatedData: associatedData)
        let hash = ThresholdCiphertext.hashPoint(
            ephemeralKey: ephemeralKey, maskedPreimage: masked, associatedDataDigest: digest)
        return ThresholdCiphertext(
            ephemeralKey: ephemeralKey, maskedPreimage: masked, proof: hash * r.revealed,
            associatedDataDigest: digest)
    }

    /// A guardian's share D_i = sk_i·U, or nil if the ciphertext is not valid for `associatedData`
    /// (decrypting an ill-formed or re-bound ciphertext would turn the federation into a decryption oracle).
    public static func decryptionShare(
        for ciphertext: ThresholdCiphertext, associatedData: [UInt8], with key: DecryptionKeyShare
    ) -> DecryptionShare? {
        guard ciphertext.isValid(associatedData: associatedData) else { return nil }
        return DecryptionShare(ciphertext.ephemeralKey * key.secret.revealed)
    }

    /// Whether `share` is sk_i·U for the guardian whose public key share is `publicShare`, and the ciphertext is
    /// well formed (without that, the share equation proves nothing).
    public static func verify(
        _ share: DecryptionShare, for ciphertext: ThresholdCiphertext, from publicShare: DecryptionPublicKeyShare
    ) -> Bool {
        ciphertext.isWellFormed && shareEquationHolds(share, hash: ciphertext.hashPoint, ciphertext, publicShare)
    }

    /// Checks every share, then interpolates D = Σ λ_i·D_i = sk·U = r·pk and removes the pad.
    ///
    /// The result is checked against pk (interpolated from all of `publicShares`), so a wrong preimage is never
    /// returned: too few valid shares throw instead.
    /// - Throws: ``ThresholdEncryptionError``; `.invalidShares` names every peer whose share is bad.
    public static func combine(
        _ shares: [(peer: Int, share: DecryptionShare)], for ciphertext: ThresholdCiphertext,
        publicShares: [Int: DecryptionPublicKeyShare]
    ) throws(ThresholdEncryptionError) -> [UInt8] {
        var seen = Set<Int>()
        for (peer, _) in shares {
            guard peer >= 0, publicShares[peer] != nil else { throw .unknownPeer(peer) }
            guard seen.insert(peer).inserted else { throw .duplicatePeer(peer) }
        }
        guard ciphertext.isWellFormed else { throw .invalidCiphertext }
        let hash = ciphertext.hashPoint
        let bad = shares.filter { !shareEquationHolds($0.share, hash: hash, ciphertext, publicShares[$0.peer]!) }
        guard bad.isEmpty else { throw .invalidShares(peers: bad.map(\.peer).sorted()) }
        guard !shares.isEmpty,
            let combined = try? Shamir.interpolateAtZero(shares.map { (peer: $0.peer, point: $0.share.point) }),
            let key = try? Shamir.interpolateAtZero(
                publicShares.filter { $0.key >= 0 }.map { (peer: $0.key, point: $0.value.point) }),
            !key.isIdentity,
            shareEquationHolds(DecryptionShare(combined), hash: hash, ciphertext, DecryptionPublicKeyShare(key))
        else { throw .notEnoughShares(got: shares.count) }
        return zip(ciphertext.maskedPreimage, ThresholdCiphertext.pad(sharedPoint: combined)).map { $0 ^ $1 }
    }

    /// e(H, D) = e(W, pk_i): given a well-formed ciphertext (W = r·H), this holds iff D = r·pk_i = sk_i·U.
    private static func shareEquationHolds(
        _ share: DecryptionShare, hash: G1Point, _ ciphertext: ThresholdCiphertext,
        _ publicShare: DecryptionPublicKeyShare
    ) -> Bool {
        guard !share.point.isIdentity, !publicShare.point.isIdentity else { return false }
        return pairingProductIsOne([(hash, share.point), (-ciphertext.proof, publicShare.point)])
    }
}
