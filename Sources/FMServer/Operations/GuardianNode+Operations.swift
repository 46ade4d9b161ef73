import FMCore
import FMEncoding
import Foundation
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

    /// Signs `url` as this guardian's client API address and submits the announcement; its sequence is the clock
    /// in milliseconds, or the stored sequence + 1 when that is higher (a clock set back), so it is always newer.
    public func announceAPIURL(_ url: String, now: Date = Date()) async throws -> APIAnnouncement {
        guard APIAnnouncement.isWellFormedURL(url) else {
            throw InvalidInput(
                field: "url", expected: "ws://host:port/ or wss://host:port/, printable ASCII, at most \(APIAnnouncement.maxURLBytes) bytes",
                code: "bad_api_url")
        }
        let millis = UInt64(max(0, (now.timeIntervalSince1970 * 1000).rounded(.down)))
        let stored = try await processor.apiAnnouncementSequence(of: peerID)
        let (next, overflow) = (stored ?? 0).addingReportingOverflow(1)
        guard !overflow else { throw InvalidInput(field: "url", expected: "a sequence below the maximum", code: "sequence_exhausted") }
        let announcement = APIAnnouncement(
            federation: federationID, peer: peerID, sequence: max(next, millis), url: url, key: consensusKeypair)
        try await submitOperation(.apiAnnouncement(announcement))
        return announcement
    }

    /// How long a relayed announcement counts as pending: the same or an older one of that peer is not relayed
    /// again meanwhile (review 3: every call went to the consensus engine until one was applied, and a repeat the
    /// engine refused as a duplicate answered "internal error").
    static let relayPending: Duration = .seconds(300)

    /// Passes on another guardian's (or this one's) signed announcement: checked as consensus will check it
    /// against what is stored now, so a forged or replayed one is refused here with a clear error. One this
    /// guardian relayed already (or a newer one of that peer) within ``relayPending`` is not submitted again.
    public func relayAPIAnnouncement(_ announcement: APIAnnouncement, now: ContinuousClock.Instant = .now) async throws {
        if let why = processor.announcementKeys?.refusal(
            announcement, stored: try await processor.apiAnnouncementSequence(of: announcement.peer))
        {
            throw InvalidInput(field: "announcement", expected: "a newer announcement its guardian signed (\(why))", code: "bad_announcement")
        }
        let peer = announcement.peer
        let fresh = relayedAnnouncements.withLockedValue { relayed in
            if let last = relayed[peer], last.sequence >= announcement.sequence, now - last.at < Self.relayPending { return false }
            relayed[peer] = (announcement.sequence, now)
            return true
        }
        guard fresh else { return }
        do { try await submitOperation(.apiAnnouncement(announcement)) } catch ConsensusSubmitError.rejected(.duplicate) {
            return  // The same bytes are pending or were ordered recently: relayed already.
        } catch {
            // Not submitted: a later call may try again.
            relayedAnnouncements.withLockedValue { if $0[peer]?.sequence == announcement.sequence { $0[peer] = nil } }
            throw error
        }
    }

    private func submitOperation(_ item: FederationItem) async throws {
        // Every item carries a fresh nonce, so consensus refuses it only when full or not running.
        try await driver.submit(item: item.canonicalBytes)
    }
}
