import Crypto
import FMBLS12381
import FMCore
import FMCrypto
import FMEncoding
import FMSecp256k1
import Synchronization

/// A node in the client's tree of secrets (BRIEF §7): the BIP-39 seed at the root, then
/// federation / module instance / purpose / index, each step one HKDF-SHA512 expansion.
///
/// Every secret the client uses — note spend keys, blinding factors, module secrets — is a leaf
/// of this tree, so the mnemonic alone re-derives all of them during recovery.
///
/// - Important: the derivation labels below are part of the wallet format: changing one makes
///   every existing mnemonic restore different keys.
public struct DerivableSecret: Sendable, CustomStringConvertible {
    /// The 64-byte HKDF pseudo-random key of this node.
    private let key: SymmetricKey

    private init(key: SymmetricKey) { self.key = key }

    /// The root of the tree, from a BIP-39 seed (64 bytes).
    public init(seed: some Collection<UInt8>) {
        let prk = HKDF<SHA512>.extract(inputKeyMaterial: SymmetricKey(data: Array(seed)), salt: Array("fm/client-root/v1".utf8))
        key = SymmetricKey(data: Array(prk))
    }

    /// The child for `step`: HKDF-Expand(this key, "fm/child" ‖ canonical(step), 64 bytes).
    public func child(_ step: DerivationStep) -> DerivableSecret {
        var info = CanonicalEncoder()
        info.writeFixed(Array("fm/child".utf8))
        info.write(step)
        return DerivableSecret(key: HKDF<SHA512>.expand(pseudoRandomKey: key, info: info.bytes, outputByteCount: 64))
    }

    public func federation(_ id: FederationID) -> DerivableSecret { child(.federation(id)) }
    public func module(_ instance: ModuleInstanceID) -> DerivableSecret { child(.module(instance)) }
    public func purpose(_ name: String) -> DerivableSecret { child(.purpose(name)) }
    public func index(_ index: UInt64) -> DerivableSecret { child(.index(index)) }

    /// `count` secret bytes of this node for the use named `label` (distinct labels give independent bytes).
    public func bytes(_ label: String, count: Int) -> [UInt8] {
        var info = CanonicalEncoder()
        info.writeFixed(Array("fm/bytes".utf8))
        info.write(label)
        return HKDF<SHA512>.expand(pseudoRandomKey: key, info: info.bytes, outputByteCount: count)
            .withUnsafeBytes { Array($0) }
    }

    /// The secp256k1 keypair of this node (e.g. a note's spend key).
    ///
    /// Draws 32 bytes and retries with a counter in the negligible case that they are not a valid
    /// secret key (zero or ≥ the group order), so the result is deterministic.
    public func secp256k1Keypair() -> Keypair {
        for attempt in 0..<UInt64.max {
            if let key = try? SecretKey(rawRepresentation: index(attempt).bytes("secp256k1", count: 32)) {
                return Keypair(secretKey: key)
            }
        }
        preconditionFailure("no valid secp256k1 key in 2^64 attempts")
    }

    /// A BLS12-381 scalar of this node (e.g. a note's blinding factor): 64 bytes reduced mod r,
    /// so the bias is below 2^-250. Never zero.
    public func blsScalar() -> SecretScalar {
        var attempt: UInt64 = 0
        while true {
            let scalar = Scalar(reducingBigEndianBytes: index(attempt).bytes("bls12-381-scalar", count: 64))
            if !scalar.isZero { return SecretScalar(scalar) }
            attempt += 1
        }
    }

    /// A public fingerprint of this node: lets a client check that a mnemonic is the one a
    /// database was created with, without storing any secret.
    public var fingerprint: Hash256 { Hash256.sha256(bytes("fingerprint", count: 32)) }

    public var description: String { "DerivableSecret(<redacted>)" }
}

/// One step down the secret tree. Each kind has its own tag, so a module index can never
/// collide with a purpose or a derivation index.
public enum DerivationStep: Hashable, Sendable, CanonicalEncodable {
    case federation(FederationID)
    case module(ModuleInstanceID)
    case purpose(String)
    case index(UInt64)

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .federation(let id):
            encoder.writeVarint(0)
            encoder.write(id)
        case .module(let instance):
            encoder.writeVarint(1)
            encoder.write(instance)
        case .purpose(let name):
            encoder.writeVarint(2)
            encoder.write(name)
        case .index(let index):
            encoder.writeVarint(3)
            encoder.writeVarint(index)
        }
    }
}

/// A secret derived the first time something asks for it, then kept for the process.
///
/// The client's root secret comes from the BIP-39 seed (2048 rounds of PBKDF2-HMAC-SHA512): a command that
/// derives no key (`fm-mint balance --offline`, `list`, `info`) skips that work (docs/benchmarks/cli-start.md).
public final class DeferredSecret: Sendable {
    private let derive: @Sendable () -> DerivableSecret
    private let derived = Mutex<DerivableSecret?>(nil)

    public init(_ derive: @escaping @Sendable () -> DerivableSecret) { self.derive = derive }

    /// A secret already at hand.
    public convenience init(_ secret: DerivableSecret) { self.init { secret } }

    public var value: DerivableSecret {
        derived.withLock { derived in
            if let derived { return derived }
            let secret = derive()
            derived = secret
            return secret
        }
    }

    /// Whether ``value`` has been derived yet.
    public var isDerived: Bool { derived.withLock { $0 != nil } }
}
