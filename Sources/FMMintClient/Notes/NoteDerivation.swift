import Crypto
import FMCore
import FMCrypto
import FMMintCommon
import FMBLS12381
import FMSecp256k1

/// Derives every note's secrets from one 64-byte module secret (BRIEF §7),
/// so that a wallet restored from its mnemonic finds its notes again.
///
/// The note at (denomination, index) gets
/// `HKDF-SHA512(ikm: module secret, salt: "fm/mint/note/v0", info: exponent ‖ index (8 bytes, big-endian) ‖ attempt, 96 bytes)`:
/// bytes 0..<32 are the spend key, bytes 32..<96 reduced mod r the blinding
/// factor. `attempt` is 0 unless the spend key is out of range or the blinding
/// factor is zero (probability about 2⁻¹²⁸), then the next attempt is used.
///
/// - Important: the module secret must already be specific to one federation
///   and one mint instance (the client derives it along federation id /
///   module instance / "mint"); two federations must never share one.
public struct NoteDerivation: Sendable, CustomStringConvertible {
    static let salt = Array("fm/mint/note/v0".utf8)
    public static let secretLength = 64

    private let moduleSecret: SymmetricKey

    /// - Throws: ``MintError/invalidConfig(_:)`` unless the secret is exactly 64 bytes.
    public init(moduleSecret: some Collection<UInt8>) throws(MintError) {
        guard moduleSecret.count == Self.secretLength else {
            throw .invalidConfig("a mint module secret is \(Self.secretLength) bytes, not \(moduleSecret.count)")
        }
        self.moduleSecret = SymmetricKey(data: Array(moduleSecret))
    }

    /// From `secretLength` bytes the client derived itself (its secret tree's "mint" / "note-derivation" node); this
    /// file stays free of FMClientCore, since bin/fuzz compiles the note decoders without the client's database.
    init(derivedSecret: [UInt8]) {
        precondition(derivedSecret.count == Self.secretLength, "a derived module secret is \(Self.secretLength) bytes")
        moduleSecret = SymmetricKey(data: derivedSecret)
    }

    public var description: String { "NoteDerivation(<redacted>)" }

    /// The secrets of the note at (`denomination`, `index`): always the same for the same module secret.
    public func secret(denomination: Denomination, index: UInt64) -> NoteSecret {
        var attempt: UInt8 = 0
        while true {
            var info = [denomination.exponent]
            withUnsafeBytes(of: index.bigEndian) { info.append(contentsOf: $0) }
            info.append(attempt)
            let okm = HKDF<SHA512>.deriveKey(
                inputKeyMaterial: moduleSecret, salt: Self.salt, info: info, outputByteCount: 96
            ).withUnsafeBytes { Array($0) }
            let blinding = Scalar(reducingBigEndianBytes: Array(okm[32..<96]))
            if let spendKey = try? SecretKey(rawRepresentation: okm[0..<32]), !blinding.isZero {
                return NoteSecret(
                    denomination: denomination, index: index, spendKey: spendKey.keypair,
                    blindingKey: BlindingKey(SecretScalar(blinding)))
            }
            attempt += 1
        }
    }

    /// The secrets of fresh notes that add up to `amount` (fewest notes), taking
    /// each denomination's next unused index from `nextIndices` and advancing it.
    ///
    /// The caller persists `nextIndices` before it submits the outputs, so an
    /// index is never used for two notes.
    public func secrets(
        for amount: Amount, config: MintClientConfig, nextIndices: inout [Denomination: UInt64]
    ) throws(MintError) -> [NoteSecret] {
        try config.split(amount).map { denomination in
            let index = nextIndices[denomination, default: 0]
            nextIndices[denomination] = index + 1
            return secret(denomination: denomination, index: index)
        }
    }
}
