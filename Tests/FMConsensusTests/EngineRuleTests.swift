import FMConsensus
import FMConsensusSimulation
import FMCore
import Testing

/// The Simplex rules, one scripted scenario each (guardian 0 of four unless stated).
@Suite struct EngineRuleTests {
    let federation = TestFederation()

    @Test func votesForValidProposalAfterPersisting() {
        var engine = federation.engine(0)
        _ = engine.handle(.start)
        let proposal = federation.proposal(iteration: 1, items: [[1, 2, 3]])
        let actions = engine.receive(.proposal(proposal), from: 1)
        #expect(actions.votes.map(\.statement) == [VoteStatement(kind: .notarize(proposal.block.hash), iteration: 1)])
        let persist = actions.firstIndex { if case .persist = $0 { true } else { false } }
        let send = actions.firstIndex { if case .broadcast(.vote) = $0 { true } else { false } }
        #expect(persist != nil && send != nil && persist! < send!, "the vote is persisted before it is sent")
        #expect(actions.persisted.last == ConsensusCheckpoint(iteration: 1, notarizeVote: proposal.block.hash, skipVote: false))
    }

    @Test func notarizationMovesOnAndFinalizeVotesFinalize() throws {
        var engine = federation.engine(0)
        _ = engine.handle(.start)
        let proposal = federation.proposal(iteration: 1, items: [[7]])
        let hash = proposal.block.hash
        _ = engine.receive(.proposal(proposal), from: 1)
        // Own vote + leader's proposal = 2 < t = 3: still in iteration 1.
        #expect(engine.iteration == 1)
        let afterThird = engine.receive(.vote(federation.vote(.notarize(hash), iteration: 1, by: 2)), from: 2)
        #expect(engine.iteration == 2)
        #expect(afterThird.broadcasts.contains { if case .notarization(let n) = $0 { n.block == proposal.block } else { false } },
                "the notarized block is forwarded")
        #expect(afterThird.votes.map(\.statement).contains(VoteStatement(kind: .finalize(hash), iteration: 1)))
        #expect(afterThird.finalized.isEmpty)
        _ = engine.receive(.vote(federation.vote(.finalize(hash), iteration: 1, by: 1)), from: 1)
        let done = engine.receive(.vote(federation.vote(.finalize(hash), iteration: 1, by: 3)), from: 3)
        #expect(done.finalized.count == 1)
        let block = try #require(done.finalized.first)
        #expect(block.items == [[7]])
        #expect(block.finalization?.signatures.count == 3)
        #expect(engine.finalizedTip == ChainTip(after: proposal.block.header))
        let proven = try? ConsensusHistory.verify([block], after: .genesis(federation.genesis), peers: federation.peers, quorum: 3, domain: federation.domain, verifier: federation.keyring.verifier)
        #expect(proven == 1)
    }

    @Test func timeoutVotesDummyBlockAndNeverFinalizesThatIteration() {
        var engine = federation.engine(0)
        _ = engine.handle(.start)
        let actions = engine.handle(.timerFired(.iteration(1)))
        #expect(actions.votes.map(\.statement) == [VoteStatement(kind: .skip, iteration: 1)])
        #expect(actions.persisted.last?.skipVote == true)
        // A proposal arriving after the timeout gets no notarize vote.
        let proposal = federation.proposal(iteration: 1, items: [[9]])
        let late = engine.receive(.proposal(proposal), from: 1)
        #expect(late.votes.isEmpty)
        // The block is notarized anyway by others: move on, but without a finalize vote.
        let hash = proposal.block.hash
        _ = engine.receive(.vote(federation.vote(.notarize(hash), iteration: 1, by: 2)), from: 2)
        let moved = engine.receive(.vote(federation.vote(.notarize(hash), iteration: 1, by: 3)), from: 3)
        #expect(engine.iteration == 2)
        #expect(!moved.votes.contains { if case .finalize = $0.statement.kind { true } else { false } })
    }

    @Test func skipCertificateMovesOnWithoutBlock() {
        var engine = federation.engine(0)
        _ = engine.handle(.start)
        _ = engine.handle(.timerFired(.iteration(1)))
        _ = engine.receive(.vote(federation.vote(.skip, iteration: 1, by: 1)), from: 1)
        let actions = engine.receive(.vote(federation.vote(.skip, iteration: 1, by: 3)), from: 3)
        #expect(engine.iteration == 2)
        #expect(actions.broadcasts.contains { if case .skipCertificate = $0 { true } else { false } })
        // Iteration 2's leader (guardian 2) may now extend genesis across the dummy block.
        let proposal = federation.proposal(iteration: 2, items: [[1]])
        let vote = engine.receive(.proposal(proposal), from: 2)
        #expect(vote.votes.map(\.statement) == [VoteStatement(kind: .notarize(proposal.block.hash), iteration: 2)])
    }

    @Test func equivocatingLeaderIsIgnored() {
        var engine = federation.engine(0)
        _ = engine.handle(.start)
        let first = federation.proposal(iteration: 1, items: [[1]])
        let second = federation.proposal(iteration: 1, items: [[2]])
        _ = engine.receive(.proposal(first), from: 1)
        let actions = engine.receive(.proposal(second), from: 3)
        #expect(actions.rejections == [.equivocation(iteration: 1)])
        #expect(actions.votes.isEmpty)
        // An equivocating vote is ignored too.
        _ = engine.receive(.vote(federation.vote(.notarize(first.block.hash), iteration: 1, by: 2)), from: 2)
        let twice = engine.receive(.vote(federation.vote(.notarize(second.block.hash), iteration: 1, by: 2)), from: 2)
        #expect(twice.rejections == [.equivocation(iteration: 1)])
    }

    @Test func proposalNotExtendingNotarizedChainGetsNoVote() {
        var engine = federation.engine(0)
        _ = engine.handle(.start)
        // Iteration 2 without any certificate for iteration 1: no notarized chain of length 1.
        _ = engine.handle(.timerFired(.iteration(1)))
        let orphan = federation.proposal(iteration: 2, height: 0, items: [[5]])
        let actions = engine.receive(.proposal(orphan), from: 2)
        #expect(actions.votes.isEmpty)
        #expect(engine.iteration == 1)
    }

    @Test func rejectsGarbageBadSignaturesAndFarFutureWithoutCrashing() {
        var engine = federation.engine(0)
        _ = engine.handle(.start)
        var random = SimulationRandom(seed: 5)
        for length in 0..<200 {
            let actions = engine.handle(.received(from: PeerID(1), bytes: random.bytes(length % 60)))
            #expect(actions.allSatisfy { if case .rejected = $0 { true } else { false } })
        }
        var forged = federation.vote(.skip, iteration: 1, by: 2)
        forged = Vote(statement: forged.statement, signature: PeerSignature(peer: PeerID(2), signature: [UInt8](repeating: 0, count: 32)))
        #expect(engine.receive(.vote(forged), from: 2).rejections == [.invalidSignature])
        let future = federation.vote(.skip, iteration: 1_000, by: 2)
        #expect(engine.receive(.vote(future), from: 2).rejections == [.outsideWindow(iteration: 1_000)])
        let stranger = engine.handle(.received(from: PeerID(9), bytes: ConsensusMessage.vote(federation.vote(.skip, iteration: 1, by: 2)).encoded))
        #expect(stranger.rejections == [.unknownSender])
    }

    @Test func neverVotesTwiceAcrossRestart() throws {
        var engine = federation.engine(0)
        _ = engine.handle(.start)
        let proposal = federation.proposal(iteration: 1, items: [[1]])
        let actions = engine.receive(.proposal(proposal), from: 1)
        let checkpoint = try #require(actions.persisted.last)
        let stored = try ConsensusCheckpoint(canonicalBytes: checkpoint.encoded)
        var restarted = federation.engine(0, restoring: stored)
        _ = restarted.handle(.start)
        #expect(restarted.iteration == 1)
        // The leader equivocates after the restart: the restarted guardian must not vote again.
        let other = federation.proposal(iteration: 1, items: [[2]])
        #expect(restarted.receive(.proposal(other), from: 1).votes.isEmpty)
        // It may still time out (⊥ after a block vote is allowed in Simplex).
        #expect(restarted.handle(.timerFired(.iteration(1))).votes.map(\.statement.kind) == [.skip])
    }

    @Test func singleGuardianFinalizesAlone() {
        let solo = TestFederation(n: 1)
        var engine = solo.engine(0)
        let started = engine.handle(.start)
        #expect(started.contains(.setTimer(.idleProposal(1), after: .milliseconds(10))))
        let actions = engine.handle(.submit(item: [42]))
        #expect(actions.finalized.map(\.items) == [[[42]]])
        #expect(actions.broadcasts.isEmpty)
        #expect(engine.pendingItemCount == 0)
        // Resubmitting a finalized item is refused as a duplicate.
        #expect(engine.handle(.submit(item: [42])).contains(.itemRejected(ConsensusItem.hash(of: [42]), .duplicate)))
    }

    @Test func lateGuardianCatchesUpFromVerifiedBlocks() {
        // Guardian 0 finalizes one block; guardian 3, fresh, learns it through catch-up.
        var leader = federation.engine(0)
        _ = leader.handle(.start)
        let proposal = federation.proposal(iteration: 1, items: [[3]])
        let hash = proposal.block.hash
        _ = leader.receive(.proposal(proposal), from: 1)
        _ = leader.receive(.vote(federation.vote(.notarize(hash), iteration: 1, by: 2)), from: 2)
        _ = leader.receive(.vote(federation.vote(.finalize(hash), iteration: 1, by: 1)), from: 1)
        let blocks = leader.receive(.vote(federation.vote(.finalize(hash), iteration: 1, by: 2)), from: 2).finalized
        #expect(blocks.count == 1)

        var late = federation.engine(3)
        _ = late.handle(.start)
        let request = late.receive(.status(ConsensusStatus(iteration: 2, finalizedCount: 1)), from: 0)
        #expect(request.contains(.send(.blockRequest(fromHeight: 0), to: PeerID(0))))
        let serve = leader.receive(.blockRequest(fromHeight: 0), from: 3)
        #expect(serve.contains(.serveBlocks(to: PeerID(3), fromHeight: 0, maxCount: 128)))

        // A tampered history is refused...
        let tampered = FinalizedBlock(notarized: NotarizedBlock(block: Block(header: blocks[0].header, items: [[4]]), notarization: blocks[0].notarized.notarization), finalization: blocks[0].finalization)
        #expect(late.receive(.blockResponse([tampered]), from: 0).rejections.count == 1)
        // ...and its server is not asked again while another guardian can serve the genuine one.
        #expect(late.receive(.status(ConsensusStatus(iteration: 2, finalizedCount: 1)), from: 0).isEmpty)
        let retry = late.receive(.status(ConsensusStatus(iteration: 2, finalizedCount: 1)), from: 1)
        #expect(retry.contains(.send(.blockRequest(fromHeight: 0), to: PeerID(1))))
        let accepted = late.receive(.blockResponse(blocks), from: 1)
        #expect(accepted.finalized == blocks)
        #expect(late.finalizedTip.count == 1 && late.iteration == 2)
        // Unsolicited responses are refused.
        #expect(late.receive(.blockResponse(blocks), from: 2).rejections == [.unsolicited])
    }
}

