import FMConsensus
import FMCore

// Byzantine guardians: each runs a real engine; what it sends passes through `distort`.
// An adversary signs only with its own keys (coalition members with their coalition's keys).
extension Simulation {
    mutating func distort(
        _ message: ConsensusMessage, from index: Int, to peers: [PeerID], behavior: ByzantineBehavior
    ) -> [(PeerID, [UInt8])] {
        let me = nodes[index].id
        let signer = keyring.signer(for: me)
        var out: [(PeerID, [UInt8])] = []
        switch behavior {
        case .silent:
            break
        case .equivocate:
            for peer in peers {
                switch message {
                case .proposal(let proposal) where random.chance(0.5):
                    out.append((peer, ConsensusMessage.proposal(alternative(to: proposal, signer: signer)).encoded))
                case .vote(let vote) where random.chance(0.5):
                    let kinds: [VoteKind] = [.notarize(Hash256.sha256(random.bytes(8))), .skip, .finalize(Hash256.sha256(random.bytes(8)))]
                    let statement = VoteStatement(kind: random.element(of: kinds), iteration: vote.iteration)
                    out.append((peer, ConsensusMessage.vote(sign(statement, with: signer)).encoded))
                    out.append((peer, message.encoded))
                default:
                    out.append((peer, message.encoded))
                }
            }
        case .forgeSignatures:
            for peer in peers { out.append((peer, corruptSignatures(in: message).encoded)) }
        case .replay:
            for peer in peers {
                out.append((peer, message.encoded))
                if !nodes[index].heard.isEmpty, random.chance(0.3) {
                    out.append((random.element(of: peers), random.element(of: nodes[index].heard)))
                }
            }
        case .garbage:
            for peer in peers {
                var bytes = message.encoded
                if random.chance(0.3) {
                    switch random.uniform(0...2) {
                    case 0: bytes = random.bytes(Int(random.uniform(0...80)))
                    case 1: bytes[Int(random.uniform(0...UInt64(bytes.count - 1)))] ^= UInt8(truncatingIfNeeded: random.uniform(1...255))
                    default: bytes = Array(bytes.prefix(Int(random.uniform(0...UInt64(bytes.count)))))
                    }
                }
                out.append((peer, bytes))
            }
        case .coalitionSplit:
            out = coalitionOutput(message, from: index, to: peers)
        case .lieAboutProgress:
            let claim = ConsensusMessage.status(ConsensusStatus(iteration: nodes[index].engine?.iteration ?? 0, finalizedCount: Self.liedFinalizedCount)).encoded
            for peer in peers {
                switch message {
                case .status, .blockResponse: break  // its own claim replaces them; requests are answered on arrival
                default: out.append((peer, message.encoded))
                }
                out.append((peer, claim))
            }
        }
        return out
    }

    static let liedFinalizedCount: UInt64 = 1 << 40

    /// A `lieAboutProgress` guardian answers a block request at once with nothing, then claims
    /// again to be far ahead. Returns whether `bytes` was such a request.
    mutating func answerCatchUpWithLies(_ bytes: [UInt8], from peer: PeerID, at index: Int) -> Bool {
        guard case .blockRequest = try? ConsensusMessage(decoding: bytes) else { return false }
        let claim = ConsensusStatus(iteration: nodes[index].engine?.iteration ?? 0, finalizedCount: Self.liedFinalizedCount)
        transmit(ConsensusMessage.blockResponse([]).encoded, from: index, to: Int(peer.rawValue))
        transmit(ConsensusMessage.status(claim).encoded, from: index, to: Int(peer.rawValue))
        return true
    }

