import FMConsensus
import FMCore
import Metrics

/// Which guardian sent which kind of refused consensus message: how a lying or broken peer is named. Kept in the
/// driver's status (`status` shows it as `peer_faults`), counted in `/metrics` as
/// `fm_peer_messages_refused_total{peer, reason}`, and the first refusal of each kind from each peer is logged as a
/// warning (later ones at debug level, so a flood cannot fill the log).
enum PeerFaults {
    /// A short stable name for a refusal, used as the status key and the metric's `reason` label.
    static func reason(_ rejection: MessageRejection) -> String {
        switch rejection {
        case .undecodable: "undecodable"
        case .unknownSender: "unknown_sender"
        case .unknownVariant: "unknown_variant"
        case .invalidSignature: "invalid_signature"
        case .notLeader: "not_leader"
        case .invalidBlock: "invalid_block"
        case .invalidCertificate: "invalid_certificate"
        case .outsideWindow: "outside_window"
        case .equivocation: "equivocation"
        case .unsolicited: "unsolicited"
        case .invalidHistory: "invalid_history"
        }
    }

    /// Adds one refusal from `peer` to `counts`; returns whether it is the first of its kind from that peer.
    static func record(
        _ rejection: MessageRejection, from peer: PeerID, in counts: inout [PeerID: [String: UInt64]]
    ) -> Bool {
        let reason = reason(rejection)
        let previous = counts[peer]?[reason] ?? 0
        counts[peer, default: [:]][reason] = previous &+ 1
        Counter(label: "fm_peer_messages_refused_total", dimensions: [("peer", "\(peer.rawValue)"), ("reason", reason)])
            .increment()
        return previous == 0
    }
}
