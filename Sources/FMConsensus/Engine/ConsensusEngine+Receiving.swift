import FMCore
import FMEncoding

// Validation and bookkeeping of messages from peers. Nothing here trusts the sender: every vote
// and certificate is checked against the guardians' keys, and state grows only within bounds.
extension ConsensusEngine {
    mutating func receive(_ bytes: [UInt8], from peer: PeerID) {
        guard peer != configuration.ownID, configuration.peers.contains(peer) else {
            output.append(.rejected(from: peer, .unknownSender))
            return
        }
        let message: ConsensusMessage
        do {
            message = try ConsensusMessage(decoding: bytes)
        } catch {
            output.append(.rejected(from: peer, .undecodable(error.description)))
            return
        }
        let rejection: MessageRejection?
        switch message {
        case .proposal(let proposal): rejection = receiveProposal(proposal)
        case .vote(let vote): rejection = receiveVote(vote)
        case .notarization(let notarized): rejection = receiveNotarization(notarized)
        case .skipCertificate(let certificate): rejection = receiveSkipCertificate(certificate)
        case .status(let status): rejection = receiveStatus(status, from: peer)
        case .blockRequest(let height): rejection = receiveBlockRequest(fromHeight: height, from: peer)
        case .blockResponse(let blocks): rejection = receiveBlocks(blocks, from: peer)
        case .wake(let woken): rejection = receiveWake(iteration: woken)
        case .unknown(let variant, _): rejection = .unknownVariant(variant)
        }
        if let rejection { output.append(.rejected(from: peer, rejection)) }
    }

    /// Accepts iterations after the finalized tip and at most `iterationWindow` ahead.
    func isInWindow(_ candidate: UInt64) -> Bool {
        candidate > finalizedTip.iteration && candidate <= iteration + configuration.limits.iterationWindow
    }

    /// Checks a block's shape against the limits and the leader schedule.
    func blockProblem(_ block: Block) -> String? {
        let limits = configuration.limits
        let header = block.header
        if header.proposer != configuration.leader(of: header.iteration) { return "proposer is not the leader" }
        if block.items.count > limits.maxItemsPerBlock { return "\(block.items.count) items exceed the limit" }
        var bytes = 0
        for item in block.items {
            if item.count > limits.maxItemBytes { return "item of \(item.count) bytes exceeds the limit" }
            bytes += item.count
        }
        if bytes > limits.maxBlockBytes { return "\(bytes) bytes of items exceed the limit" }
        if !block.itemsMatchHeader { return "items do not match the items hash" }
        return nil
    }

    private mutating func receiveProposal(_ proposal: Proposal) -> MessageRejection? {
        let header = proposal.block.header
        guard isInWindow(header.iteration) else { return .outsideWindow(iteration: header.iteration) }
        guard header.proposer == configuration.leader(of: header.iteration) else {
            return .notLeader(iteration: header.iteration)
        }
        if let existing = rounds[header.iteration]?.proposal {
            return existing.block == proposal.block ? nil : .equivocation(iteration: header.iteration)
        }
        if let problem = blockProblem(proposal.block) { return .invalidBlock(problem) }
        let vote = proposal.leaderVote
        guard isValid(vote) else { return .invalidSignature }
        if let earlier = rounds[header.iteration]?.notarizeVotes[vote.voter], earlier.statement != vote.statement {
            return .equivocation(iteration: header.iteration)
        }
        rounds[header.iteration, default: IterationState()].proposal = proposal
        rounds[header.iteration]?.remember(proposal.block)
        record(vote)
        assembleCertificates(in: header.iteration)  // votes may have arrived before the body
        return nil
    }

    private mutating func receiveVote(_ vote: Vote) -> MessageRejection? {
        guard isInWindow(vote.iteration) else { return .outsideWindow(iteration: vote.iteration) }
        guard configuration.peers.contains(vote.voter) else { return .unknownSender }
        let state = rounds[vote.iteration]
        let earlier: Vote? =
            switch vote.statement.kind {
            case .notarize: state?.notarizeVotes[vote.voter]
            case .skip: state?.skipVotes[vote.voter]
            case .finalize: state?.finalizeVotes[vote.voter]
            }
        // The same statement again (a retransmission, perhaps re-signed after a restart) is a
        // duplicate; a different one is equivocation. Either way the first vote stands.
        if let earlier { return earlier.statement == vote.statement ? nil : .equivocation(iteration: vote.iteration) }
        guard isValid(vote) else { return .invalidSignature }
        record(vote)
        return nil
    }

