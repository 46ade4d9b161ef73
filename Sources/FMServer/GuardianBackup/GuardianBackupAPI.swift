import FMRPC

/// The guardian backup's admin methods (docs/rpc.md, "Admin methods"); both need the operator's credential.
///
/// - `guardian_backup_create` → `{id, size, checksum, manifest}`: snapshots the guardian into a staged file.
/// - `guardian_backup_read {id, offset}` → `{data (base64), offset, end}`: the staged file, in chunks.
public struct GuardianBackupAPI: Sendable {
    public let backups: GuardianBackups

    public init(backups: GuardianBackups) { self.backups = backups }

    public func register(into registry: inout RPCMethodRegistry) {
        let backups = backups
        registry.register(
            "guardian_backup_create", summary: "ADMIN: snapshot this guardian (configs, databases) into a staged backup",
            timeout: .seconds(600), cost: RPCMethodRegistry.submitCost, access: .admin
        ) { (_: NoParams, _) async throws -> GuardianBackupCreated in
            try await backups.create()
        }
        registry.register(
            "guardian_backup_read", summary: "ADMIN: read the staged guardian backup from OFFSET", access: .admin
        ) { (params: GuardianBackupReadParams, _) async throws -> GuardianBackupChunk in
            try await backups.read(id: params.id, offset: params.offset)
        }
    }
}
