import FMCLI
import FMClient
import FMClientCore
import Foundation

extension FederationClient {
    /// `FM_AUTO_BACKUP=off` stops the automatic uploads (`fm-mint backup --upload` still works).
    static let autoBackupVariable = "FM_AUTO_BACKUP"

    /// Uploads the wallet's snapshot if its balance or ended operations changed since the last upload
    /// (docs/wallet.md, "Backup at the guardians"). Never fails the command: a snapshot that cannot be taken now
    /// (an operation still running) or stored (guardians unreachable, rate limited) is retried by the next command.
    func backupAfterChange() async {
        guard ProcessInfo.processInfo.environment[Self.autoBackupVariable] != "off" else { return }
        do {
            let upload = try await uploadBackup(force: false)
            if !upload.unchanged {
                LogSetup.logger().debug("snapshot \(upload.sequence ?? 0) stored by \(upload.storedBy.count) guardian(s)")
            }
        } catch BackupError.pendingOperations {
            return
        } catch let error as FederationQueryError where error.category == .unreachable {
            // The command itself reports the unreachable guardians in its one error line; a second line saying the
            // same about the snapshot would only bury it (the next command retries the upload).
            LogSetup.logger().debug("snapshot not uploaded now (the next command tries again): \(error)")
        } catch {
            LogSetup.logger().warning("snapshot not uploaded now (the next command tries again): \(error)")
        }
    }
}
