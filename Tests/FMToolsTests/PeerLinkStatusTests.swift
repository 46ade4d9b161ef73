import FMTesting
import Foundation
import Testing

/// Issue 18: each guardian's links to the others, timed by ping and pong, in `fm-node status` and `/metrics` from
/// the same reading (`GuardianNode.peerStatuses()`), on real fm-node processes.
@Suite(.serialized) struct PeerLinkStatusTests {
    @Test func statusAndMetricsReportEveryPeersRoundTripAndLastMessage() throws {
        let federation = try EcashFederation(basePort: 18_160)
        defer { federation.stop() }
        // The first ping goes out as soon as a link is up; give every link its first pong.
        var peers: [[String: Any]] = []
        for _ in 0..<50 {
            peers = (try federation.status(0)["peers"] as? [[String: Any]]) ?? []
            if peers.filter({ $0["round_trip_micros"] != nil }).count == 3 { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        for peer in peers {
            let id = try #require(peer["peer_id"] as? Int)
            guard id != 0 else {
                #expect(peer["connected"] == nil && peer["round_trip_micros"] == nil, "figures for the guardian itself")
                continue
            }
            #expect(peer["connected"] as? Bool == true)
            let rtt = try #require(peer["round_trip_micros"] as? Int, "peer \(id): \(peer)")
            #expect(rtt > 0 && rtt < 1_000_000)
            let age = try #require(peer["last_message_age_millis"] as? Int)
            #expect(age < 6_000, "peer \(id) last heard \(age) ms ago, pinged every 5 s")
        }

        let metricsURL = federation.apiURL(0).replacingOccurrences(of: "ws://", with: "http://") + "metrics"
        let scrape = try ToolRunner.run(executable: URL(fileURLWithPath: "/usr/bin/curl"), ["-sf", metricsURL])
        #expect(scrape.status == 0, "\(scrape.stderr)")
        for peer in 1...3 {
            #expect(scrape.stdout.contains(#"fm_peer_connected{peer="\#(peer)"} 1"#), "\(scrape.stdout.prefix(3000))")
            let line = scrape.stdout.split(separator: "\n").first { $0.hasPrefix(#"fm_peer_round_trip_seconds{peer="\#(peer)"}"#) }
            let seconds = try #require(line.flatMap { Double($0.split(separator: " ").last ?? "") }, "no round trip for \(peer)")
            #expect(seconds > 0 && seconds < 1)
            #expect(scrape.stdout.contains(#"fm_peer_last_message_age_seconds{peer="\#(peer)"}"#))
        }
    }
}
