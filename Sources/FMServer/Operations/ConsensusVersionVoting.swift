import FMCore
import FMStorage
import FMEncoding
import FMServerCore
import Foundation

/// The federation's view of consensus versions: who supports what, what is active (docs/decisions/
/// 0002-guardian-operations.md, "Consensus versions").
public struct ConsensusVersionStatus: Hashable, Sendable, Codable {
    public struct PeerAnnouncement: Hashable, Sendable, Codable {
        public var peer: PeerID
        public var supported: SupportedConsensusVersions
    }
    public struct Activation: Hashable, Sendable, Codable {
        public var component: String
        public var version: UInt32
        /// The first block applied under `version`.
        public var height: UInt64
    }

    /// What this guardian's binary supports (filled in by the node; the processor does not know its binary).
    public var supported: SupportedConsensusVersions?
    /// The version of every component that the next block runs under.
    public var active: [String: UInt32]
    /// Every activation so far, oldest first.
    public var activations: [Activation]
    /// Every guardian's latest announcement (a guardian without one supports version 1 of everything).
    public var announcements: [PeerAnnouncement]
}

/// Consensus-version voting: each guardian's latest announcement replaces its previous one, and counts only when
/// that guardian proposed the block. After each announcement, for every component the federation runs, the highest
/// version that every guardian supports (a guardian that never announced supports version 1 only) is activated
/// from the next block on when it is above the active one. Every guardian, not t: a guardian left on a binary
/// without the new rules would diverge. Versions never go down.
extension GuardianOperations {
    static func applyVersionAnnouncement(
        _ announcement: ConsensusVersionAnnouncement, from peer: PeerID, atHeight block: UInt64, guardians: [PeerID],
        components: [String], db: any StorageWriting
    ) throws -> Applied {
        guard !guardians.isEmpty else { return .rejected("consensus version announcements are not accepted by this processor") }
        guard announcement.peer == peer else {
            return .rejected("a consensus version announcement naming \(announcement.peer) in a block of \(peer)")
        }
        guard guardians.contains(peer) else { return .rejected("a consensus version announcement of \(peer), who is not a guardian") }
        try db.execute(
            """
            INSERT INTO server_version_announcements (peer, announcement) VALUES (?, ?)
            ON CONFLICT (peer) DO UPDATE SET announcement = excluded.announcement
            """,
            [Int64(peer.rawValue), announcement.canonicalBytes])
        let announced = try versionAnnouncements(db)
        let (next, overflow) = block.addingReportingOverflow(1)
        guard !overflow else { return .rejected("no block after \(block) to activate a version at") }
        var activated: [ConsensusVersionStatus.Activation] = []
        for component in components {
            var common: Set<UInt32>? = nil
            for guardian in guardians {
                let supported = Set(announced[guardian]?.versions(of: component) ?? [ConsensusVersions.genesis])
                common = common?.intersection(supported) ?? supported
            }
            guard let highest = common?.max(), highest > (try activeVersion(of: component, db)) else { continue }
            try db.execute(
                "INSERT INTO server_consensus_activations (component, version, height) VALUES (?, ?, ?)",
                [component, Int64(highest), try next.storedInteger("height")])
            activated.append(.init(component: component, version: highest, height: next))
        }
        return activated.isEmpty ? .stored : .versionsActivated(activated)
    }

    /// The highest version of `component` ever activated (whatever block it starts at).
    static func activeVersion(of component: String, _ db: any StorageReading) throws -> UInt32 {
        try db.fetchOne("SELECT max(version) AS version FROM server_consensus_activations WHERE component = ?", [component])?
            .optionalUnsigned("version") ?? ConsensusVersions.genesis
    }

    /// Every guardian's latest announcement, by peer.
    static func versionAnnouncements(_ db: any StorageReading) throws -> [PeerID: SupportedConsensusVersions] {
        var announced: [PeerID: SupportedConsensusVersions] = [:]
        for row in try db.fetchAll("SELECT peer, announcement FROM server_version_announcements ORDER BY peer") {
            guard let peer = UInt16(exactly: try row.int64("peer")) else { continue }
            announced[PeerID(peer)] = try ConsensusVersionAnnouncement(canonicalBytes: try row.blob("announcement")).supported
        }
        return announced
    }

    static func activations(_ db: any StorageReading) throws -> [ConsensusVersionStatus.Activation] {
        try db.fetchAll("SELECT component, version, height FROM server_consensus_activations ORDER BY height, component, version")
            .map { row in
                .init(component: try row.text("component"), version: try row.unsigned("version"), height: try row.unsigned("height"))
            }
    }

    static func versionStatus(_ db: any StorageReading, components: [String]) throws -> ConsensusVersionStatus {
        var active: [String: UInt32] = [:]
        for component in components { active[component] = try ConsensusVersions.active(of: component, db: db) }
        return ConsensusVersionStatus(
            supported: nil, active: active, activations: try activations(db),
            announcements: try versionAnnouncements(db).sorted { $0.key < $1.key }.map { .init(peer: $0.key, supported: $0.value) })
    }

    /// The versions' part of the state digest: nothing while no guardian has announced (so a federation that never
    /// voted keeps the digests of the release before voting), else every announcement's and activation's raw row.
    static func versionDigestBytes(_ db: any StorageReading, into encoder: inout CanonicalEncoder) throws {
        let announcements = try db.fetchAll("SELECT peer, announcement FROM server_version_announcements ORDER BY peer")
        guard !announcements.isEmpty else { return }
        encoder.writeVarint(UInt64(announcements.count))
        for row in announcements {
            encoder.write(try row.unsigned("peer", as: UInt64.self))
            encoder.writeBytes(try row.blob("announcement"))
        }
        let activations = try activations(db)
        encoder.writeVarint(UInt64(activations.count))
        for activation in activations {
            encoder.write(activation.component)
            encoder.write(activation.version)
            encoder.write(activation.height)
        }
    }
}
