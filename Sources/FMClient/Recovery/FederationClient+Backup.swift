import FMClientCore
import FMCore
import FMEncoding
import FMSecp256k1
import Foundation
import GRDB

extension FederationClient {
    /// What an upload did.
    public struct BackupUpload: Encodable, Sendable {
        /// The key the guardians store this client's snapshot under (public; derived from the mnemonic).
        public var clientId: String
        /// The snapshot's sequence (milliseconds since 1970, above every earlier one of this client).
        public var sequence: UInt64?
        /// The padded size bucket the guardians see.
        public var sizeBytes: Int?
        public var storedBy: [PeerID]
        public var failed: [String: String]
        /// Nothing changed since the last upload (balance and ended operations), so nothing was sent.
        public var unchanged: Bool
    }

    /// Seals this client's snapshot (every module's ``ClientModule/snapshot()``) and uploads it to every guardian.
    /// Unless `force`, nothing is sent when neither the balance nor the number of ended operations changed since
    /// the last upload (the changes that matter: notes in, notes out).
    ///
    /// - Throws: ``BackupError/pendingOperations(_:)`` while an operation runs, ``BackupError/tooLarge(_:)``,
    ///   ``BackupError/notStored(_:)`` when no guardian stored it.
    public func uploadBackup(force: Bool) async throws -> BackupUpload {
        let marker = try await changeMarker()
        let last = try await database.read { db -> (sequence: UInt64, marker: String?)? in
            guard let row = try Row.fetchOne(db, sql: "SELECT sequence, marker FROM client_backup WHERE id = 1") else { return nil }
            return (try UInt64(storedInteger: row["sequence"], "sequence"), row["marker"])
        }
        let lastSequence = last?.sequence ?? 0
        if !force, last?.marker == marker {
            return BackupUpload(
                clientId: clientIdHex, sequence: lastSequence, sizeBytes: nil, storedBy: [], failed: [:], unchanged: true)
        }
        var parts: [ModuleInstanceID: [UInt8]] = [:]
        for module in modules {
            if let bytes = try await module.snapshot() { parts[module.instance] = bytes }
        }
        let plaintext = ClientSnapshot(federationId: config.federationId, modules: parts).canonicalBytes
        let now = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        let sequence = max(now, lastSequence + 1)
        let sealed = try backupKeys.seal(plaintext, sequence: sequence)
        let report = try await api.uploadBackup(sealed)
        try await recordBackup(sequence: sequence, marker: marker)
        return BackupUpload(
            clientId: clientIdHex, sequence: sequence, sizeBytes: sealed.ciphertext.count, storedBy: report.storedBy,
            failed: Dictionary(uniqueKeysWithValues: report.failed.map { ("\($0.key.rawValue)", $0.value) }), unchanged: false)
    }

    /// The newest snapshot any guardian holds that is this client's (signed under its client id, decrypting under
    /// its key, of this federation), and what each guardian's answer was worth. A guardian cannot forge one; it
    /// can withhold it or serve an older one, which only makes recovery scan more history.
    public func newestBackup() async -> (snapshot: ClientSnapshot, sequence: UInt64, from: [PeerID], refused: [PeerID: String])? {
        var best: (snapshot: ClientSnapshot, sequence: UInt64, from: [PeerID])?
        var refused: [PeerID: String] = [:]
        for (peer, backup) in await api.fetchBackups(backupKeys.clientId) {
            guard let plaintext = backupKeys.open(backup) else {
                refused[peer] = "not signed and encrypted by this mnemonic (forged or corrupted)"
                continue
            }
            guard let snapshot = try? ClientSnapshot(canonicalBytes: plaintext), snapshot.federationId == config.federationId else {
                refused[peer] = "not a snapshot of this federation"
                continue
            }
            if let current = best, current.sequence > backup.sequence { continue }
            if let current = best, current.sequence == backup.sequence, current.snapshot == snapshot {
                best?.from.append(peer)
            } else {
                best = (snapshot, backup.sequence, [peer])
            }
        }
        return best.map { ($0.snapshot, $0.sequence, $0.from.sorted(), refused) }
    }

    private var clientIdHex: String { Hex.encode(backupKeys.clientId.rawRepresentation) }

    /// Remembers the newest sequence this client sealed (a recovered client starts above its snapshot's).
    func recordBackup(sequence: UInt64, marker: String?) async throws {
        let stored = try sequence.storedInteger("sequence")
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO client_backup (id, sequence, marker) VALUES (1, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET sequence = max(sequence, excluded.sequence), marker = excluded.marker
                    """,
                arguments: [stored, marker])
        }
    }

    /// Balance and number of ended operations: what an upload compares to decide whether anything changed.
    private func changeMarker() async throws -> String {
        let balance = try await balance()
        let ended = try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM client_operations WHERE status != 'running'") ?? 0
        }
        return "\(balance.msats)/\(ended)"
    }
}
