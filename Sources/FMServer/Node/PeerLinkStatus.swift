import CoreMetrics
import FMCore
import FMPeerNetwork

/// The links to the other guardians, read once from the peer network (``PeerNetwork/statistics()``) and reported
/// the same way by `status`, `/metrics` and the dashboard.
extension GuardianNode {
    /// Every guardian of the federation, with this guardian's link to it (none for itself).
    public func peerStatuses() -> [GuardianStatus.Peer] {
        let links = network.statistics().peers
        return configs.consensus.peers.map { peer in
            var status = GuardianStatus.Peer(peerId: peer.peerId, name: peer.name, apiUrl: peer.apiUrl)
            if peer.peerId != peerID, let link = links[peer.peerId] {
                status.connected = link.isConnected
                status.roundTripMicros = link.roundTrip.map { $0.wholeUnits(perSecond: 1_000_000) }
                status.lastMessageAgeMillis = link.lastReceivedAgo.map { $0.wholeUnits(perSecond: 1000) }
            }
            return status
        }
    }

    /// Sets the peer link gauges (`fm_peer_connected`, `fm_peer_round_trip_seconds`,
    /// `fm_peer_last_message_age_seconds`, each by `peer`) from ``peerStatuses()``; run before every scrape of
    /// `/metrics`. An unknown figure is NaN.
    public func refreshPeerMetrics() {
        for peer in peerStatuses() {
            guard let connected = peer.connected else { continue }
            let dimensions = [("peer", "\(peer.peerId.rawValue)")]
            Gauge(label: "fm_peer_connected", dimensions: dimensions).record(connected ? 1 : 0)
            Gauge(label: "fm_peer_round_trip_seconds", dimensions: dimensions)
                .record(peer.roundTripMicros.map { Double($0) / 1_000_000 } ?? .nan)
            Gauge(label: "fm_peer_last_message_age_seconds", dimensions: dimensions)
                .record(peer.lastMessageAgeMillis.map { Double($0) / 1000 } ?? .nan)
        }
    }
}

extension Duration {
    /// Whole `perSecond`ths of a second, rounded down; zero for a negative duration (saturating, never traps).
    public func wholeUnits(perSecond: UInt64) -> UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: perSecond)
        guard !overflow else { return .max }
        let fraction = UInt64(attoseconds / (1_000_000_000_000_000_000 / Int64(perSecond)))
        return whole.addingReportingOverflow(fraction).overflow ? .max : whole + fraction
    }
}
