import FMCore
import FMServer
import FMServerCore
import Foundation

/// Everything one dashboard render shows, read at one moment from the running guardian: the same `status` and
/// `audit` that `fm-node status`/`audit` print, the peer links, and every module's ``ModuleDashboardReport``.
struct DashboardSnapshot: Sendable {
    struct PeerView: Sendable {
        var peerId: PeerID
        var name: String
        var apiUrl: String
        var isSelf: Bool
        var isConnected: Bool
        var connections: UInt64
        var framesSent: UInt64
        var framesReceived: UInt64
        var outboundQueued: Int
        /// The link's last ping round trip and the age of its last frame, as `status` reports them
        /// (``GuardianNode/peerStatuses()``).
        var roundTripMicros: UInt64?
        var lastMessageAgeMillis: UInt64?
    }

    struct ModuleView: Sendable {
        var instance: ModuleInstanceID
        var kind: ModuleKind
        var report: Result<ModuleDashboardReport, DashboardReadError>
    }

    var takenAt: Date
    var threshold: Int
    var devMode: Bool
    var status: Result<GuardianStatus, DashboardReadError>
    var audit: Result<AuditReport, DashboardReadError>
    var peers: [PeerView]
    var modules: [ModuleView]
    /// The guardian's recently applied blocks, timed (``GuardianActivity``): the latency and throughput graphs.
    var blocks: [GuardianActivity.AppliedBlock] = []

    /// Peers (not this guardian) whose link is down.
    var unreachablePeers: [PeerView] { peers.filter { !$0.isSelf && !$0.isConnected } }

    /// Whether enough guardians (this one included) are connected for consensus to progress.
    var hasQuorum: Bool { peers.count - unreachablePeers.count >= threshold }
}

/// A figure the dashboard could not read (shown on the page in place of the figure, never fatal).
struct DashboardReadError: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ error: any Error) { description = "\(error)" }
}

/// One point of the dashboard's time series (kept by ``DashboardHistory``).
struct DashboardSample: Sendable {
    var takenAt: Date
    var assets: UInt64
    var liabilities: UInt64
    var blockHeight: UInt64
    /// The mint's spent-nonce count (notes redeemed so far), if a mint reports it.
    var notesRedeemed: UInt64?
}

/// The last ``capacity`` samples (one per sample interval: 10 minutes at 1 s), oldest first.
struct DashboardHistory: Sendable {
    static let capacity = 600
    private(set) var samples: [DashboardSample] = []

    mutating func append(_ sample: DashboardSample) {
        samples.append(sample)
        if samples.count > Self.capacity { samples.removeFirst(samples.count - Self.capacity) }
    }

    /// How much `value` grew per minute over the last minute (nil until two samples a few seconds apart exist).
    func perMinute(_ value: (DashboardSample) -> UInt64?) -> Double? {
        guard let last = samples.last, let lastValue = value(last) else { return nil }
        let window = samples.last { last.takenAt.timeIntervalSince($0.takenAt) >= 60 } ?? samples.first
        guard let first = window, let firstValue = value(first), lastValue >= firstValue else { return nil }
        let seconds = last.takenAt.timeIntervalSince(first.takenAt)
        guard seconds >= 5 else { return nil }
        return Double(lastValue - firstValue) * 60 / seconds
    }
}
