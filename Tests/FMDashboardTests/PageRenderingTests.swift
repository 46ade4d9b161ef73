import FMCore
import FMServer
import FMServerCore
import Foundation
import Testing

@testable import FMDashboard

/// Pages render from a snapshot: figures carry their raw value, peer data from outside is escaped, alarms show.
@Suite struct PageRenderingTests {
    static let hostile = "<script>alert(1)</script>\"'&"

    static func snapshot(
        connected: Bool = true, assets: UInt64 = 5_000_123, liabilities: UInt64 = 4_000_000, name: String = hostile,
        blocks: [GuardianActivity.AppliedBlock] = []
    ) throws -> DashboardSnapshot {
        let statusJSON = """
            {"peer_id": 0, "federation_id": "\(String(repeating: "ab", count: 32))", "version": "0.1.0",
             "block_height": 42, "finalized_blocks": 42, "consensus_iteration": 77, "pending_items": 3,
             "rejected_peer_messages": 0, "stale_peer_messages": 5, "consensus_running": true,
             "peers": [{"peer_id": 0, "name": "a", "api_url": "ws://x"}, {"peer_id": 1, "name": "b", "api_url": "ws://y"}]}
            """
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let status = try decoder.decode(GuardianStatus.self, from: Data(statusJSON.utf8))
        let auditJSON = """
            {"modules": [{"instance": 0, "kind": "mint", "assets": \(assets), "liabilities": \(liabilities)}],
             "assets": \(assets), "liabilities": \(liabilities), "solvent": \(assets >= liabilities)}
            """
        let audit = try decoder.decode(AuditReport.self, from: Data(auditJSON.utf8))
        func peer(_ id: UInt16, _ name: String, isSelf: Bool) -> DashboardSnapshot.PeerView {
            .init(
                peerId: PeerID(id), name: name, apiUrl: "ws://\(name)", isSelf: isSelf, isConnected: isSelf || connected,
                connections: 1, framesSent: 10, framesReceived: 9, outboundQueued: 0,
                roundTripMicros: isSelf ? nil : 412, lastMessageAgeMillis: isSelf ? nil : 1500)
        }
        return DashboardSnapshot(
            takenAt: Date(), threshold: 2, devMode: true, status: .success(status), audit: .success(audit),
            peers: [peer(0, "alice", isSelf: true), peer(1, name, isSelf: false)],
            modules: [
                .init(
                    instance: ModuleInstanceID(0), kind: "mint",
                    report: .success(ModuleDashboardReport(
                        facts: [.init("spent-nonces", "Spent nonces", .count(7)), .init("note", "Note", .text(hostile))],
                        tables: [.init("t", caption: "T", columns: ["A"], rows: [[.identifier(hostile)]], emptyText: "none")]))),
                .init(
                    instance: ModuleInstanceID(2), kind: "ln",
                    report: .success(ModuleDashboardReport(
                        facts: [
                            .init("gateways", "Registered gateways", .count(1)),
                            .init("consensus-time", "Consensus time", .unixTime(1_700_000_000)),
                        ],
                        tables: [
                            .init(
                                "gateway-list", caption: "Gateways", columns: ["Key", "API URL", "Expires"],
                                rows: [[.identifier("02ab"), .text("https://gw.example/\(hostile)"), .unixTime(UInt64(Date().timeIntervalSince1970) + 600)]],
                                emptyText: "No gateway is registered."),
                            .init("contracts", caption: "Open contracts", columns: ["Contract"], rows: [], emptyText: "No open contract."),
                        ]))),
            ],
            blocks: blocks)
    }

    static func render(_ page: DashboardPage, _ snapshot: DashboardSnapshot, logs: [DashboardLogRecord] = []) -> String {
        let live = page.renderLive(.init(snapshot: snapshot, history: DashboardHistory(), logs: logs, now: Date()))
        return DashboardLayout.page(page, live: live, guardian: "fm guardian 0", csrfToken: "token")
    }

