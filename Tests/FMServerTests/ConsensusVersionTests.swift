import FMCore
import FMDatabase
import FMEncoding
@testable import FMServer
import FMServerCore
import FMTesting
import Foundation
import GRDB
import Testing

/// Consensus-version voting (ConsensusVersionVoting.swift): a version activates only when every guardian announced
/// it, from the block after the last announcement; an announcement counts only for its proposer; versions never go
/// down; out-of-bounds announcements are refused at decoding.
@Suite("Consensus versions: every guardian must support a version before it activates")
struct ConsensusVersionTests {
    struct Federation {
        /// The processor's database, on the backend under test (`FM_TEST_STORAGE`).
        let place: StoragePlace
        let processor: TransactionProcessor
        var height: UInt64 = 0

        init() throws {
            place = try Backend.placeUnderTest()
            let configs = try TestingDealer.generateForTesting(guardians: 1, basePort: 40_300, devMode: true)
            let modules = try GuardianModules.build(configs[0], registry: .standard)
            let database = try place.open(TransactionProcessor.schemas(for: modules))
            processor = TransactionProcessor(
                database: database, modules: modules, threshold: 3, guardians: (0..<4).map { PeerID($0) })
        }

        mutating func block(_ proposer: UInt16, _ items: [FederationItem]) async throws -> BlockOutcome {
            defer { height += 1 }
            return try #require(try await processor.apply(height: height, proposer: PeerID(proposer), items: items.map(\.canonicalBytes)))
        }

        func activeMint() async throws -> UInt32 {
            try await processor.database.read { db in try ConsensusVersions.active(of: "mint", db: db) }
        }
    }

    static func versionDigestBytes(_ federation: Federation) async throws -> [UInt8] {
        try await federation.processor.database.read { db in
            var encoder = CanonicalEncoder()
            try GuardianOperations.versionDigestBytes(db, into: &encoder)
            return encoder.bytes
        }
    }

    static func announce(_ peer: UInt16, mint: [UInt32]) throws -> FederationItem {
        .versionAnnouncement(ConsensusVersionAnnouncement(
            peer: PeerID(peer), supported: try SupportedConsensusVersions(["core": [1], "mint": mint, "wallet": [1], "ln": [1]])))
    }

    @Test("three of four announcing a version changes nothing; the fourth activates it from the next block, once")
    func activationNeedsEveryGuardian() async throws {
        var federation = try Federation()
        _ = try await federation.block(0, [])
        #expect(try await Self.versionDigestBytes(federation).isEmpty, "a federation that never voted keeps its old digest")
        for peer: UInt16 in 0..<3 {
            let outcome = try await federation.block(peer, [try Self.announce(peer, mint: [1, 2])])
            #expect(outcome.activatedVersions.isEmpty)
        }
        #expect(try await federation.activeMint() == 1)
        var status = try await federation.processor.consensusVersionStatus()
        #expect(status.announcements.count == 3 && status.active["mint"] == 1 && status.activations.isEmpty)
        // A proposer cannot announce for another guardian: guardian 3's support, carried by guardian 0, is refused.
        _ = try await federation.block(0, [try Self.announce(3, mint: [1, 2])])
        #expect(try await federation.processor.consensusVersionStatus().announcements.count == 3)

        let last = try await federation.block(3, [try Self.announce(3, mint: [1, 2])])
        #expect(last.activatedVersions.map(\.component) == ["mint"])
        #expect(last.activatedVersions.first?.version == 2 && last.activatedVersions.first?.height == last.height + 1)
        #expect(try await federation.activeMint() == 2)
        status = try await federation.processor.consensusVersionStatus()
        #expect(status.active == ["core": 1, "mint": 2, "wallet": 1, "ln": 1])
        #expect(status.activations.count == 1)
        // Announcing again activates nothing new; a guardian falling back to [1] does not lower the version.
        _ = try await federation.block(2, [try Self.announce(2, mint: [1, 2])])
        _ = try await federation.block(1, [try Self.announce(1, mint: [1])])
        #expect(try await federation.activeMint() == 2)
        #expect(try await federation.processor.consensusVersionStatus().activations.count == 1)
        // Once anyone voted, the digest covers the votes and activations.
        #expect(try await !Self.versionDigestBytes(federation).isEmpty)
    }

    @Test("the block that applies the last announcement still runs under the old version")
    func activationStartsAtTheNextBlock() async throws {
        var federation = try Federation()
        for peer: UInt16 in 0..<3 { _ = try await federation.block(peer, [try Self.announce(peer, mint: [1, 2])]) }
        let height = federation.height
        _ = try await federation.block(3, [try Self.announce(3, mint: [1, 2])])
        // What a module asks while the block at `height`, then the next one, is applied (the cursor points at it).
        let seen = try await federation.processor.database.write { db in
            var seen: [UInt32] = []
            for block in [height, height + 1] {
                try db.inRolledBackSavepoint {
                    try db.execute("UPDATE server_cursor SET next_height = ?", [Int64(block)])
                    seen.append(try ConsensusVersions.active(of: "mint", db: db))
                }
            }
            return seen
        }
        #expect(seen == [1, 2])
    }

    @Test("out-of-bounds announcements are refused at decoding, so they never reach state")
    func boundsAtDecoding() throws {
        func encoded(_ components: [(String, [UInt32])]) -> [UInt8] {
            var encoder = CanonicalEncoder()
            encoder.writeVariant(6) { body in
                body.write(PeerID(0))
                body.write(UInt64(7))
                body.writeVarint(UInt64(components.count))
                for (name, versions) in components {
                    body.write(name)
                    body.write(versions)
                }
            }
            return encoder.bytes
        }
        #expect((try? FederationItem(canonicalBytes: encoded([("mint", [1, 2])]))) != nil)
        let bad: [[(String, [UInt32])]] = [
            [("mint", [])], [("mint", [0, 1])], [("mint", [2, 1])], [("mint", [1, 1])], [("mint", Array(1...9))],
            [("Mint", [1])], [("", [1])], [(String(repeating: "a", count: 33), [1])], [("mint", [1]), ("core", [1])],
            [("mint", [1]), ("mint", [2])], (0..<17).map { ("m\($0 + 10)", [1]) },
        ]
        for components in bad {
            #expect((try? FederationItem(canonicalBytes: encoded(components))) == nil, "\(components) decoded")
        }
        #expect(throws: InvalidInput.self) { _ = try SupportedConsensusVersions(["mint": [1, 1]]) }
    }
}