    /// The same proposal with one more (random) item, signed by the same leader.
    func alternative(to proposal: Proposal, signer: SimulatedSigner) -> Proposal {
        var random = SimulationRandom(seed: UInt64(proposal.block.header.iteration) &* 0x9E37_79B9)
        let items = proposal.block.items + [Array("equivocation".utf8) + random.bytes(8)]
        let old = proposal.block.header
        let header = BlockHeader(
            height: old.height, iteration: old.iteration, proposer: old.proposer, parentHash: old.parentHash,
            itemsHash: Block.itemsHash(of: items))
        let statement = VoteStatement(kind: .notarize(header.hash), iteration: header.iteration)
        return Proposal(block: Block(header: header, items: items), signature: sign(statement, with: signer).signature.signature)
    }

    /// A vote signed in this federation's domain (an adversary's own key, or a coalition member's).
    func sign(_ statement: VoteStatement, with signer: SimulatedSigner) -> Vote {
        let domain = configurationTemplate[0].domain
        return Vote(statement: statement, signature: PeerSignature(peer: signer.peer, signature: signer.sign(digest: statement.signingDigest(in: domain))))
    }

    private mutating func corruptSignatures(in message: ConsensusMessage) -> ConsensusMessage {
        func flip(_ bytes: [UInt8]) -> [UInt8] {
            guard !bytes.isEmpty else { return [1] }
            var copy = bytes
            copy[Int(random.uniform(0...UInt64(copy.count - 1)))] ^= 0x40
            return copy
        }
        switch message {
        case .proposal(let proposal):
            return .proposal(Proposal(block: proposal.block, signature: flip(proposal.signature)))
        case .vote(let vote):
            return .vote(Vote(statement: vote.statement, signature: PeerSignature(peer: vote.voter, signature: flip(vote.signature.signature))))
        case .notarization(let notarized):
            var signatures = notarized.notarization.signatures
            let victim = Int(random.uniform(0...UInt64(signatures.count - 1)))
            signatures[victim] = PeerSignature(peer: signatures[victim].peer, signature: flip(signatures[victim].signature))
            return .notarization(NotarizedBlock(block: notarized.block, notarization: QuorumCertificate(statement: notarized.notarization.statement, signatures: signatures)))
        default:
            return message
        }
    }

    /// Coalition members hide everything about iterations a member leads, except what the
    /// adversary shows: block A to one half of the honest guardians and block B to the other,
    /// with the whole coalition's notarize and finalize votes on each.
    private mutating func coalitionOutput(_ message: ConsensusMessage, from index: Int, to peers: [PeerID]) -> [(PeerID, [UInt8])] {
        let coalition = nodes.filter { $0.behavior == .coalitionSplit }.map(\.id)
        let configuration = configurationTemplate[index]
        let iteration: UInt64? =
            switch message {
            case .proposal(let proposal): proposal.block.header.iteration
            case .vote(let vote): vote.iteration
            case .notarization(let notarized): notarized.block.header.iteration
            case .skipCertificate(let certificate): certificate.statement.iteration
            default: nil
            }
        guard let iteration, coalition.contains(configuration.leader(of: iteration)) else {
            return peers.map { ($0, message.encoded) }
        }
        guard case .proposal(let proposal) = message else { return [] }
        let signer = keyring.signer(for: nodes[index].id)
        let variants = [proposal, alternative(to: proposal, signer: signer)]
        var out: [(PeerID, [UInt8])] = []
        for peer in peers where !coalition.contains(peer) {
            let shown = variants[honestHalf(of: peer) ?? 0]
            out.append((peer, ConsensusMessage.proposal(shown).encoded))
            for member in coalition where member != shown.block.header.proposer {
                let memberSigner = keyring.signer(for: member)
                let notarize = VoteStatement(kind: .notarize(shown.block.hash), iteration: iteration)
                out.append((peer, ConsensusMessage.vote(sign(notarize, with: memberSigner)).encoded))
            }
            for member in coalition {
                let memberSigner = keyring.signer(for: member)
                let finalize = VoteStatement(kind: .finalize(shown.block.hash), iteration: iteration)
                out.append((peer, ConsensusMessage.vote(sign(finalize, with: memberSigner)).encoded))
            }
        }
        return out
    }
}