    @Test func outsideTextIsEscapedOnEveryPage() throws {
        let snapshot = try Self.snapshot(connected: false)
        let logs = [DashboardLogRecord(date: Date(), level: "error", source: "fm-node", message: Self.hostile)]
        for page in DashboardPage.allCases {
            let html = Self.render(page, snapshot, logs: logs)
            #expect(!html.contains("<script>alert"), "\(page)")
            #expect(!html.contains("\"'&"), "\(page)")
            #expect(!html.contains("GRDB"), "\(page): a string built as SQL")
            #expect(html.contains(#"<a href="\#(page.path)" aria-current="page">\#(page.title)</a>"#))
        }
        #expect(Self.render(.overview, snapshot).contains(#"<li><a href="/audit">Audit</a></li>"#))
        #expect(Self.render(.overview, snapshot).contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"))
        #expect(Self.render(.logs, snapshot, logs: logs).contains("&lt;script&gt;"))
    }

    @Test func overviewShowsStatusFiguresAndPeerState() throws {
        let up = Self.render(.overview, try Self.snapshot())
        #expect(up.contains(#"id="block-height" data-value="42""#))
        #expect(up.contains(#"id="consensus-iteration" data-value="77""#))
        #expect(up.contains(#"id="peer-1-state" data-value="up""#))
        #expect(!up.contains(#"role="alert""#))
        let down = Self.render(.overview, try Self.snapshot(connected: false))
        #expect(down.contains(#"id="peer-1-state" data-value="down""#))
        #expect(down.contains(#"role="alert""#))
        // 1 of 2 connected, threshold 2: consensus stalls, and the page says so.
        #expect(down.contains("consensus CANNOT progress"))
    }

    @Test func auditShowsMsatPrecisionAndGoesRedWhenNegative() throws {
        let solvent = Self.render(.audit, try Self.snapshot())
        #expect(solvent.contains(#"id="audit-assets" data-value="5000123""#))
        #expect(solvent.contains("5\u{202F}000.123 sat"))
        #expect(solvent.contains(#"id="audit-mint-0-liabilities" data-value="4000000""#))
        let negative = Self.render(.audit, try Self.snapshot(assets: 1_000, liabilities: 3_500))
        #expect(negative.contains(#"id="audit-net" data-value="-2500" class="bad""#))
        #expect(negative.contains("The audit is NEGATIVE"))
    }

    @Test func chartTurnsRedBelowZero() {
        let chart = SVGChart(id: "c", title: "t", unit: "sat", series: [
            .init(label: "net", cssClass: "net", points: [(0, 5), (1, 2), (2, -3)], alarmBelowZero: true)
        ]).render()
        #expect(chart.contains("class=\"chart negative\""))
        #expect(chart.contains("class=\"line alarm\""))
        let positive = SVGChart(id: "c", title: "t", unit: "sat", series: [
            .init(label: "net", cssClass: "net", points: [(0, 5), (1, 2)], alarmBelowZero: true)
        ]).render()
        #expect(!positive.contains("alarm") && !positive.contains("negative"))
    }

    @Test func amountsAndRates() {
        #expect(Format.amount(Amount(msats: 1_234_567)) == "1\u{202F}234.567 sat")
        #expect(Format.amount(Amount(msats: 2_000)) == "2 sat")
        #expect(Format.amount(Amount(msats: .max)).hasSuffix(".615 sat"))
        var history = DashboardHistory()
        let start = Date()
        for second in 0...120 {
            history.append(.init(
                takenAt: start.addingTimeInterval(Double(second)), assets: 0, liabilities: 0,
                blockHeight: UInt64(second / 2), notesRedeemed: nil))
        }
        #expect(history.perMinute { $0.blockHeight } == 30)
        #expect(history.perMinute { $0.notesRedeemed } == nil)
        for second in 0..<DashboardHistory.capacity { history.append(.init(takenAt: start.addingTimeInterval(Double(second)), assets: 0, liabilities: 0, blockHeight: 0)) }
        #expect(history.samples.count == DashboardHistory.capacity)
    }
}

