import FMConsensus
import FMCore
import FMServer
import FMServerTesting
import Foundation
import Testing

@Suite(.serialized, .timeLimit(.minutes(3))) struct ConsensusDriverTests {
    /// Every guardian's chain must equal the others' on their common prefix, block for block.
    func expectPrefixConsistent(_ guardians: [LoopbackGuardian]) {
        let chains = guardians.map { $0.finalized.map(\.header) }
        for chain in chains.dropFirst() {
            let common = min(chain.count, chains[0].count)
            #expect(Array(chain.prefix(common)) == Array(chains[0].prefix(common)))
        }
    }

    @Test func fourGuardiansOverLoopbackTLSFinalizeTheSameSequence() async throws {
        let federation = try await LoopbackFederation.underTest(size: 4)
        var guardians: [LoopbackGuardian] = []
        for peer in federation.peers { guardians.append(try await federation.start(peer)) }
        let items = (0..<24).map { Array("item \($0)".utf8) }
        for (k, item) in items.enumerated() { try await guardians[k % 4].driver.submit(item: item) }

        try await eventually("every guardian finalized every item") {
            guardians.allSatisfy { Set($0.finalizedItems).isSuperset(of: items) }
        }
        expectPrefixConsistent(guardians)
        for guardian in guardians {
            let finalizedItems = guardian.finalizedItems
            #expect(finalizedItems.count == Set(finalizedItems).count, "no item is finalized twice")
            let blocks = guardian.finalized
            #expect(blocks.enumerated().allSatisfy { $0.offset == Int($0.element.header.height) })
        }
        // A duplicate submission is refused while the item is remembered as finalized.
        await #expect(throws: ConsensusSubmitError.rejected(.duplicate)) {
            try await guardians[0].driver.submit(item: items[0])
        }
        for guardian in guardians { try await guardian.stop() }
        await #expect(throws: ConsensusSubmitError.notRunning) { try await guardians[0].driver.submit(item: [1]) }
    }

    @Test func singleGuardianOrdersItsOwnItemsAndRunsOnlyOnce() async throws {
        let federation = try await LoopbackFederation.underTest(size: 1)
        let guardian = try await federation.start(PeerID(0))
        let items = (0..<10).map { Array("solo \($0)".utf8) }
        for item in items { try await guardian.driver.submit(item: item) }
        try await eventually("items finalized") { guardian.finalizedItems.count == items.count }
        #expect(guardian.finalizedItems.sorted { $0.lexicographicallyPrecedes($1) } == items.sorted { $0.lexicographicallyPrecedes($1) })
        await #expect(throws: ConsensusDriverError.alreadyStarted) { try await guardian.driver.run() }
        try await guardian.stop()
    }

    @Test func stoppedGuardianRestartsFromItsDatabaseAndCatchesUp() async throws {
        let federation = try await LoopbackFederation.underTest(size: 4)
        var guardians: [LoopbackGuardian] = []
        for peer in federation.peers { guardians.append(try await federation.start(peer)) }
        let early = (0..<8).map { Array("early \($0)".utf8) }
        for (k, item) in early.enumerated() { try await guardians[k % 4].driver.submit(item: item) }
        try await eventually("early items finalized everywhere") {
            guardians.allSatisfy { Set($0.finalizedItems).isSuperset(of: early) }
        }

        try await guardians[3].stop()
        let storedBeforeRestart = guardians[3].finalized.count
        // Three of four guardians are a quorum: the federation keeps finalizing without guardian 3.
        let late = (0..<12).map { Array("late \($0)".utf8) }
        for (k, item) in late.enumerated() { try await guardians[k % 3].driver.submit(item: item) }
        try await eventually("late items finalized by the running guardians") {
            guardians.prefix(3).allSatisfy { Set($0.finalizedItems).isSuperset(of: late) }
        }

        guardians[3] = try await federation.start(PeerID(3))
        let target = guardians[0].finalized.count
        try await eventually("restarted guardian caught up") { guardians[3].finalized.count >= target }
        #expect(target > storedBeforeRestart)
        #expect(Set(guardians[3].finalizedItems).isSuperset(of: early + late))
        expectPrefixConsistent(guardians)

        // The restarted guardian takes part again: an item submitted to it is finalized everywhere.
        let after = Array("after restart".utf8)
        try await guardians[3].driver.submit(item: after)
        try await eventually("item submitted to the restarted guardian finalized") {
            guardians.allSatisfy { $0.finalizedItems.contains(after) }
        }
        expectPrefixConsistent(guardians)
        for guardian in guardians { try await guardian.stop() }
    }
}
