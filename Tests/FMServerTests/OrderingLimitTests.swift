import FMConsensus
import FMCore
import FMServer
import FMServerTesting
import Foundation
import Testing

/// The scheduled shutdown's ordering limit (ConsensusEngine.orderingLimit) on four real drivers: with every
/// guardian holding height H nothing past H is finalized, however many items wait; one guardian alone (a Byzantine
/// minority refusing to vote) cannot stop the others.
@Suite(.serialized, .timeLimit(.minutes(2))) struct OrderingLimitTests {
    @Test func noBlockPastTheLimitWhenEveryGuardianHoldsIt() async throws {
        let federation = try await LoopbackFederation.underTest(size: 4)
        var guardians: [LoopbackGuardian] = []
        for peer in federation.peers { guardians.append(try await federation.start(peer)) }
        for guardian in guardians { await guardian.driver.limitOrdering(toHeight: 4) }
        for k in 0..<40 { try await guardians[k % 4].driver.submit(item: Array("limited \(k)".utf8)) }
        try await eventually("every guardian finalized block 4") { guardians.allSatisfy { $0.finalized.count >= 5 } }
        // Items arriving after the limit wait; no guardian proposes or votes a block for them.
        for k in 0..<8 { try await guardians[k % 4].driver.submit(item: Array("after the limit \(k)".utf8)) }
        try await Task.sleep(for: .seconds(3))
        for guardian in guardians {
            #expect(guardian.finalized.count == 5, "guardian \(guardian.peer) finalized past the limit")
            #expect(guardian.driver.status.pendingItems > 0)
        }
        let counts = guardians[0].driver.status.peerFinalizedCounts
        #expect(federation.peers.dropFirst().allSatisfy { (counts[$0] ?? 0) >= 5 }, "\(counts)")
        for guardian in guardians { try await guardian.stop() }
    }

    @Test func oneGuardianAloneCannotStopTheOthers() async throws {
        let federation = try await LoopbackFederation.underTest(size: 4)
        var guardians: [LoopbackGuardian] = []
        for peer in federation.peers { guardians.append(try await federation.start(peer)) }
        await guardians[3].driver.limitOrdering(toHeight: 1)
        for k in 0..<30 { try await guardians[k % 3].driver.submit(item: Array("free \(k)".utf8)) }
        try await eventually("the three others finalize past block 1") {
            guardians.prefix(3).allSatisfy { $0.finalized.count > 6 }
        }
        for guardian in guardians { try await guardian.stop() }
    }
}
