import FMClientCore
import FMCore
import Foundation

extension FederationClient {
    /// What ``recover(invite:mnemonic:directory:modules:join:)`` restored, per module instance.
    public struct Recovery: Sendable {
        public let client: FederationClient
        /// Each module's own summary (the mint: recovered amount, notes, spent notes), by instance.
        public let modules: [(instance: ModuleInstanceID, kind: ModuleKind, summary: JSONValue)]
    }

    /// Restores a client from its mnemonic alone: stores `mnemonic` in `directory` (which must not hold
    /// another one, nor have joined this federation), joins the federation of `invite` (config from t
    /// guardians), then lets every module rebuild its state from the federation's history.
    ///
    /// - Throws: ``ClientDirectoryError/mnemonicExists(_:)`` when the directory holds a different mnemonic,
    ///   ``JoinError/alreadyJoined(_:)`` when it already joined this federation, and whatever a module's
    ///   recovery throws (the database is then left joined; run `recover` again in a fresh directory).
    public static func recover(
        invite: InviteCode, mnemonic: Mnemonic, directory: ClientDirectory, modules: [any ClientModule.Type],
        join: FederationJoin = FederationJoin()
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
        var summaries: [(ModuleInstanceID, ModuleKind, JSONValue)] = []
        for module in client.modules {
            summaries.append((module.instance, type(of: module).kind, try await module.recover()))
        }
        return Recovery(client: client, modules: summaries)
    }
}
