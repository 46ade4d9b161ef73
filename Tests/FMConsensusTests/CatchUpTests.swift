import FMConsensus
import FMConsensusSimulation
import FMCore
import Testing

/// Issue 24 item 7: a peer that claims to be far ahead and answers with nothing (or garbage)
/// cannot monopolize a lagging guardian's catch-up.
@Suite struct CatchUpTests {
    let federation = TestFederation()

    /// One block finalized by guardian 0 (with guardians 1 and 2 voting): what honest peers serve.
    func finalizedBlocks() -> [FinalizedBlock] {
        var leader = federation.engine(0)
        _ = leader.handle(.start)
        let proposal = federation.proposal(iteration: 1, items: [[3]])
        let hash = proposal.block.hash
        _ = leader.receive(.proposal(proposal), from: 1)
        _ = leader.receive(.vote(federation.vote(.notarize(hash), iteration: 1, by: 2)), from: 2)
        _ = leader.receive(.vote(federation.vote(.finalize(hash), iteration: 1, by: 1)), from: 1)
        return leader.receive(.vote(federation.vote(.finalize(hash), iteration: 1, by: 2)), from: 2).finalized
    }

    static func requests(_ actions: [ConsensusAction]) -> [PeerID] {
        actions.compactMap { if case .send(.blockRequest, let peer) = $0 { peer } else { nil } }
    }

    @Test func emptyAnswerIsAStrikeAndTheLiarIsNotAskedAgainAtOnce() throws {
        let blocks = finalizedBlocks()
        try #require(blocks.count == 1)
        var late = federation.engine(3)
        _ = late.handle(.start)
        let huge = ConsensusStatus(iteration: 2, finalizedCount: 1 << 40)
        #expect(Self.requests(late.receive(.status(huge), from: 1)) == [PeerID(1)])
        #expect(late.receive(.blockResponse([]), from: 1).rejections.isEmpty)
        // The liar claims again at once: it is backed off, so it is not asked.
        #expect(Self.requests(late.receive(.status(huge), from: 1)).isEmpty)
        // An honest peer ahead is asked instead, and its blocks are taken.
        #expect(Self.requests(late.receive(.status(ConsensusStatus(iteration: 2, finalizedCount: 1)), from: 0)) == [PeerID(0)])
        #expect(late.receive(.blockResponse(blocks), from: 0).finalized == blocks)
        #expect(late.finalizedTip.count == 1)
    }

    @Test func everyUselessPeerStaysDistrustedNotOnlyTheLast() throws {
        let blocks = finalizedBlocks()
        try #require(blocks.count == 1)
        let tampered = FinalizedBlock(
            notarized: NotarizedBlock(block: Block(header: blocks[0].header, items: [[4]]), notarization: blocks[0].notarized.notarization),
            finalization: blocks[0].finalization)
        var late = federation.engine(3)
        _ = late.handle(.start)
        let huge = ConsensusStatus(iteration: 2, finalizedCount: 1 << 40)
        #expect(Self.requests(late.receive(.status(huge), from: 1)) == [PeerID(1)])
        #expect(late.receive(.blockResponse([tampered]), from: 1).rejections.count == 1)
        #expect(Self.requests(late.receive(.status(huge), from: 2)) == [PeerID(2)])
        #expect(late.receive(.blockResponse([tampered]), from: 2).rejections.count == 1)
        // Both liars are backed off together.
        #expect(Self.requests(late.receive(.status(huge), from: 1)).isEmpty)
        #expect(Self.requests(late.receive(.status(huge), from: 2)).isEmpty)
        #expect(Self.requests(late.receive(.status(ConsensusStatus(iteration: 2, finalizedCount: 1)), from: 0)) == [PeerID(0)])
    }

    @Test func tricklingAnswersAreStrikesToo() throws {
        // A peer claiming 1 << 40 blocks that serves fewer than a batch and stops short of its claim
        // made progress, but too little: the blocks are kept and the peer is backed off.
        let blocks = finalizedBlocks()
        try #require(blocks.count == 1)
        var late = federation.engine(3)
        _ = late.handle(.start)
        let huge = ConsensusStatus(iteration: 2, finalizedCount: 1 << 40)
        #expect(Self.requests(late.receive(.status(huge), from: 1)) == [PeerID(1)])
        #expect(late.receive(.blockResponse(blocks), from: 1).finalized == blocks)
        #expect(Self.requests(late.receive(.status(huge), from: 1)).isEmpty)
    }

    @Test func anAnswerCutByBytesIsNotAStrike() throws {
        // An honest peer serving large blocks fits fewer than a batch into its byte budget: that is a full answer.
        // (Here the budget is made small instead of the blocks large.)
        let blocks = finalizedBlocks()
        try #require(blocks.count == 1)
        var configuration = federation.configuration(for: federation.peers[3])
        configuration.limits.maxBlockBytes = 1_000
        configuration.limits.catchUpAnswerBytes = blocks[0].canonicalBytes.count + 1_000 + (64 << 10)
        var late = ConsensusEngine(
            configuration: configuration, signer: federation.keyring.signer(for: federation.peers[3]),
            verifier: federation.keyring.verifier, restoring: nil, finalizedTail: [])
        _ = late.handle(.start)
        let ahead = ConsensusStatus(iteration: 2, finalizedCount: 1 << 40)
        #expect(Self.requests(late.receive(.status(ahead), from: 1)) == [PeerID(1)])
        #expect(late.receive(.blockResponse(blocks), from: 1).finalized == blocks)
        // Not backed off: asked again at the next period.
        let next = late.handle(.timerFired(.retransmit)) + late.receive(.status(ahead), from: 1)
        #expect(Self.requests(next) == [PeerID(1)])
    }

    @Test func silentPeerIsBackedOffLongerEachTime() {
        var late = federation.engine(3)
        _ = late.handle(.start)
        let huge = ConsensusStatus(iteration: 2, finalizedCount: 1 << 40)
        #expect(Self.requests(late.receive(.status(huge), from: 1)) == [PeerID(1)])
        // Never answers: each timeout is a strike and the pause before the next request grows.
        var askedAt: [Int] = []
        for period in 1...40 {
            let actions = late.handle(.timerFired(.retransmit)) + late.receive(.status(huge), from: 1)
            if Self.requests(actions).contains(PeerID(1)) { askedAt.append(period) }
        }
        let gaps = zip(askedAt.dropFirst(), askedAt).map { $0 - $1 }
        #expect(askedAt.count >= 3)
        #expect(gaps == gaps.sorted(), "gaps between requests to a silent peer never shrink: \(askedAt)")
        #expect(gaps.last! > gaps.first!)
    }
}
