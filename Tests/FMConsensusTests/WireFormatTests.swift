import FMConsensus
import FMConsensusSimulation
import FMCore
import FMEncoding
import Testing

/// The v0 wire format of consensus messages (documented in docs/consensus.md).
@Suite struct WireFormatTests {
    let federation = TestFederation()

    var samples: [ConsensusMessage] {
        let proposal = federation.proposal(iteration: 1, items: [[1, 2], [], [3]])
        let vote = federation.vote(.notarize(proposal.block.hash), iteration: 1, by: 2)
        let certificate = QuorumCertificate(
            statement: vote.statement,
            signatures: (0..<3).map { federation.vote(.notarize(proposal.block.hash), iteration: 1, by: $0).signature })
        let notarized = NotarizedBlock(block: proposal.block, notarization: certificate)
        let skip = QuorumCertificate(
            statement: VoteStatement(kind: .skip, iteration: 2),
            signatures: (1..<4).map { federation.vote(.skip, iteration: 2, by: $0).signature })
        return [
            .proposal(proposal), .vote(vote), .vote(federation.vote(.skip, iteration: 9, by: 1)),
            .vote(federation.vote(.finalize(proposal.block.hash), iteration: 1, by: 3)), .notarization(notarized),
            .skipCertificate(skip), .status(ConsensusStatus(iteration: 300, finalizedCount: 5)),
            .blockRequest(fromHeight: 7), .blockResponse([FinalizedBlock(notarized: notarized, finalization: nil)]),
            .wake(iteration: 300), .unknown(variant: 99, body: [1, 2, 3]),
        ]
    }

    @Test func everyMessageRoundTrips() throws {
        for message in samples {
            #expect(try ConsensusMessage(decoding: message.encoded) == message)
        }
    }

    @Test func knownEncodings() {
        // variant 4, body length 3, iteration 300 = ac 02, finalized count 5
        #expect(ConsensusMessage.status(ConsensusStatus(iteration: 300, finalizedCount: 5)).encoded == [0x04, 0x03, 0xAC, 0x02, 0x05])
        #expect(ConsensusMessage.blockRequest(fromHeight: 7).encoded == [0x05, 0x01, 0x07])
        #expect(ConsensusMessage.wake(iteration: 300).encoded == [0x07, 0x02, 0xAC, 0x02])
        let skip = federation.vote(.skip, iteration: 9, by: 1)
        // statement: variant 1 (skip) with empty body, iteration 9; then peer 1 and a 32-byte signature.
        #expect(ConsensusMessage.vote(skip).encoded == [0x01, 0x25, 0x01, 0x00, 0x09, 0x01, 0x20] + skip.signature.signature)
    }

    @Test func strictDecodingRejectsMalformedInput() {
        for message in samples {
            let bytes = message.encoded
            #expect(throws: CanonicalDecodingError.self) { try ConsensusMessage(decoding: bytes + [0]) }
            for cut in [1, bytes.count / 2, bytes.count - 1] where cut < bytes.count && cut > 0 {
                #expect(throws: CanonicalDecodingError.self) { try ConsensusMessage(decoding: bytes.prefix(cut)) }
            }
        }
        // Certificates must list signers in ascending order.
        let a = federation.vote(.skip, iteration: 2, by: 1).signature
        let b = federation.vote(.skip, iteration: 2, by: 2).signature
        var encoder = CanonicalEncoder()
        encoder.write(VoteStatement(kind: .skip, iteration: 2))
        encoder.writeVector([b, a])
        #expect(throws: CanonicalDecodingError.self) { try QuorumCertificate(canonicalBytes: encoder.bytes) }
    }

    @Test func checkpointRoundTripsWithChain() throws {
        let proposal = federation.proposal(iteration: 1, items: [[1]])
        let certificate = QuorumCertificate(
            statement: VoteStatement(kind: .notarize(proposal.block.hash), iteration: 1),
            signatures: (0..<3).map { federation.vote(.notarize(proposal.block.hash), iteration: 1, by: $0).signature })
        let checkpoint = ConsensusCheckpoint(
            iteration: 3, notarizeVote: nil, skipVote: true,
            chain: [.notarized(NotarizedBlock(block: proposal.block, notarization: certificate)),
                    .skipped(QuorumCertificate(statement: VoteStatement(kind: .skip, iteration: 2), signatures: []))])
        #expect(try ConsensusCheckpoint(canonicalBytes: checkpoint.encoded) == checkpoint)
    }
}