    /// Stores a verified vote (the first of its kind per voter and iteration) and assembles the
    /// certificate it may complete.
    mutating func record(_ vote: Vote) {
        let k = vote.iteration
        var state = rounds[k] ?? IterationState()
        switch vote.statement.kind {
        case .notarize:
            guard state.notarizeVotes[vote.voter] == nil else { return }
            state.notarizeVotes[vote.voter] = vote
        case .skip:
            guard state.skipVotes[vote.voter] == nil else { return }
            state.skipVotes[vote.voter] = vote
        case .finalize:
            guard state.finalizeVotes[vote.voter] == nil else { return }
            state.finalizeVotes[vote.voter] = vote
        }
        rounds[k] = state
        assembleCertificates(in: k)
    }

    /// Turns t matching votes into certificates: notarization (needs the block body), ⊥
    /// notarization and finalization.
    mutating func assembleCertificates(in k: UInt64) {
        guard var state = rounds[k] else { return }
        let quorum = configuration.quorum
        if state.notarized == nil, let (hash, votes) = quorumOf(state.notarizeVotes), let block = state.bodies[hash] {
            let notarized = NotarizedBlock(block: block, notarization: certificate(from: votes))
            state.notarized = notarized
            rounds[k] = state
            notarizedIndex[hash] = k
            broadcast(.notarization(notarized))  // Simplex: forward the notarized block.
        }
        if state.skipCertificate == nil, state.skipVotes.count >= quorum {
            let skip = certificate(from: Array(state.skipVotes.values))
            state.skipCertificate = skip
            rounds[k] = state
            broadcast(.skipCertificate(skip))
        }
        if state.finalization == nil, let (_, votes) = quorumOf(state.finalizeVotes) {
            state.finalization = certificate(from: votes)
            rounds[k] = state
        }
    }

    /// The block hash that at least t of these votes name, with those votes (deterministic:
    /// guardians are scanned in configuration order).
    private func quorumOf(_ votes: [PeerID: Vote]) -> (Hash256, [Vote])? {
        guard votes.count >= configuration.quorum else { return nil }
        var byHash: [Hash256: [Vote]] = [:]
        for peer in configuration.peers {
            guard let vote = votes[peer], let hash = vote.statement.kind.blockHash else { continue }
            byHash[hash, default: []].append(vote)
            if byHash[hash]!.count >= configuration.quorum { return (hash, byHash[hash]!) }
        }
        return nil
    }

    /// A certificate of exactly t of the given votes (same statement), lowest guardian ids first.
    private func certificate(from votes: [Vote]) -> QuorumCertificate {
        let chosen = votes.sorted { $0.voter < $1.voter }.prefix(configuration.quorum)
        return QuorumCertificate(statement: chosen[chosen.startIndex].statement, signatures: chosen.map(\.signature))
    }

    private mutating func receiveNotarization(_ notarized: NotarizedBlock) -> MessageRejection? {
        let k = notarized.block.header.iteration
        guard isInWindow(k) else { return .outsideWindow(iteration: k) }
        if rounds[k]?.notarized != nil { return nil }
        if let problem = blockProblem(notarized.block) { return .invalidBlock(problem) }
        do {
            try notarized.verify(
                peers: configuration.peers, quorum: configuration.quorum, domain: configuration.domain, verifier: verifier)
        } catch {
            return .invalidCertificate(error.description)
        }
        var state = rounds[k] ?? IterationState()
        state.bodies[notarized.block.hash] = notarized.block
        state.notarized = notarized
        rounds[k] = state
        notarizedIndex[notarized.block.hash] = k
        broadcast(.notarization(notarized))
        return nil
    }

    private mutating func receiveSkipCertificate(_ certificate: QuorumCertificate) -> MessageRejection? {
        let k = certificate.statement.iteration
        guard certificate.statement.kind == .skip else { return .invalidCertificate("not a skip certificate") }
        guard isInWindow(k) else { return .outsideWindow(iteration: k) }
        if rounds[k]?.skipCertificate != nil { return nil }
        do {
            try certificate.verify(
                peers: configuration.peers, quorum: configuration.quorum, domain: configuration.domain, verifier: verifier)
        } catch {
            return .invalidCertificate(error.description)
        }
        rounds[k, default: IterationState()].skipCertificate = certificate
        broadcast(.skipCertificate(certificate))
        return nil
    }
}
