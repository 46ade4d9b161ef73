import FMCore
import FMServerCore

/// The guardian's side of consensus-version voting (docs/decisions/0002-guardian-operations.md, "Consensus versions").
extension GuardianNode {
    /// How often the guardian checks that the federation holds its binary's announcement (until it does).
    static let versionAnnouncementInterval = Duration.seconds(3)

    /// Announces what this binary supports until the federation's state holds exactly that for this guardian, then
    /// returns. A binary that supports version 1 of everything, like a guardian that never announced, has nothing to
    /// announce. An announcement not ordered (consensus busy, stopped) is submitted again after a while.
    func announceConsensusVersions() async throws {
        var lastSubmitted: ContinuousClock.Instant? = nil
        while !Task.isCancelled {
            let status = try await processor.consensusVersionStatus()
            let stored = status.announcements.first { $0.peer == peerID }?.supported
                ?? .genesis(processor.versionedComponents)
            if stored == supportedConsensusVersions { return }
            if lastSubmitted.map({ ContinuousClock.now - $0 > .seconds(30) }) ?? true {
                let item = FederationItem.versionAnnouncement(
                    ConsensusVersionAnnouncement(peer: peerID, supported: supportedConsensusVersions))
                do {
                    try await driver.submit(item: item.canonicalBytes)
                    lastSubmitted = .now
                    logger.notice("announced the consensus versions this binary supports")
                } catch {
                    logger.debug("consensus version announcement not submitted: \(error)")
                }
            }
            try await Task.sleep(for: Self.versionAnnouncementInterval)
        }
    }

    /// Refuses to start on a database whose federation activated a version this binary does not implement: applying
    /// blocks by other rules than the other guardians would diverge.
    func checkActiveConsensusVersions() async throws {
        let status = try await processor.consensusVersionStatus()
        try refuseUnsupported(status.activations)
    }

    /// Throws ``UnsupportedConsensusVersion`` (stopping the guardian: ``run()`` shuts everything down) for the first of
    /// `activations` this binary does not implement. A block that activates a version is itself applied under the
    /// old one, so stopping after it leaves a consistent state that a newer binary continues from.
    func refuseUnsupported(_ activations: [ConsensusVersionStatus.Activation]) throws {
        for activation in activations where !supportedConsensusVersions.supports(activation.component, activation.version) {
            let error = UnsupportedConsensusVersion(
                component: activation.component, version: activation.version, height: activation.height,
                supported: supportedConsensusVersions.versions(of: activation.component))
            logger.critical("STOPPING: \(error.description)")
            throw error
        }
    }

    /// The federation's versions with what this binary supports.
    func consensusVersionStatus() async throws -> ConsensusVersionStatus {
        var status = try await processor.consensusVersionStatus()
        status.supported = supportedConsensusVersions
        return status
    }
}
