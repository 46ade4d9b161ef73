import FMCore
import FMDatabase
import FMEncoding
import FMServer
import FMTesting
import Foundation
import Testing

/// The rules of the guardian operations decided by consensus (GuardianOperations.swift): one guardian's proposal
/// changes nothing, t equal ones do; stale, far and out-of-bounds items are deterministic rejections.
@Suite("Guardian operations: meta and scheduled shutdown by threshold")
struct GuardianOperationsTests {
    /// A processor of a 4-guardian federation (threshold 3) that applies blocks of operations items.
    struct Federation {
        /// The processor's database, on the backend under test (`FM_TEST_STORAGE`).
        let place: StoragePlace
        let processor: TransactionProcessor
        var height: UInt64 = 0

        init() throws {
            place = try Backend.placeUnderTest()
            let configs = try TestingDealer.generateForTesting(guardians: 1, basePort: 40_100, devMode: true)
            let modules = try GuardianModules.build(configs[0], registry: .standard)
            let database = try place.open(TransactionProcessor.schemas(for: modules))
            processor = TransactionProcessor(database: database, modules: modules, threshold: 3)
        }

        mutating func block(_ proposer: UInt16, _ items: [FederationItem]) async throws -> BlockOutcome {
            defer { height += 1 }
            return try #require(try await processor.apply(
                height: height, proposer: PeerID(proposer), items: items.map(\.canonicalBytes)))
        }

        mutating func block(_ proposer: UInt16, raw: [[UInt8]]) async throws -> BlockOutcome {
            defer { height += 1 }
            return try #require(try await processor.apply(height: height, proposer: PeerID(proposer), items: raw))
        }
    }

    static func meta(_ peer: UInt16, _ revision: UInt64, _ values: [String: String]) throws -> FederationItem {
        .metaProposal(MetaProposal(peer: PeerID(peer), meta: try FederationMeta(revision: revision, values: values)))
    }

    static func shutdown(_ peer: UInt16, _ height: UInt64) -> FederationItem {
        .shutdownRequest(ShutdownRequest(peer: PeerID(peer), height: height))
    }

    @Test("meta takes effect when t guardians proposed the same revision and set, latest proposal winning")
    func metaByThreshold() async throws {
        var federation = try Federation()
        let wanted: [String: String] = ["name": "Village mint", "welcome_message": "Hi"]
        _ = try await federation.block(0, [try Self.meta(0, 1, wanted)])
        _ = try await federation.block(1, [try Self.meta(1, 1, ["name": "Village mint"])])  // differs: no effect
        var status = try await federation.processor.operationsStatus()
        #expect(status.meta == .empty)
        #expect(status.metaProposals.count == 2)
        // A Byzantine proposer cannot speak for others: items naming guardians 1 and 2 in guardian 3's block.
        _ = try await federation.block(3, [try Self.meta(1, 1, wanted), try Self.meta(2, 1, wanted)])
        #expect(try await federation.processor.operationsStatus().meta == .empty)
        // Guardian 1 replaces its proposal; with guardian 2's the set has three supporters.
        _ = try await federation.block(1, [try Self.meta(1, 1, wanted)])
        #expect(try await federation.processor.operationsStatus().meta == .empty)
        _ = try await federation.block(2, [try Self.meta(2, 1, wanted)])
        status = try await federation.processor.operationsStatus()
        #expect(status.meta.revision == 1)
        #expect(status.meta["name"] == "Village mint" && status.meta["welcome_message"] == "Hi")
        #expect(status.metaProposals.isEmpty)
        // A stale revision and one that skips ahead are refused: nothing stored, agreed set kept.
        _ = try await federation.block(3, [try Self.meta(3, 1, ["name": "Other"]), try Self.meta(3, 3, ["name": "Other"])])
        status = try await federation.processor.operationsStatus()
        #expect(status.metaProposals.isEmpty && status.meta.revision == 1)
        // One guardian proposing three times is one proposal.
        for _ in 0..<3 { _ = try await federation.block(3, [try Self.meta(3, 2, ["name": "Next"])]) }
        #expect(try await federation.processor.operationsStatus().meta.revision == 1)
    }

    @Test("a shutdown is agreed when t guardians request the same height, at least the lead ahead; the block is marked")
    func shutdownByThreshold() async throws {
        var federation = try Federation()
        _ = try await federation.block(0, [Self.shutdown(0, 8)])  // block 0
        _ = try await federation.block(1, [Self.shutdown(1, 9)])  // block 1: another height
        _ = try await federation.block(3, [Self.shutdown(1, 8), Self.shutdown(2, 8)])  // block 2: not their voice
        #expect(try await federation.processor.operationsStatus().shutdownRequests.count == 2)
        _ = try await federation.block(1, [Self.shutdown(1, 8)])  // block 3: replaces guardian 1's
        #expect(try await federation.processor.scheduledShutdown() == nil)
        // Too soon (block 4 + lead 3 > 6) is refused.
        _ = try await federation.block(2, [Self.shutdown(2, 6)])  // block 4
        #expect(try await federation.processor.operationsStatus().shutdownRequests.count == 2)
        let agreed = try await federation.block(2, [Self.shutdown(2, 8)])  // block 5
        #expect(agreed.shutdownAgreed == 8)
        #expect(try await federation.processor.scheduledShutdown() == 8)
        // While it is ahead, new requests are refused.
        _ = try await federation.block(3, [Self.shutdown(3, 20)])  // block 6
        #expect(try await federation.processor.operationsStatus().shutdownRequests.isEmpty)
        #expect(try await federation.block(0, []).stopsHere == false)  // block 7
        let last = try await federation.block(0, [])  // block 8
        #expect(last.stopsHere)
        let status = try await federation.processor.operationsStatus()
        #expect(status.shutdown?.reached == true)
        #expect(status.shutdown?.stateDigest == last.stateDigest.hex)
        #expect(try await federation.block(0, []).stopsHere == false)  // a restart continues at 9
    }

    @Test("malformed and out-of-bounds operations items are skipped, never a trap")
    func malformedItems() async throws {
        var federation = try Federation()
        func variant(_ index: UInt64, _ body: (inout CanonicalEncoder) -> Void) -> [UInt8] {
            var encoder = CanonicalEncoder()
            encoder.writeVariant(index, body: body)
            return encoder.bytes
        }
        let longValue = String(repeating: "x", count: FederationMeta.maxValueBytes + 1)
        let items: [[UInt8]] = [
            variant(3) { $0.write(UInt64(1)); $0.writeVarint(1_000_000) },  // too many entries
            variant(3) { $0.write(UInt64(1)); $0.writeVarint(1); $0.write("name"); $0.write(longValue) },
            variant(3) { $0.write(UInt64(1)); $0.writeVarint(1); $0.write("colour"); $0.write("red") },  // unknown key
            variant(3) { $0.write(UInt64(1)); $0.writeVarint(2); $0.write("name"); $0.write("b"); $0.write("app:a"); $0.write("c") },
            variant(3) { $0.write(UInt64(1)); $0.writeVarint(1); $0.write("expiry_timestamp"); $0.write("soon") },
            variant(3) { $0.write(UInt64(1)); $0.writeVarint(1); $0.write("name"); $0.writeBytes([0xFF, 0xFE]) },
            variant(4) { $0.writeFixed([0xFF]) },
            variant(3) { _ in },
        ]
        for peer: UInt16 in 0..<3 {
            // Each body after the proposer's own peer id and a nonce.
            let own = items.map { item -> [UInt8] in
                var decoder = CanonicalDecoder(item)
                guard let (index, body) = try? decoder.readVariant() else { return item }
                var body2 = body
                let rest = body2.readRemaining()
                return variant(index) { $0.write(PeerID(peer)); $0.write(UInt64(7)); $0.writeFixed(rest) }
            }
            _ = try await federation.block(peer, raw: own + [variant(4) { $0.write(PeerID(peer)); $0.write(UInt64(7)); $0.write(UInt64.max) }])
        }
        let status = try await federation.processor.operationsStatus()
        #expect(status.meta == .empty && status.metaProposals.isEmpty)
        #expect(status.shutdown == nil)
        #expect(status.shutdownRequests.isEmpty)  // UInt64.max is beyond the maximum lead
        #expect(try await federation.processor.haltReason() == nil)
    }

    @Test("meta values are checked by key and the JSON form round-trips")
    func metaValidation() throws {
        #expect(throws: InvalidInput.self) { try FederationMeta.validate(key: "app:", value: "x") }
        #expect(throws: InvalidInput.self) { try FederationMeta.validate(key: "app:UPPER", value: "x") }
        #expect(throws: InvalidInput.self) { try FederationMeta.validate(key: "name", value: "bell\u{7}") }
        #expect(throws: InvalidInput.self) { try FederationMeta.validate(key: "successor_invite", value: "fed1nope") }
        #expect(throws: InvalidInput.self) { try FederationMeta.validate(key: "expiry_timestamp", value: "99999999999999999999") }
        try FederationMeta.validate(key: "expiry_timestamp", value: "1800000000")
        try FederationMeta.validate(key: "welcome_message", value: "line one\nline two")
        let meta = try FederationMeta(revision: 4, values: ["name": "N", "app:z": "1"])
        #expect(meta.entries.map(\.key) == ["app:z", "name"])
        let json = try JSONConventions.line(meta)
        #expect(try JSONConventions.decode(FederationMeta.self, from: Data(json.utf8), what: "meta") == meta)
        #expect(try FederationMeta(canonicalBytes: meta.canonicalBytes) == meta)
        // docs/protocol.md's worked example.
        let example = try FederationMeta(revision: 1, values: ["name": "V"])
        let item = FederationItem.metaProposal(MetaProposal(peer: PeerID(2), meta: example, nonce: 5))
        #expect(Hex.encode(item.canonicalBytes) == "030b" + "02" + "05" + "0101" + "046e616d65" + "0156")
        let request = FederationItem.shutdownRequest(ShutdownRequest(peer: PeerID(2), height: 300, nonce: 5))
        #expect(Hex.encode(request.canonicalBytes) == "0404" + "02" + "05" + "ac02")
    }
}
