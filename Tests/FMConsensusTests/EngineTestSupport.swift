import FMConsensus
import FMConsensusSimulation
import FMCore

/// A four-guardian (or n-guardian) federation of scripted engines for rule tests.
struct TestFederation {
    let peers: [PeerID]
    let keyring: SimulatedKeyring
    let federationID: FederationID
    var genesis: Hash256 { federationID.hash }
    var domain: ConsensusDomain { ConsensusDomain(federationID: federationID) }

    /// `name` picks the federation; federations of the same size share the guardians' keys (identity reuse).
    init(n: Int = 4, name: String = "test genesis") {
        peers = (0..<n).map { PeerID(UInt16($0)) }
        federationID = FederationID(Hash256.sha256(Array(name.utf8)))
        keyring = SimulatedKeyring(peers: peers, seed: 42)
    }

    func configuration(for peer: PeerID) -> ConsensusConfiguration {
        ConsensusConfiguration(
            peers: peers, ownID: peer, federationID: federationID, iterationTimeout: .milliseconds(100),
            idleProposalDelay: .milliseconds(10), retransmitInterval: .milliseconds(50), catchUpSeed: 7)
    }

    func engine(_ peer: Int, restoring checkpoint: ConsensusCheckpoint? = nil, tail: [FinalizedBlock] = []) -> ConsensusEngine {
        ConsensusEngine(
            configuration: configuration(for: peers[peer]), signer: keyring.signer(for: peers[peer]),
            verifier: keyring.verifier, restoring: checkpoint, finalizedTail: tail)
    }

    func vote(_ kind: VoteKind, iteration: UInt64, by peer: Int) -> Vote {
        let statement = VoteStatement(kind: kind, iteration: iteration)
        let signer = keyring.signer(for: peers[peer])
        return Vote(statement: statement, signature: PeerSignature(peer: peers[peer], signature: signer.sign(digest: statement.signingDigest(in: domain))))
    }

    func proposal(iteration: UInt64, height: UInt64 = 0, parent: Hash256? = nil, items: [[UInt8]]) -> Proposal {
        let leader = peers[Int(iteration % UInt64(peers.count))]
        let header = BlockHeader(
            height: height, iteration: iteration, proposer: leader, parentHash: parent ?? genesis,
            itemsHash: Block.itemsHash(of: items))
        let statement = VoteStatement(kind: .notarize(header.hash), iteration: iteration)
        return Proposal(block: Block(header: header, items: items), signature: keyring.signer(for: leader).sign(digest: statement.signingDigest(in: domain)))
    }
}

extension ConsensusEngine {
    mutating func receive(_ message: ConsensusMessage, from peer: Int) -> [ConsensusAction] {
        handle(.received(from: PeerID(UInt16(peer)), bytes: message.encoded))
    }
}

extension Array where Element == ConsensusAction {
    var broadcasts: [ConsensusMessage] {
        compactMap { if case .broadcast(let message) = $0 { message } else { nil } }
    }
    var votes: [Vote] {
        broadcasts.compactMap { if case .vote(let vote) = $0 { vote } else { nil } }
    }
    var finalized: [FinalizedBlock] {
        compactMap { if case .finalized(let block) = $0 { block } else { nil } }
    }
    var rejections: [MessageRejection] {
        compactMap { if case .rejected(_, let reason) = $0 { reason } else { nil } }
    }
    var persisted: [ConsensusCheckpoint] {
        compactMap { if case .persist(let checkpoint) = $0 { checkpoint } else { nil } }
    }
    /// Index of the first action matching, for ordering checks.
    func firstIndex(of predicate: (ConsensusAction) -> Bool) -> Int? { firstIndex(where: predicate) }
}
