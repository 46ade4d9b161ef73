import FMCore
import FMEncoding
import NIOConcurrencyHelpers

/// The operator's side of the guardian operations (``GuardianOperations``): what the admin methods submit.
extension GuardianNode {
    /// Proposes the next meta revision: this guardian's latest proposal for it (submitted or ordered; without one,
    /// the agreed set) with `key` set to `value` (`nil`: removed). Guardians whose operators make the same changes propose the same set, which
    /// takes effect once t of them have. Returns the proposal.
    public func proposeMeta(key: String, value: String?) async throws -> FederationMeta {
        if let value { try FederationMeta.validate(key: key, value: value) } else {
            guard FederationMeta.isValidKey(key) else {
                throw InvalidInput(field: "key", expected: "a meta key (see docs/operator-guide.md, Federation meta)", code: "bad_meta_key")
            }
        }
        let status = try await processor.operationsStatus()
        let (revision, overflow) = status.meta.revision.addingReportingOverflow(1)
        guard !overflow else { throw InvalidInput(field: "key", expected: "a meta revision below the maximum", code: "meta_too_large") }
        let proposal = try submittedMeta.withLockedValue { submitted in
            // Newest first: what this guardian submitted (maybe not ordered yet), what it has open, the agreed set.
            let base = [submitted, status.metaProposals.first { $0.peer == peerID }?.meta].compactMap { $0 }
                .first { $0.revision == revision } ?? status.meta
            var values = base.values
            values[key] = value
            let proposal = try FederationMeta(revision: revision, values: values)
            submitted = proposal
            return proposal
        }
        try await submitOperation(.metaProposal(MetaProposal(peer: peerID, meta: proposal)))
        return proposal
    }

    /// Asks the federation to stop after block `height`; it must be at least
    /// ``GuardianOperations/shutdownMinimumLead`` + 2 blocks ahead (the request itself takes a block or two).
    public func requestShutdown(atHeight height: UInt64) async throws -> ShutdownRequest {
        let next = try await processor.nextHeight()
        let (earliest, overflow) = next.addingReportingOverflow(GuardianOperations.shutdownMinimumLead + 2)
        guard !overflow, height >= earliest else {
            throw InvalidInput(
                field: "height", expected: "a block height at least \(GuardianOperations.shutdownMinimumLead + 2) above the next block, \(next)",
                code: "shutdown_too_soon")
        }
        if let scheduled = try await processor.scheduledShutdown(), scheduled >= next {
            throw InvalidInput(field: "height", expected: "no new request while the shutdown after block \(scheduled) is ahead", code: "shutdown_scheduled")
        }
        let request = ShutdownRequest(peer: peerID, height: height)
        try await submitOperation(.shutdownRequest(request))
        return request
    }

    private func submitOperation(_ item: FederationItem) async throws {
        // Every item carries a fresh nonce, so consensus refuses it only when full or not running.
        try await driver.submit(item: item.canonicalBytes)
    }
}
