import FMConsensus
import FMConsensusSimulation
import FMCore
import Testing

/// Issue 24 item 5: every consensus signature is bound to the federation (and protocol version), so
/// guardians that reuse their keys in two federations cannot have one federation's votes and
/// certificates replayed into the other.
@Suite struct FederationBindingTests {
    /// Two federations of the same guardians with the same keys (SimulatedKeyring seed 42).
    let a = TestFederation(name: "federation A")
    let b = TestFederation(name: "federation B")

    func skipCertificate(signedIn federation: TestFederation, iteration: UInt64) -> QuorumCertificate {
        QuorumCertificate(
            statement: VoteStatement(kind: .skip, iteration: iteration),
            signatures: (1...3).map { federation.vote(.skip, iteration: iteration, by: $0).signature })
    }

    @Test func skipCertificateOfAnotherFederationIsRefused() {
        var engine = b.engine(0)
        _ = engine.handle(.start)
        let foreign = engine.receive(.skipCertificate(skipCertificate(signedIn: a, iteration: 1)), from: 1)
        #expect(foreign.rejections.count == 1)
        #expect(foreign.rejections.allSatisfy { if case .invalidCertificate = $0 { true } else { false } })
        #expect(engine.iteration == 1, "a foreign skip certificate must not move the iteration on")
        // The same certificate made in B's own federation is accepted: only the binding differs.
        _ = engine.receive(.skipCertificate(skipCertificate(signedIn: b, iteration: 1)), from: 1)
        #expect(engine.iteration == 2)
    }

    @Test func votesAndProposalsOfAnotherFederationAreRefused() {
        var engine = b.engine(0)
        _ = engine.handle(.start)
        #expect(engine.receive(.vote(a.vote(.skip, iteration: 1, by: 2)), from: 2).rejections == [.invalidSignature])
        // A's leader signs a block extending B's genesis: the block is valid in B, the signature is not.
        let foreign = a.proposal(iteration: 1, parent: b.genesis, items: [[1]])
        let actions = engine.receive(.proposal(foreign), from: 1)
        #expect(actions.rejections == [.invalidSignature])
        #expect(actions.votes.isEmpty)
        let genuine = b.proposal(iteration: 1, items: [[1]])
        #expect(genuine.block == foreign.block)
        #expect(engine.receive(.proposal(genuine), from: 1).votes.count == 1)
    }

    @Test func notarizationsAndHistoryOfAnotherFederationAreRefused() {
        var engine = b.engine(0)
        _ = engine.handle(.start)
        let block = b.proposal(iteration: 1, items: [[2]]).block
        let notarizedInA = NotarizedBlock(
            block: block,
            notarization: QuorumCertificate(
                statement: VoteStatement(kind: .notarize(block.hash), iteration: 1),
                signatures: (1...3).map { a.vote(.notarize(block.hash), iteration: 1, by: $0).signature }))
        let refused = engine.receive(.notarization(notarizedInA), from: 2)
        #expect(refused.rejections.allSatisfy { if case .invalidCertificate = $0 { true } else { false } })
        #expect(refused.rejections.count == 1)
        #expect(engine.iteration == 1)
        // A served history certified in A does not verify in B.
        let finalizedInA = FinalizedBlock(
            notarized: notarizedInA,
            finalization: QuorumCertificate(
                statement: VoteStatement(kind: .finalize(block.hash), iteration: 1),
                signatures: (1...3).map { a.vote(.finalize(block.hash), iteration: 1, by: $0).signature }))
        #expect(throws: HistoryError.self) {
            try ConsensusHistory.verify(
                [finalizedInA], after: .genesis(b.genesis), peers: b.peers, quorum: 3, domain: b.domain,
                verifier: b.keyring.verifier)
        }
    }

    @Test func protocolVersionIsPartOfTheSignedDigest() {
        let statement = VoteStatement(kind: .skip, iteration: 3)
        let current = statement.signingDigest(in: b.domain)
        #expect(current != statement.signingDigest(in: a.domain))
        #expect(current != statement.signingDigest(in: ConsensusDomain(federationID: b.federationID, protocolVersion: 2)))
    }
}
