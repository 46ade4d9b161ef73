import FMCore
import FMEncoding
import FMSecp256k1

extension FederationAPI {
    /// What each guardian did with an upload.
    public struct BackupUploadReport: Sendable {
        public var storedBy: [PeerID]
        /// Guardians that refused or could not be reached, with why.
        public var failed: [PeerID: String]
    }

    /// Sends `backup` to every guardian at once (each keeps its owner's newest). One guardian storing it is enough
    /// for recovery (the newest valid snapshot wins); every guardian is asked so that t − 1 withholding ones
    /// cannot hide it.
    ///
    /// - Throws: ``BackupError/notStored(_:)`` when no guardian stored it.
    public func uploadBackup(_ backup: SignedBackup) async throws -> BackupUploadReport {
        let params: JSONValue
        do { params = try JSONValue(BackupUploadParams(backup: Hex.encode(backup.canonicalBytes))) } catch {
            throw BackupError.notStored(["cannot encode the request: \(error)"])
        }
        // A guardian over this address's request budget says so (rate_limited; an upload costs 50 of its 400-unit
        // burst) and refills within a second: commands run back to back from a script meet it, and eachGuardian
        // asks it again.
        let answers = await eachGuardian(BackupWire.upload, params: params)
        var report = BackupUploadReport(storedBy: [], failed: [:])
        for (peer, answer) in answers {
            switch answer {
            case .success(let value) where (try? value.decode(BackupUploadResult.self))?.sequence == backup.sequence:
                report.storedBy.append(peer)
            case .success: report.failed[peer] = "an unexpected answer"
            case .failure(let error): report.failed[peer] = "\(error)"
            }
        }
        report.storedBy.sort()
        guard !report.storedBy.isEmpty else {
            throw BackupError.notStored(report.failed.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" })
        }
        return report
    }

    /// Every guardian's stored snapshot for `clientId` (`nil` where it has none, is unreachable or answers nonsense).
    /// Nothing is trusted here: the caller opens each with its keys and keeps the newest that opens.
    public func fetchBackups(_ clientId: XOnlyPublicKey) async -> [PeerID: SignedBackup] {
        guard let params = try? JSONValue(BackupFetchParams(clientId: Hex.encode(clientId.rawRepresentation))) else { return [:] }
        var found: [PeerID: SignedBackup] = [:]
        for (peer, answer) in await eachGuardian(BackupWire.fetch, params: params) {
            guard case .success(let value) = answer, let result = try? value.decode(BackupFetchResult.self),
                let hex = result.backup, let bytes = Hex.decode(hex), let backup = try? SignedBackup(canonicalBytes: bytes)
            else { continue }
            found[peer] = backup
        }
        return found
    }

    /// Asks every guardian concurrently, each again while it answers "try again" (rate limited, busy: as every query
    /// does, ``RetryPolicy``) until the retry window or 10 s has passed; every answer or failure is returned.
    public func eachGuardian(_ method: String, params: JSONValue) async -> [PeerID: Result<JSONValue, any Error>] {
        let transport = self.transport
        let retry = self.retry
        let timeout = min(retry.window, .seconds(10))
        let deadline = ContinuousClock.now + timeout
        return await withTaskGroup(of: (PeerID, Result<JSONValue, any Error>).self) { group in
            for peer in peers {
                group.addTask {
                    (peer, await Self.ask(
                        peer, method: method, params: params, timeout: timeout, transport: transport, retry: retry,
                        until: deadline))
                }
            }
            var answers: [PeerID: Result<JSONValue, any Error>] = [:]
            for await (peer, answer) in group { answers[peer] = answer }
            return answers
        }
    }
}
