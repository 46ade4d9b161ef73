/// The guardians' snapshot methods and their JSON shapes (docs/rpc.md, "Backups"), shared by guardian and client.
public enum BackupWire {
    /// `backup_upload {backup: hex}` → `{sequence}`.
    public static let upload = "backup_upload"
    /// `backup_fetch {client_id: hex}` → `{backup: hex | null}`.
    public static let fetch = "backup_fetch"
}

public struct BackupUploadParams: Codable, Sendable {
    public var backup: String
    public init(backup: String) { self.backup = backup }
}

public struct BackupUploadResult: Codable, Sendable, Equatable {
    public var sequence: UInt64
    public init(sequence: UInt64) { self.sequence = sequence }
}

public struct BackupFetchParams: Codable, Sendable {
    public var clientId: String
    public init(clientId: String) { self.clientId = clientId }
}

public struct BackupFetchResult: Codable, Sendable, Equatable {
    public var backup: String?
    public init(backup: String?) { self.backup = backup }
}