/// A Byzantine peer cannot grow an engine's memory without bound.
@Suite struct BoundedMemoryTests {
    let federation = TestFederation()

    @Test func voteSpamAcrossIterationsAndHashesStaysBounded() {
        var engine = federation.engine(0)
        _ = engine.handle(.start)
        var random = SimulationRandom(seed: 9)
        for number in 0..<5_000 {
            let iteration = random.uniform(1...100_000)
            let kind: VoteKind = [.notarize(Hash256.sha256(random.bytes(4))), .skip, .finalize(Hash256.sha256(random.bytes(4)))][number % 3]
            _ = engine.receive(.vote(federation.vote(kind, iteration: iteration, by: 3)), from: 3)
            let proposalIteration = random.uniform(1...200)
            if proposalIteration % 4 == 1 {
                _ = engine.receive(.proposal(federation.proposal(iteration: proposalIteration, items: [random.bytes(8)])), from: 1)
            }
        }
        let window = Int(federation.configuration(for: PeerID(0)).limits.iterationWindow)
        #expect(engine.retainedIterationCount <= window + 1)
        // One vote of each kind per guardian per iteration, whatever was sent.
        #expect(engine.retainedVoteCount <= 3 * federation.peers.count * (window + 1))
    }

    @Test func pendingPoolIsBounded() {
        var limits = ConsensusLimits()
        limits.maxPendingItems = 10
        limits.maxItemBytes = 16
        let configuration = ConsensusConfiguration(
            peers: federation.peers, ownID: PeerID(0), federationID: federation.federationID, limits: limits)
        var engine = ConsensusEngine(configuration: configuration, signer: federation.keyring.signer(for: PeerID(0)), verifier: federation.keyring.verifier)
        var rejected: [ItemRejection] = []
        for number in 0..<20 {
            for action in engine.handle(.submit(item: [UInt8(number)])) {
                if case .itemRejected(_, let reason) = action { rejected.append(reason) }
            }
        }
        #expect(engine.pendingItemCount == 10)
        #expect(rejected == Array(repeating: .poolFull(limit: 10), count: 10))
        #expect(engine.handle(.submit(item: [UInt8](repeating: 1, count: 17))).contains {
            if case .itemRejected(_, .tooLarge(bytes: 17, limit: 16)) = $0 { true } else { false }
        })
        #expect(engine.handle(.submit(item: [0])).contains { if case .itemRejected(_, .duplicate) = $0 { true } else { false } })
    }
}
