import FMCore
import FMServer
import FMServerCore
import Foundation
import NIOConcurrencyHelpers

/// Reads the guardian's state every ``interval`` into a ``DashboardSnapshot`` and the time series. Pages and
/// the live updates render the latest snapshot, so any number of open dashboards cost one read per interval.
final class GuardianSampler: Sendable {
    static let interval = Duration.seconds(1)

    private struct State {
        var latest: DashboardSnapshot?
        var history = DashboardHistory()
    }

    let node: GuardianNode
    private let state = NIOLockedValueBox(State())

    init(node: GuardianNode) { self.node = node }

    var latest: DashboardSnapshot? { state.withLockedValue { $0.latest } }
    var history: DashboardHistory { state.withLockedValue { $0.history } }

    /// Samples until cancelled.
    func run() async {
        while !Task.isCancelled {
            await sample()
            try? await Task.sleep(for: Self.interval)
        }
    }

    /// Takes one snapshot now (the first page after start does not wait for the loop).
    @discardableResult
    func sample() async -> DashboardSnapshot {
        let now = Date()
        let status = await Self.read { try await self.node.status() }
        let audit = await Self.read {
            AuditReport(try await self.node.processor.audit(), haltedReason: try await self.node.processor.haltReason())
        }
        let modules = await moduleReports()
        let links = node.network.statistics().peers
        // The link figures `status` reported, or read the same way when the status could not be read.
        let linkStatus = (try? status.get().peers) ?? node.peerStatuses()
        let peers = linkStatus.map { peer in
            let link = links[peer.peerId]
            return DashboardSnapshot.PeerView(
                peerId: peer.peerId, name: peer.name, apiUrl: peer.apiUrl, isSelf: peer.peerId == node.peerID,
                isConnected: peer.connected ?? false, connections: link?.connectionsEstablished ?? 0,
                framesSent: link?.framesSent ?? 0, framesReceived: link?.framesReceived ?? 0,
                outboundQueued: link?.outboundQueued ?? 0, roundTripMicros: peer.roundTripMicros,
                lastMessageAgeMillis: peer.lastMessageAgeMillis)
        }
        let blocks = node.activity.recentBlocks
        let snapshot = state.withLockedValue { state in
            let snapshot = DashboardSnapshot(
                takenAt: now, threshold: node.configs.consensus.threshold, devMode: node.configs.consensus.devMode,
                status: status, audit: audit, peers: peers, modules: modules, blocks: blocks)
            state.latest = snapshot
            if case .success(let audit) = audit, case .success(let status) = status {
                state.history.append(DashboardSample(
                    takenAt: now, assets: audit.assets.msats, liabilities: audit.liabilities.msats,
                    blockHeight: status.blockHeight, notesRedeemed: Self.notesRedeemed(modules)))
            }
            return snapshot
        }
        return snapshot
    }

    private func moduleReports() async -> [DashboardSnapshot.ModuleView] {
        let modules = node.processor.modules.values.sorted { $0.instance < $1.instance }
        var views: [DashboardSnapshot.ModuleView] = []
        for module in modules {
            guard let reporting = module as? any ModuleDashboardReporting else { continue }
            let database = node.processor.database
            let report = await Self.read { try await database.read { db in try reporting.dashboardReport(db: db) } }
            views.append(.init(instance: module.instance, kind: module.kind, report: report))
        }
        return views
    }

    /// The mint's spent-nonce count, for the redeemed-per-minute rate.
    private static func notesRedeemed(_ modules: [DashboardSnapshot.ModuleView]) -> UInt64? {
        for module in modules where module.kind.rawValue == "mint" {
            if case .success(let report) = module.report,
                case .count(let count)? = report.facts.first(where: { $0.key == "spent-nonces" })?.value
            {
                return count
            }
        }
        return nil
    }

    private static func read<Value: Sendable>(_ body: () async throws -> Value) async -> Result<Value, DashboardReadError> {
        do { return .success(try await body()) } catch { return .failure(DashboardReadError(error)) }
    }
}
