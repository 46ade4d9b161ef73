import FMBLS12381

/// A 32-byte preimage encrypted to the federation, bound to associated data (the contract):
/// U = r·G2, V = preimage ⊕ KDF(r·pk), W = r·H with H = hash_to_G1(U ‖ V ‖ A), A = digest(associated data).
///
/// W proves that whoever made the ciphertext knew r for this very (U, V, A), which is what makes the scheme secure
/// against chosen ciphertexts (Baek–Zheng 2003); see docs/threshold-encryption.md.
public struct ThresholdCiphertext: CanonicalBytesRepresentable, Hashable {
    /// U = r·G2, the ephemeral key.
    public let ephemeralKey: G2Point
    /// V = preimage ⊕ KDF(r·pk).
    public let maskedPreimage: [UInt8]
    /// W = r·H, the proof of well-formedness.
    public let proof: G1Point
    /// A = expand_message_xmd(associated data, 32 bytes) under ``DomainTags/thresholdEncryptionAssociatedData``.
    public let associatedDataDigest: [UInt8]

    static let preimageLength = 32
    static let encodedLength = 96 + 32 + 48 + 32

    init(ephemeralKey: G2Point, maskedPreimage: [UInt8], proof: G1Point, associatedDataDigest: [UInt8]) {
        self.ephemeralKey = ephemeralKey
        self.maskedPreimage = maskedPreimage
        self.proof = proof
        self.associatedDataDigest = associatedDataDigest
    }

    /// Whether this ciphertext is well formed and bound to `associatedData`; a guardian decrypts nothing else.
    public func isValid(associatedData: [UInt8]) -> Bool {
        ThresholdCiphertext.digest(associatedData: associatedData) == associatedDataDigest && isWellFormed
    }

    /// e(H, U) = e(W, G2), i.e. log_G2(U) = log_H(W): W was made with the r of U, for this U, V and A.
    var isWellFormed: Bool {
        guard !ephemeralKey.isIdentity, !proof.isIdentity else { return false }
        return pairingProductIsOne([(hashPoint, ephemeralKey)], prepared: [(-proof, .generator)])
    }

    /// H = hash_to_G1(U ‖ V ‖ A) (RFC 9380), under ``DomainTags/thresholdEncryptionHash``.
    var hashPoint: G1Point {
        ThresholdCiphertext.hashPoint(
            ephemeralKey: ephemeralKey, maskedPreimage: maskedPreimage,
            associatedDataDigest: associatedDataDigest)
    }

    static func hashPoint(ephemeralKey: G2Point, maskedPreimage: [UInt8], associatedDataDigest: [UInt8]) -> G1Point {
        HashToG1.hash(
            ephemeralKey.compressed + maskedPreimage + associatedDataDigest,
            domain: DomainTags.thresholdEncryptionHash)
    }

    static func digest(associatedData: [UInt8]) -> [UInt8] {
        // 32 bytes is far below the expander's limit, so it cannot throw.
        try! ExpandMessageXMD.expand(associatedData, domain: DomainTags.thresholdEncryptionAssociatedData, length: 32)
    }

    /// The pad KDF(r·pk) = expand_message_xmd(compressed r·pk, 32 bytes) under ``DomainTags/thresholdEncryptionKDF``.
    static func pad(sharedPoint: G2Point) -> [UInt8] {
        try! ExpandMessageXMD.expand(sharedPoint.compressed, domain: DomainTags.thresholdEncryptionKDF, length: 32)
    }

    /// 208 bytes: U (96, compressed G2) ‖ V (32) ‖ W (48, compressed G1) ‖ A (32).
    public var canonicalBytes: [UInt8] {
        ephemeralKey.compressed + maskedPreimage + proof.compressed + associatedDataDigest
    }

    /// Rejects wrong lengths, invalid points and an identity U. Decoding does not check the proof: call
    /// ``isValid(associatedData:)``.
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        let type = "ThresholdCiphertext"
        let all = Array(bytes)
        guard all.count == Self.encodedLength else {
            throw .wrongLength(type: type, expected: Self.encodedLength, actual: all.count)
        }
        ephemeralKey = try PointDecoding.publicKey(all[0..<96], type: type)
        maskedPreimage = Array(all[96..<128])
        proof = try PointDecoding.g1(all[128..<176], type: type)
        associatedDataDigest = Array(all[176..<208])
    }
}

/// Guardian i's decryption share D_i = sk_i·U of one ciphertext,
/// checked with ``ThresholdEncryption/verify(_:for:from:)``.
public struct DecryptionShare: CanonicalBytesRepresentable, Hashable {
    public let point: G2Point

    public init(_ point: G2Point) { self.point = point }

    /// 96-byte compressed G2 point.
    public var canonicalBytes: [UInt8] { point.compressed }
    /// Rejects wrong lengths and invalid points (the identity decodes but never verifies).
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        point = try PointDecoding.g2(bytes, type: "DecryptionShare")
    }
}
