import Crypto

/// BIP-340 tagged hashes: `SHA256(SHA256(tag) || SHA256(tag) || message)`.
public enum TaggedHash {
    /// The 32-byte tagged hash of `message` under `tag` (e.g. "BIP0340/challenge", "TapTweak").
    public static func sha256(tag: String, _ message: some Sequence<UInt8>) -> [UInt8] {
        let tagHash = SHA256.hash(data: Array(tag.utf8))
        var hasher = SHA256()
        hasher.update(data: Array(tagHash))
        hasher.update(data: Array(tagHash))
        hasher.update(data: Array(message))
        return Array(hasher.finalize())
    }
}
