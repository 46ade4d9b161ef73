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
        // burst) and refills within a second: commands run back to back from a script meet it, so those guardians
        // are asked again, up to three times. Not the per-client limit (backup_rate_limited: one upload per 6 s after
        // a burst) nor other "try again" answers: every command uploads by itself, so the next one sends the then
        // newest snapshot, and none may wait long for it. Counted, not timed: a busy machine still gets three tries.
        var answers = await eachGuardian(BackupWire.upload, params: params) { _ in false }
        for _ in 0..<3 {
            let limited = answers.compactMap { peer, answer -> PeerID? in
                guard case .failure(let error) = answer, (error as? any ReportableError)?.code == "rate_limited" else { return nil }
                return peer
            }
            guard !limited.isEmpty else { break }
            try? await Task.sleep(for: .milliseconds(500))
            for (peer, answer) in await eachGuardian(BackupWire.upload, params: params, only: limited, retrying: { _ in false }) {
                answers[peer] = answer
            }
        }
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

    /// Asks every guardian (or those of `only`) concurrently within the retry window (at most 10 s), each again
    /// while it answers "try again" (rate limited, busy: as every query does, ``RetryPolicy``; or only the answers
    /// `retrying` picks); every answer or failure is returned.
    public func eachGuardian(
        _ method: String, params: JSONValue, only: [PeerID]? = nil,
        retrying: @escaping @Sendable (GuardianRejection) -> Bool = { $0.isRetryable }
    ) async -> [PeerID: Result<JSONValue, any Error>] {
        let transport = self.transport
        let retry = self.retry
        let timeout = min(retry.window, .seconds(10))
        let deadline = ContinuousClock.now + timeout
        return await withTaskGroup(of: (PeerID, Result<JSONValue, any Error>).self) { group in
            for peer in only ?? peers {
                group.addTask {
                    (peer, await Self.ask(
                        peer, method: method, params: params, timeout: timeout, transport: transport, retry: retry,
                        until: deadline, retrying: retrying))
                }
            }
            var answers: [PeerID: Result<JSONValue, any Error>] = [:]
            for await (peer, answer) in group { answers[peer] = answer }
            return answers
        }
    }
}
