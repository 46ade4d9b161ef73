import FMTesting
import Foundation
import Testing

/// Issue 16: consensus over a real network between guardians, each in its own network namespace (needs root and
/// iproute2; `bin/test` installs iproute2, and without root the tests are skipped with the reason). Every namespace
/// is deleted at the end, also when a test fails.
@Suite("guardians in network namespaces", .serialized)
struct NetworkFaultTests {
    @Test("veth links: reissues complete; a guardian cut off (link down) catches up after the partition heals",
          .enabled(if: GuardianNamespaces.unavailable == nil, "\(GuardianNamespaces.unavailable ?? "")"))
    func partitionHeals() throws {
        try Self.run(netem: nil, basePort: 18120)
    }

    @Test("tc netem delay 50 ms ± 20 ms, 2 % loss: reissues keep completing; a partitioned guardian catches up",
          .enabled(if: GuardianNamespaces.netemUnavailable == nil, "\(GuardianNamespaces.netemUnavailable ?? "")"))
    func lossyNetwork() throws {
        try Self.run(netem: ["delay", "50ms", "20ms", "loss", "2%"], basePort: 18140)
    }

    static func run(netem: [String]?, basePort: Int) throws {
        let namespaces = try GuardianNamespaces(count: 4, netem: netem)
        defer { namespaces.remove() }
        let federation = try EcashFederation(
            basePort: basePort,
            placement: .init(hosts: (0..<4).map(namespaces.host), launcher: { namespaces.launcher($0) }))
        defer { federation.stop() }
        try federation.join("alice", "bob")
        #expect(try federation.mint("alice", ["dev-issue", "40000"]).status == 0)
        #expect(try federation.mint("bob", ["dev-issue", "40000"]).status == 0)

        // Reissues over the shaped network, each within a bound.
        var latencies: [Double] = []
        func reissue(_ round: Int) throws {
            let started = Date()
            let notes = try federation.spend(round % 2 == 0 ? "alice" : "bob", ProcessFaultTests.payment(round))
            let received = try ProcessFaultTests.receive(federation, round % 2 == 0 ? "bob" : "alice", notes, attempts: 20)
            #expect(received != nil, "round \(round) never went through")
            latencies.append(Date().timeIntervalSince(started))
        }
        for round in 0..<4 { try reissue(round) }

        // Guardian 3 cut off: the other three keep finalizing and serving reissues.
        let cutOff = 3
        try namespaces.setLink(cutOff, up: false)
        let before = try #require(try federation.status(0)["block_height"] as? Int)
        for round in 4..<7 { try reissue(round) }
        let during = try #require(try federation.status(0)["block_height"] as? Int)
        #expect(during > before)
        Thread.sleep(forTimeInterval: 2)
        try namespaces.setLink(cutOff, up: true)

        // Healed: guardian 3 catches up to where the others are and holds the same state.
        try ProcessFaultTests.expectNothingLostAndOneState(
            federation, wallets: ["alice", "bob"], reaching: during + 1, context: "partition of guardian \(cutOff)")
        #expect(latencies.allSatisfy { $0 < 30 }, "reissue latencies \(latencies)")
        print("network faults (netem \(netem?.joined(separator: " ") ?? "none")): reissue latencies \(latencies.map { String(format: "%.2f s", $0) })")
    }
}
