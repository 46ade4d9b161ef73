internal import CSecp256k1

/// A secret key together with its public key, in the form BIP-340 signing uses.
///
/// The secret half lives in zeroing storage, as in ``SecretKey``.
public struct Keypair: Sendable, Equatable, CustomStringConvertible {
    /// libsecp256k1's 96-byte keypair (secret key and public key).
    private let storage: SecureBytes

    private init(storage: SecureBytes) { self.storage = storage }

    public init(secretKey: SecretKey) {
        storage = SecureBytes(count: 96) { buffer in
            let keypair = buffer.baseAddress!.assumingMemoryBound(to: secp256k1_keypair.self)
            let ok = secretKey.withUnsafeBytes { secp256k1_keypair_create(context, keypair, $0) }
            precondition(ok == 1, "a validated secret key always makes a keypair")
        }
    }

    /// A keypair from a key drawn from `rng` (pass a seeded generator only in tests).
    public init(using rng: inout some RandomNumberGenerator) { self.init(secretKey: SecretKey(using: &rng)) }

    /// A fresh keypair from the system's cryptographic random source.
    public init() { self.init(secretKey: SecretKey()) }

    func withCKeypair<R>(_ body: (UnsafePointer<secp256k1_keypair>) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { try body($0.baseAddress!.assumingMemoryBound(to: secp256k1_keypair.self)) }
    }

    public var secretKey: SecretKey {
        SecretKey(storage: SecureBytes(count: 32) { buffer in
            withCKeypair { _ = secp256k1_keypair_sec(context, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), $0) }
        })
    }

    public var publicKey: PublicKey {
        var pubkey = secp256k1_pubkey()
        withCKeypair { _ = secp256k1_keypair_pub(context, &pubkey, $0) }
        return PublicKey(pubkey)
    }

    /// The BIP-340 public key.
    public var xOnlyPublicKey: XOnlyPublicKey { publicKey.xOnly.key }

    /// The keypair for the tweaked x-only key `P + t·G` (BIP-341 key-path spending);
    /// its ``xOnlyPublicKey`` equals ``XOnlyPublicKey/tweaked(by:)`` of this one.
    /// - Throws: ``Secp256k1Error/invalidTweak``.
    public func xOnlyTweaked(by tweak: some Collection<UInt8>) throws -> Keypair {
        let tweak = try fixedLength(tweak, 32, "tweak")
        return try Keypair(storage: SecureBytes(count: 96) { buffer in
            storage.withUnsafeBytes { buffer.copyMemory(from: $0) }
            let keypair = buffer.baseAddress!.assumingMemoryBound(to: secp256k1_keypair.self)
            guard secp256k1_keypair_xonly_tweak_add(context, keypair, tweak) == 1 else {
                throw Secp256k1Error.invalidTweak
            }
        })
    }

    /// Constant-time comparison.
    public static func == (lhs: Keypair, rhs: Keypair) -> Bool { lhs.storage.constantTimeEquals(rhs.storage) }

    public var description: String { "Keypair(public: \(xOnlyPublicKey), secret: redacted)" }
}
