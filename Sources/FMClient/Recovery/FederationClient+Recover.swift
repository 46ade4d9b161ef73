import FMClientCore
import FMCore
import Foundation

extension FederationClient {
    /// What ``recover(invite:mnemonic:directory:modules:join:)`` restored, per module instance.
    public struct Recovery: Sendable {
        public let client: FederationClient
        /// Each module's own summary (the mint: recovered amount, notes, spent notes), by instance.
        public let modules: [(instance: ModuleInstanceID, kind: ModuleKind, summary: JSONValue)]
        /// The snapshot recovery started from, if any.
        public let snapshot: SnapshotUsed?
    }

    /// Which snapshot a recovery started from and what the guardians served.
    public struct SnapshotUsed: Encodable, Sendable {
        public var sequence: UInt64
        /// Guardians that served this snapshot.
        public var servedBy: [PeerID]
        /// Guardians whose snapshot was refused, with why (an older valid one is not refused, just not newest).
        public var refused: [String: String]
    }

    /// Restores a client from its mnemonic alone: stores `mnemonic` in `directory` (which must not hold
    /// another one, nor have joined this federation), joins the federation of `invite` (config from t
    /// guardians), fetches the newest snapshot of this mnemonic from the guardians (unless `useSnapshot` is
    /// false), then lets every module rebuild its state from the snapshot and the history after it.
    ///
    /// - Throws: ``ClientDirectoryError/mnemonicExists(_:)`` when the directory holds a different mnemonic,
    ///   ``JoinError/alreadyJoined(_:)`` when it already joined this federation, and whatever a module's
    ///   recovery throws (the database is then left joined; run `recover` again in a fresh directory).
    public static func recover(
        invite: InviteCode, mnemonic: Mnemonic, directory: ClientDirectory, modules: [any ClientModule.Type],
        join: FederationJoin = FederationJoin(), useSnapshot: Bool = true,
        progress: (@Sendable (RecoveryProgress) -> Void)? = nil
    ) async throws -> Recovery {
        if let existing = try directory.loadMnemonic() {
            guard existing == mnemonic else { throw ClientDirectoryError.mnemonicExists(directory.mnemonicPath) }
        }
        guard !FileManager.default.fileExists(atPath: directory.databasePath(for: invite.federationId)) else {
            throw JoinError.alreadyJoined(invite.federationId)
        }
        // Fetch the config first, so an unreachable federation leaves the directory untouched.
        _ = try await join.fetchConfig(invite: invite)
        if try directory.loadMnemonic() == nil { try directory.storeMnemonic(mnemonic) }
        let client = try await FederationClient.join(invite: invite, directory: directory, modules: modules, join: join)
        let newest = useSnapshot ? await client.newestBackup() : nil
        var summaries: [(ModuleInstanceID, ModuleKind, JSONValue)] = []
        for module in client.modules {
            let request = RecoveryRequest(snapshot: newest?.snapshot.modules[module.instance], progress: progress)
            summaries.append((module.instance, type(of: module).kind, try await module.recover(request)))
        }
        // The next snapshot this client seals must be newer than the one it started from.
        if let newest { try await client.recordBackup(sequence: newest.sequence, marker: nil) }
        return Recovery(
            client: client, modules: summaries,
            snapshot: newest.map {
                SnapshotUsed(
                    sequence: $0.sequence, servedBy: $0.from,
                    refused: Dictionary(uniqueKeysWithValues: $0.refused.map { ("\($0.key.rawValue)", $0.value) }))
            })
    }
}
