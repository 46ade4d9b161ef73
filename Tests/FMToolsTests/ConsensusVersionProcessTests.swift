import FMTesting
import Foundation
import Testing

/// Consensus versions (issue 22) through real `fm-node` processes on a 4-guardian federation: a build that supports
/// the mint's second consensus version (`FM_TEST_SECOND_MODULE_VERSION=mint`: the issuance chain) runs beside
/// builds that do not, announcing it without activating it; the version activates at one block on every guardian
/// once all four support it, and the mint then behaves by it (`mint/issuance_chain`); a restart keeps it; a build
/// without it refuses to run on that federation with one line.
@Suite(.serialized)
struct ConsensusVersionProcessTests {
    static let secondVersion = ["FM_TEST_SECOND_MODULE_VERSION": "mint"]

    static func versions(_ federation: EcashFederation, _ peer: Int) throws -> [String: Any] {
        try #require(try federation.status(peer)["consensus_versions"] as? [String: Any])
    }

    static func mintVersions(_ supported: Any?) -> [Int]? {
        ((supported as? [String: Any])?["components"] as? [[String: Any]])?.first { $0["name"] as? String == "mint" }?["versions"]
            as? [Int]
    }

    static func activeMint(_ versions: [String: Any]) -> Int? { (versions["active"] as? [String: Any])?["mint"] as? Int }

    /// Guardians (by peer) whose announcement every guardian has ordered, with their mint versions.
    static func announcedMint(_ versions: [String: Any]) -> [Int: [Int]] {
        var announced: [Int: [Int]] = [:]
        for entry in versions["announcements"] as? [[String: Any]] ?? [] {
            if let peer = entry["peer"] as? Int, let mint = mintVersions(entry["supported"]) { announced[peer] = mint }
        }
        return announced
    }

    static func eventually(_ what: String, timeout: Double = 60, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? condition()) == true { return }
            Thread.sleep(forTimeInterval: 0.3)
        }
        throw EcashFederationError("not reached in \(Int(timeout)) s: \(what)")
    }

    static func issuanceChain(_ federation: EcashFederation, _ peer: Int) async throws -> [String: Any] {
        let answer = try await RecoveryBackupTests.call(federation.rpcURL(peer), "mint/issuance_chain", [:])
        return try #require(answer["result"] as? [String: Any], "\(answer)")
    }

    /// Stops guardian `peer` (SIGTERM), sets its build's variables and starts it again.
    static func restart(_ federation: EcashFederation, _ peer: Int, _ environment: [String: String]) throws {
        federation.kill(peer, signal: SIGTERM)
        federation.setEnvironment(peer, environment)
        try federation.start(peer)
        try federation.waitUntilServing(peer)
    }

    @Test(
        "a build announcing mint version 2 runs beside old ones without activating it; it activates at one block on all four once every guardian supports it, the mint then keeps its issuance chain, a restart keeps it, and an old build refuses to run",
        .timeLimit(.minutes(5)))
    func secondModuleVersion() async throws {
        let federation = try EcashFederation(basePort: 18040, environment: [0: Self.secondVersion])
        defer { federation.stop() }
        try federation.join("alice")

        // Guardian 0 announces [1, 2]; the others have nothing to announce (version 1 only, the genesis).
        try Self.eventually("guardian 0's announcement ordered everywhere") {
            try (0..<4).allSatisfy { Self.announcedMint(try Self.versions(federation, $0)) == [0: [1, 2]] }
        }
        #expect(Self.mintVersions(try Self.versions(federation, 0)["supported"]) == [1, 2])
        #expect(Self.mintVersions(try Self.versions(federation, 1)["supported"]) == [1])
        #expect(try federation.mint("alice", ["dev-issue", "20000"]).status == 0)
        for peer in 0..<4 {
            let versions = try Self.versions(federation, peer)
            #expect(Self.activeMint(versions) == 1, "guardian \(peer): \(versions)")
            #expect((versions["activations"] as? [Any])?.isEmpty == true, "guardian \(peer): \(versions)")
            let chain = try await Self.issuanceChain(federation, peer)
            #expect(chain["consensus_version"] as? Int == 1 && chain["chain"] == nil, "guardian \(peer): \(chain)")
        }

        // Three of four is not enough: all must support a version.
        for peer in 1...2 { try Self.restart(federation, peer, Self.secondVersion) }
        try Self.eventually("three announcements ordered everywhere") {
            try (0..<4).allSatisfy { Self.announcedMint(try Self.versions(federation, $0)).count == 3 }
        }
        #expect(try federation.mint("alice", ["dev-issue", "10000"]).status == 0)
        for peer in 0..<4 { #expect(Self.activeMint(try Self.versions(federation, peer)) == 1, "guardian \(peer)") }
        let mixed = try federation.digests(reaching: try #require(try federation.status(0)["block_height"] as? Int) - 1)
        #expect(Set(mixed.digests.values).count == 1, "\(mixed)")
        #expect(mixed.mismatches.values.allSatisfy { $0 == 0 }, "\(mixed)")

        // The fourth: version 2 activates from one block on, the same at every guardian.
        try Self.restart(federation, 3, Self.secondVersion)
        try Self.eventually("mint version 2 active everywhere") {
            try (0..<4).allSatisfy { Self.activeMint(try Self.versions(federation, $0)) == 2 }
        }
        var activations = Set<String>()
        for peer in 0..<4 {
            let list = try #require(try Self.versions(federation, peer)["activations"] as? [[String: Any]])
            #expect(list.count == 1, "guardian \(peer): \(list)")
            activations.insert("\(list.map { "\($0["component"] ?? "") \($0["version"] ?? "") \($0["height"] ?? "")" })")
        }
        #expect(activations.count == 1, "the guardians activated at different blocks: \(activations)")

        // The mint now behaves by version 2: every output issued extends the chain, identically on every guardian.
        #expect(try federation.mint("alice", ["dev-issue", "30000"]).status == 0)
        var chains = Set<String>()
        for peer in 0..<4 {
            let chain = try await Self.issuanceChain(federation, peer)
            #expect(chain["consensus_version"] as? Int == 2, "guardian \(peer): \(chain)")
            #expect((chain["length"] as? Int ?? 0) > 0, "guardian \(peer): \(chain)")
            chains.insert(chain["chain"] as? String ?? "-")
        }
        #expect(chains.count == 1 && !chains.contains("-"), "\(chains)")
        let after = try federation.digests(reaching: try #require(try federation.status(0)["block_height"] as? Int) - 1)
        #expect(Set(after.digests.values).count == 1, "\(after)")
        #expect(after.mismatches.values.allSatisfy { $0 == 0 }, "\(after)")

        // A restart keeps the active version.
        try Self.restart(federation, 0, Self.secondVersion)
        #expect(Self.activeMint(try Self.versions(federation, 0)) == 2)
        #expect(try federation.mint("alice", ["dev-issue", "5000"]).status == 0)

        // A build without version 2 stops with one line instead of applying blocks by other rules.
        federation.kill(3, signal: SIGTERM)
        federation.setEnvironment(3, [:])
        try federation.start(3)
        let status = federation.waitForExit(3, timeout: 30)
        #expect(status != nil && status != 0, "an old build kept running on a federation at mint version 2")
        let lines = federation.log(3).split(separator: "\n").filter { $0.contains("fm-node: error:") }
        // Contains, not last: under load Hummingbird may log its own shutdown race ("Already closed") after it.
        #expect(lines.contains { $0.contains("supports mint consensus versions 1, but the federation activated version 2") }, "\(lines)")
    }
}
