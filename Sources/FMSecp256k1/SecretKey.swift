internal import CSecp256k1

/// A secp256k1 secret key: a scalar in 1...n-1.
///
/// The bytes live in storage that is zeroed when the last copy goes away; they
/// leave it only through ``rawRepresentation``. `==` runs in constant time and
/// the description never shows the key.
public struct SecretKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    let storage: SecureBytes

    /// Wraps 32 big-endian bytes.
    /// - Throws: ``Secp256k1Error/invalidLength(field:expected:actual:)`` or
    ///   ``Secp256k1Error/invalidSecretKey`` when the value is 0 or ≥ n.
    public init(rawRepresentation bytes: some Collection<UInt8>) throws {
        guard bytes.count == 32 else {
            throw Secp256k1Error.invalidLength(field: "secret key", expected: [32], actual: bytes.count)
        }
        storage = try SecureBytes(count: 32) { buffer in
            for (i, byte) in bytes.enumerated() { buffer[i] = byte }
            guard secp256k1_ec_seckey_verify(context, buffer.baseAddress!) == 1 else {
                throw Secp256k1Error.invalidSecretKey
            }
        }
    }

    /// A fresh key from the operating system's cryptographic random source.
    public init() {
        var rng = SystemRandomNumberGenerator()
        self.init(using: &rng)
    }

    /// A fresh key drawn from `rng` (pass a seeded generator only in tests).
    public init(using rng: inout some RandomNumberGenerator) {
        while true {
            let candidate = try? SecureBytes(count: 32) { buffer in
                for i in 0..<32 { buffer[i] = UInt8.random(in: 0...255, using: &rng) }
                guard secp256k1_ec_seckey_verify(context, buffer.baseAddress!) == 1 else {
                    throw Secp256k1Error.invalidSecretKey
                }
            }
            if let candidate {
                storage = candidate
                return
            }
        }
    }

    init(storage: SecureBytes) { self.storage = storage }

    /// The 32 secret bytes, big-endian. Handle the copy with care.
    public var rawRepresentation: [UInt8] { storage.bytes }

    /// The matching public key `d·G`.
    public var publicKey: PublicKey {
        var pubkey = secp256k1_pubkey()
        let ok = storage.withUnsafeBytes { secp256k1_ec_pubkey_create(context, &pubkey, $0.baseAddress!) }
        precondition(ok == 1, "a validated secret key always has a public key")
        return PublicKey(pubkey)
    }

    /// The BIP-340 keypair of this key (for Schnorr signing and x-only tweaks).
    public var keypair: Keypair { Keypair(secretKey: self) }

    /// `-d mod n`.
    public func negated() -> SecretKey {
        SecretKey(storage: SecureBytes(count: 32) { buffer in
            storage.withUnsafeBytes { buffer.copyMemory(from: $0) }
            _ = secp256k1_ec_seckey_negate(context, buffer.baseAddress!)
        })
    }

    /// `d + t mod n`, the secret key of ``PublicKey/adding(tweak:)``.
    /// - Throws: ``Secp256k1Error/invalidTweak`` if `t ≥ n` or the sum is zero.
    public func adding(tweak: some Collection<UInt8>) throws -> SecretKey {
        let tweak = try fixedLength(tweak, 32, "tweak")
        return try SecretKey(storage: SecureBytes(count: 32) { buffer in
            storage.withUnsafeBytes { buffer.copyMemory(from: $0) }
            guard secp256k1_ec_seckey_tweak_add(context, buffer.baseAddress!, tweak) == 1 else {
                throw Secp256k1Error.invalidTweak
            }
        })
    }

    /// `d · t mod n`.
    /// - Throws: ``Secp256k1Error/invalidTweak`` if `t` is zero or ≥ n.
    public func multiplying(by tweak: some Collection<UInt8>) throws -> SecretKey {
        let tweak = try fixedLength(tweak, 32, "tweak")
        return try SecretKey(storage: SecureBytes(count: 32) { buffer in
            storage.withUnsafeBytes { buffer.copyMemory(from: $0) }
            guard secp256k1_ec_seckey_tweak_mul(context, buffer.baseAddress!, tweak) == 1 else {
                throw Secp256k1Error.invalidTweak
            }
        })
    }

    /// Constant-time comparison.
    public static func == (lhs: SecretKey, rhs: SecretKey) -> Bool {
        lhs.storage.constantTimeEquals(rhs.storage)
    }

    public var description: String { "SecretKey(redacted)" }
    public var debugDescription: String { description }

    func withUnsafeBytes<R>(_ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { try body($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    }
}
