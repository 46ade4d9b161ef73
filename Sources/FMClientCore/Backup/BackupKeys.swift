import Crypto
import FMCore
import FMSecp256k1
import Foundation

/// The keys of a client's snapshot at one federation, derived from its mnemonic (root / federation / "backup"):
/// a secp256k1 keypair whose x-only key is the client id the guardians store under and whose signature proves
/// ownership, and a ChaCha20-Poly1305 key only the mnemonic's holder has. A snapshot sealed under another
/// mnemonic neither verifies under this client id nor decrypts.
public struct BackupKeys: Sendable {
    public let signing: Keypair
    let encryption: SymmetricKey

    public init(federationSecret: DerivableSecret) {
        let node = federationSecret.purpose("backup")
        signing = node.secp256k1Keypair()
        encryption = SymmetricKey(data: node.bytes("backup-encryption", count: 32))
    }

    public var clientId: XOnlyPublicKey { signing.xOnlyPublicKey }

    /// Pads `plaintext` to its bucket, encrypts it (random 12-byte nonce ‖ ciphertext ‖ 16-byte tag, the client
    /// id as associated data) and signs it with `sequence`.
    ///
    /// - Throws: ``BackupError/tooLarge(_:)`` beyond the largest bucket.
    public func seal(_ plaintext: [UInt8], sequence: UInt64) throws -> SignedBackup {
        guard let padded = BackupPadding.pad(plaintext) else { throw BackupError.tooLarge(plaintext.count) }
        let box = try ChaChaPoly.seal(padded, using: encryption, authenticating: clientId.rawRepresentation)
        return SignedBackup(owner: signing, sequence: sequence, ciphertext: Array(box.combined))
    }

    /// The plaintext of a snapshot, or `nil` unless it is ours: signed under our client id, decrypting under our
    /// key with its tag intact, and correctly padded. A guardian cannot forge one; it can only withhold or replay.
    public func open(_ backup: SignedBackup) -> [UInt8]? {
        guard backup.clientId == clientId, backup.isWellFormed,
            let box = try? ChaChaPoly.SealedBox(combined: backup.ciphertext),
            let padded = try? ChaChaPoly.open(box, using: encryption, authenticating: clientId.rawRepresentation)
        else { return nil }
        return BackupPadding.unpad(Array(padded))
    }
}

public enum BackupError: ReportableError, Equatable {
    case tooLarge(Int)
    case pendingOperations(Int)
    case notStored([String])
    /// More out-of-band spends are still reclaimable than a snapshot holds: leaving one out would lose it at recovery.
    case tooManyOutstandingSpends(count: Int, limit: Int)

    public var category: FailureCategory {
        switch self {
        case .tooLarge: .badInput
        case .pendingOperations, .tooManyOutstandingSpends: .failed
        case .notStored: .unreachable
        }
    }

    public var code: String {
        switch self {
        case .tooLarge: "backup_too_large"
        case .pendingOperations: "operations_pending"
        case .notStored: "backup_not_stored"
        case .tooManyOutstandingSpends: "too_many_outstanding_spends"
        }
    }

    public var description: String {
        switch self {
        case .tooLarge(let size):
            "the wallet's snapshot (\(size) bytes) exceeds the largest backup (\(BackupPadding.buckets.last! - 4) bytes); "
                + "recovery still works from the mnemonic by scanning the whole history"
        case .pendingOperations(let count):
            "\(count) operation(s) still running; a snapshot is taken only when none is (run `fm-mint await` first)"
        case .notStored(let reasons): "no guardian stored the snapshot: \(reasons.joined(separator: "; "))"
        case .tooManyOutstandingSpends(let count, let limit):
            "\(count) out-of-band spends are still reclaimable, a snapshot holds \(limit): reclaim some "
                + "(`fm-mint reclaim ID`) or let them be redeemed; until then no snapshot is uploaded"
        }
    }
}
