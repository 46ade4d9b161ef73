import FMTesting
import Foundation
import Testing

/// What an idle federation of real `fm-node` processes costs (issue 20, "The cost of doing nothing"), counted in
/// blocks rather than timed: every block is a row with its certificates, fsynced at every guardian.
@Suite(.serialized) struct IdleCostTests {
    @Test("left idle for 45 s after a reissue, a federation finalizes a handful of blocks (not one per 0.5 s); the next reissues go through; its database files are 0600",
          .timeLimit(.minutes(4)))
    func idleFederationIsCheap() throws {
        let federation = try EcashFederation(basePort: 18080)
        defer { federation.stop() }
        try federation.join("alice")
        #expect(try federation.mint("alice", ["dev-issue", "50000"]).status == 0)
        let notes = try federation.spend("alice", 20_000)
        let later = try federation.spend("alice", 10_000)

        let startHeights = try (0..<4).map { try #require(federation.status($0)["finalized_blocks"] as? Int) }
        Thread.sleep(forTimeInterval: 45)
        let endHeights = try (0..<4).map { try #require(federation.status($0)["finalized_blocks"] as? Int) }
        // Before the back-off: ~3.8 blocks a second here (an empty block per 0.5 s per leader, and a state digest
        // report every 8 blocks that filled more), ~170 in 45 s. Now: the digest reports of the last transaction,
        // then empty blocks 0.5, 1, 2, 4, 8, 16 s apart.
        for peer in 0..<4 {
            #expect(endHeights[peer] - startHeights[peer] <= 25, "guardian \(peer): \(endHeights[peer] - startHeights[peer]) blocks in 45 idle seconds")
        }

        // The first reissue after the quiet stretch (its latency is measured in docs/benchmarks/idle.md; the count of
        // iterations it takes is IdleBackoffTests').
        let reissue = try federation.mint("alice", ["reissue", notes])
        #expect(reissue.status == 0, "\(reissue.stderr)")
        #expect(try federation.mint("alice", ["reissue", later]).status == 0)

        // The guardian's database (and its WAL and shared memory) are the owner's alone, and so is the directory.
        let guardian = federation.directory.appendingPathComponent("fed/guardian-0").path
        for name in ["guardian.sqlite", "guardian.sqlite-wal", "guardian.sqlite-shm"] {
            let mode = try FileManager.default.attributesOfItem(atPath: guardian + "/" + name)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name) has mode \(String(mode ?? 0, radix: 8))")
        }
        #expect(try FileManager.default.attributesOfItem(atPath: guardian)[.posixPermissions] as? Int == 0o700)
    }
}
