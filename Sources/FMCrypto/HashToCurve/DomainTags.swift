/// The domain separation tags fm hashes with. Changing one changes every
/// message point, so each is versioned in its text.
public enum DomainTags {
    /// Tag for hashing a note's nonce to its message point in G1 (RFC 9380
    /// suite `BLS12381G1_XMD:SHA-256_SSWU_RO_`, application "FM", version 01).
    public static let mintMessage = Array("FM-V01-CS01-with-BLS12381G1_XMD:SHA-256_SSWU_RO_".utf8)
}
