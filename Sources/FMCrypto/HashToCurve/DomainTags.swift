/// The domain separation tags fm hashes with. Changing one changes every
/// message point, so each is versioned in its text.
public enum DomainTags {
    /// Tag for hashing a note's nonce to its message point in G1 (RFC 9380
    /// suite `BLS12381G1_XMD:SHA-256_SSWU_RO_`, application "FM", version 01).
    public static let mintMessage = Array("FM-V01-CS01-with-BLS12381G1_XMD:SHA-256_SSWU_RO_".utf8)

    /// Tag for hashing a threshold ciphertext (U, V, digest of the associated data) to the point H in G1 whose
    /// multiple W = r·H proves the ciphertext well formed (RFC 9380 suite `BLS12381G1_XMD:SHA-256_SSWU_RO_`).
    public static let thresholdEncryptionHash =
        Array("FM-LN-TPE-V01-CS01-with-BLS12381G1_XMD:SHA-256_SSWU_RO_".utf8)
    /// `expand_message_xmd` tag of the key derivation: the 32-byte pad from the shared point r·pk.
    public static let thresholdEncryptionKDF = Array("FM-LN-TPE-V01-KDF-XMD:SHA-256".utf8)
    /// `expand_message_xmd` tag of the 32-byte digest of the associated data a ciphertext is bound to.
    public static let thresholdEncryptionAssociatedData = Array("FM-LN-TPE-V01-AAD-XMD:SHA-256".utf8)
}
