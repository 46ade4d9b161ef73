import FMSecp256k1

/// Pay-to-contract tweaks that make every deposit address unique (BRIEF §8).
///
/// For a guardian key P and a client's per-deposit key T:
///
///     h  = TaggedHash("fm/wallet/peg-in-tweak", compressed(P) ‖ compressed(T))   (BIP-340 tagged SHA-256)
///     P' = P + h·G,   and the guardian signs with  d' = d + h  (mod n)
///
/// Only someone who knows T can tell that P' belongs to the federation, so deposits are unlinkable; and the
/// client proves a deposit is its own by signing the claiming transaction with T's secret key.
public enum PegInTweak {
    /// The BIP-340 tag of the tweak hash (part of the address format: changing it changes every address).
    public static let tag = "fm/wallet/peg-in-tweak"

    /// h for guardian key `key` and tweak key `tweakKey`.
    public static func scalar(for key: PublicKey, tweakKey: PublicKey) -> [UInt8] {
        TaggedHash.sha256(tag: tag, key.compressed + tweakKey.compressed)
    }

    /// P' = P + h·G.
    public static func tweak(_ key: PublicKey, with tweakKey: PublicKey) throws -> PublicKey {
        try key.adding(tweak: scalar(for: key, tweakKey: tweakKey))
    }

    /// d' = d + h, the secret key of ``tweak(_:with:)``.
    public static func tweak(_ secret: SecretKey, with tweakKey: PublicKey) throws -> SecretKey {
        try secret.adding(tweak: scalar(for: secret.publicKey, tweakKey: tweakKey))
    }
}
