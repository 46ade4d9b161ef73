import FMCore
import FMCrypto
import FMMintCommon
import FMStorage

/// **Benchmarks only** (`fm-bench recover`): appends outputs of other wallets to the issuance log directly, so
/// that a long history (100,000 outputs and more) exists without minutes of blind signing.
///
/// What a recovering client reads of such an output (its place in the log, denomination and blinded message) is
/// exactly what a dev-issue of the same outputs would have left; nothing else changes (no outcome, no total, so
/// the audit is untouched). Every guardian of a federation must be seeded with the same outputs before it starts,
/// so that their logs, and state digests, stay identical.
public enum MintHistorySeeding {
    /// ``appendForeignOutputs(_:tag:db:)`` in one write transaction of `storage`.
    public static func append(_ outputs: [MintOutput], tag: String, to storage: any Storage) async throws {
        try await storage.write { db in try appendForeignOutputs(outputs, tag: tag, db: db) }
    }

    /// Appends `outputs` to the log in order, under synthetic out points (txid = SHA-256 of `tag` ‖ position).
    public static func appendForeignOutputs(_ outputs: [MintOutput], tag: String, db: any StorageWriting) throws {
        for (position, output) in outputs.enumerated() {
            let txid = TransactionID(Hash256.sha256(Array(tag.utf8) + withUnsafeBytes(of: UInt64(position).bigEndian, Array.init)))
            try MintStore.logIssued(output, outPoint: OutPoint(txid: txid, outIndex: 0), db: db)
        }
    }
}
