import FMConsensus
import FMCore
import FMPeerNetwork
import NIOConcurrencyHelpers

/// TEST ONLY (``GuardianTestFaults/byzantineConsensusVariable``): a transport that makes its guardian a liar towards
/// the other guardians while still sending every honest message, so the federation can be checked to survive it and
/// to name it. After each honest message it also sends, signed with the guardian's real key:
/// - for its own proposal, a second proposal for the same iteration with a different block (equivocation);
/// - for its own notarize or finalize vote, a second vote of the same kind for another block (equivocation);
/// - now and then a vote whose signature is random bytes (a bad signature share of the consensus);
/// - now and then a frame of random bytes (garbage the consensus decoder must refuse).
/// The honest message always goes first, so a quorum of honest guardians still makes progress.
final class ByzantineTransport: ConsensusTransport {
    let base: any ConsensusTransport
    let signer: any ConsensusSigner
    let domain: ConsensusDomain
    private let counter = NIOLockedValueBox<UInt64>(0)

    init(wrapping base: any ConsensusTransport, signer: any ConsensusSigner, domain: ConsensusDomain) {
        self.base = base
        self.signer = signer
        self.domain = domain
    }

    var maxFrameSize: Int { base.maxFrameSize }
    var received: AsyncStream<(PeerID, [UInt8])> { base.received }

    func send(_ bytes: [UInt8], to peer: PeerID) throws(PeerNetworkError) {
        try base.send(bytes, to: peer)
        for lie in lies(after: bytes) { try base.send(lie, to: peer) }
    }

    func broadcast(_ bytes: [UInt8]) throws(PeerNetworkError) {
        try base.broadcast(bytes)
        for lie in lies(after: bytes) { try base.broadcast(lie) }
    }

    /// The dishonest frames that follow the honest `bytes`.
    func lies(after bytes: [UInt8]) -> [[UInt8]] {
        let count = counter.withLockedValue { count in
            count &+= 1
            return count
        }
        var lies: [[UInt8]] = []
        switch try? ConsensusMessage(decoding: bytes) {
        case .proposal(let proposal) where proposal.block.header.proposer == signer.peer:
            lies.append(ConsensusMessage.proposal(conflicting(proposal)).encoded)
        case .vote(let vote) where vote.voter == signer.peer:
            switch vote.statement.kind {
            case .notarize: lies.append(ConsensusMessage.vote(signed(.notarize(randomHash()), vote.iteration)).encoded)
            case .finalize: lies.append(ConsensusMessage.vote(signed(.finalize(randomHash()), vote.iteration)).encoded)
            case .skip: break
            }
            if count % 3 == 0 {
                let statement = VoteStatement(kind: .skip, iteration: vote.iteration + 1)
                let forged = (0..<64).map { _ in UInt8.random(in: 0...255) }
                lies.append(
                    ConsensusMessage.vote(Vote(statement: statement, signature: PeerSignature(peer: signer.peer, signature: forged)))
                        .encoded)
            }
        default: break
        }
        if count % 4 == 0 {
            // 0xff first: no message variant decodes from it, so this is garbage whatever follows.
            lies.append([0xff] + (0..<Int.random(in: 1...200)).map { _ in UInt8.random(in: 0...255) })
        }
        return lies
    }

    /// The same iteration and parent, another item list, signed as a real proposal.
    private func conflicting(_ proposal: Proposal) -> Proposal {
        let header = proposal.block.header
        let items = proposal.block.items + [Array("equivocation \(randomHash().hex)".utf8)]
        let block = Block(
            header: BlockHeader(
                height: header.height, iteration: header.iteration, proposer: header.proposer,
                parentHash: header.parentHash, itemsHash: Block.itemsHash(of: items)),
            items: items)
        let statement = VoteStatement(kind: .notarize(block.hash), iteration: header.iteration)
        return Proposal(block: block, signature: signer.sign(digest: statement.signingDigest(in: domain)))
    }

    private func signed(_ kind: VoteKind, _ iteration: UInt64) -> Vote {
        let statement = VoteStatement(kind: kind, iteration: iteration)
        return Vote(
            statement: statement,
            signature: PeerSignature(peer: signer.peer, signature: signer.sign(digest: statement.signingDigest(in: domain))))
    }

    private func randomHash() -> Hash256 {
        Hash256(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })!
    }
}