/// Issue 18's remaining parts: round trips and last-message ages per peer, latency and throughput graphs, the
/// Lightning page.
@Suite struct PeerLinkAndPerformanceRenderingTests {
    @Test func overviewShowsEachPeersRoundTripAndLastMessageAsStatusReportsThem() throws {
        let html = PageRenderingTests.render(.overview, try PageRenderingTests.snapshot())
        #expect(html.contains(#"id="peer-1-rtt" data-value="412">0.412 ms<"#))
        #expect(html.contains(#"id="peer-1-age" data-value="1500"><time"#))
        #expect(html.contains(">1 s ago</time>"))
        #expect(!html.contains(#"id="peer-0-rtt""#), "no round trip to itself")
    }

    @Test func latencyAndThroughputComeFromTheAppliedBlocks() throws {
        let now = Date()
        func block(_ height: UInt64, secondsAgo: Double, interval: Int?, transactions: UInt64, latencies: [Int]) -> GuardianActivity.AppliedBlock {
            .init(
                height: height, appliedAt: now.addingTimeInterval(-secondsAgo), interval: interval.map { .milliseconds($0) },
                acceptedTransactions: transactions, latencies: latencies.map { .milliseconds($0) })
        }
        let blocks = [
            block(1, secondsAgo: 300, interval: nil, transactions: 9, latencies: [900]),  // outside the last minute
            block(2, secondsAgo: 50, interval: 200, transactions: 2, latencies: [40, 60]),
            block(3, secondsAgo: 30, interval: 400, transactions: 0, latencies: []),
            block(4, secondsAgo: 10, interval: 300, transactions: 3, latencies: [50]),
        ]
        let html = PageRenderingTests.render(.overview, try PageRenderingTests.snapshot(blocks: blocks))
        #expect(html.contains(#"id="perf-transactions-minute" data-value="5""#))
        #expect(html.contains(#"id="perf-blocks-minute" data-value="3""#))
        #expect(html.contains(#"id="perf-block-interval" data-value="300000">300 ms<"#))
        #expect(html.contains(#"id="perf-transaction-latency" data-value="50000">50.0 ms<"#))
        #expect(html.contains(#"<figure class="chart" id="chart-latency">"#))
        #expect(html.contains(#"<figure class="chart" id="chart-throughput">"#))
        // The latency graph's largest value is the old block's 900 ms transaction.
        #expect(html.contains(">max 900 ms</text>"))
        let idle = PageRenderingTests.render(.overview, try PageRenderingTests.snapshot())
        #expect(idle.contains(#"id="perf-block-interval" data-value="">none in the last minute<"#))
    }

    @Test func lightningPageShowsGatewaysAndContractsEscaped() throws {
        let html = PageRenderingTests.render(.lightning, try PageRenderingTests.snapshot())
        #expect(html.contains(#"id="ln-gateways" data-value="1""#))
        #expect(html.contains(#"id="ln-consensus-time" data-value="1700000000"><time datetime="2023-11-14T22:13:20Z""#))
        #expect(html.contains("https://gw.example/&lt;script&gt;"))
        #expect(!html.contains("<script>alert"))
        #expect(html.contains(">in 10 min</time>") || html.contains(">in 9 min</time>"))
        #expect(html.contains(#"<p id="ln-contracts">No open contract.</p>"#))
        #expect(html.contains(#"<a href="/lightning" aria-current="page">Lightning</a>"#))
    }

    @Test func relativeTimesReadBothWays() {
        #expect(Format.relative(30) == "30 s ago")
        #expect(Format.relative(-300) == "in 5 min")
        #expect(Format.relative(-7200) == "in 2 h")
        #expect(Format.milliseconds(micros: 412) == "0.412 ms")
        #expect(Format.milliseconds(micros: 37_250) == "37.2 ms" || Format.milliseconds(micros: 37_250) == "37.3 ms")
        #expect(Format.milliseconds(micros: 1_204_000) == "1\u{202F}204 ms")
    }
}
