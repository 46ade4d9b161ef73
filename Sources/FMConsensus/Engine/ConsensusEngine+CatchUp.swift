import FMCore

// Repairing what the network lost: periodic status and retransmission, certificate sync for
// peers in earlier iterations, and finalized-block catch-up with certificate verification.
extension ConsensusEngine {
    /// Every `retransmitInterval`: announce where this guardian stands and re-send its votes of
    /// the current iteration (messages may have been lost before the network stabilized).
    mutating func retransmit() {
        epoch += 1
        output.append(.setTimer(.retransmit, after: configuration.retransmitInterval))
        if let request = catchUp.request, request.epoch + 1 < epoch {
            // No answer within a full period: a strike, and someone else may be asked.
            catchUp.request = nil
            catchUp.penalize(request.peer, at: epoch)
        }
        requestBlocksIfBehind()
        broadcast(.status(ConsensusStatus(iteration: iteration, finalizedCount: finalizedTip.count)))
        // A wake may have been lost: repeat it while this guardian's items wait on a backed-off federation.
        if pool.count > 0, backoffDelay > configuration.idleProposalDelay { broadcast(.wake(iteration: iteration)) }
        guard let state = rounds[iteration] else { return }
        if let proposal = state.proposal, proposal.block.header.proposer == configuration.ownID {
            broadcast(.proposal(proposal))
        } else if let own = state.notarizeVotes[configuration.ownID] {
            broadcast(.vote(own))
        }
        if let own = state.skipVotes[configuration.ownID] { broadcast(.vote(own)) }
        if let finalize = lastFinalizeVote, finalize.iteration > finalizedTip.iteration {
            broadcast(.vote(finalize))
        }
    }

    /// A peer's status: fetch finalized blocks it has and this guardian lacks; send it the
    /// certificates of unfinalized iterations it may lack (at most once per period per peer).
    mutating func receiveStatus(_ status: ConsensusStatus, from peer: PeerID) -> MessageRejection? {
        catchUp.claims[peer] = status.finalizedCount
        requestBlocksIfBehind()
        guard status.iteration <= iteration, statusServedEpoch[peer] != epoch else { return nil }
        statusServedEpoch[peer] = epoch
        let window = configuration.limits.iterationWindow
        let first = max(finalizedTip.iteration + 1, status.iteration > window ? status.iteration - window : 0)
        var sent: UInt64 = 0
        for k in rounds.keys.sorted() where k >= first && k <= iteration && sent < 2 * window {
            guard let state = rounds[k] else { continue }
            if let notarized = state.notarized {
                send(.notarization(notarized), to: peer)
                sent += 1
            }
            if let skip = state.skipCertificate {
                send(.skipCertificate(skip), to: peer)
                sent += 1
            }
        }
        return nil
    }

    /// Asks one peer that claims to be ahead for the next blocks, unless a request is outstanding.
    /// The peer is drawn at random among those not backed off (``CatchUpState``).
    mutating func requestBlocksIfBehind() {
        guard catchUp.request == nil, let peer = catchUp.choosePeer(ahead: finalizedTip.count, at: epoch) else { return }
        requestBlocks(from: peer)
    }

    private mutating func requestBlocks(from peer: PeerID) {
        catchUp.request = (peer, epoch, catchUp.claims[peer] ?? 0)
        catchUp.askedEpoch[peer] = epoch
        send(.blockRequest(fromHeight: finalizedTip.count), to: peer)
    }

    /// Blocks are served by the host from its store (the engine keeps no history), once per
    /// period per peer.
    mutating func receiveBlockRequest(fromHeight height: UInt64, from peer: PeerID) -> MessageRejection? {
        guard height < finalizedTip.count, blocksServedEpoch[peer] != epoch else { return nil }
        blocksServedEpoch[peer] = epoch
        output.append(.serveBlocks(to: peer, fromHeight: height, maxCount: configuration.limits.catchUpBatch))
        return nil
    }

    /// Accepts served finalized blocks that continue this guardian's chain and whose
    /// certificates verify; blocks after the last finalization certificate wait for more.
    ///
    /// An answer that leaves this guardian short of both a full batch and the count the peer
    /// claimed (empty, stale, unproven, invalid or trickling) is a strike against the peer, and
    /// another peer is drawn at once. After a full batch the next request waits for the next
    /// period (the server answers once per period).
    mutating func receiveBlocks(_ blocks: [FinalizedBlock], from peer: PeerID) -> MessageRejection? {
        guard let request = catchUp.request, request.peer == peer else { return .unsolicited }
        catchUp.request = nil
        let firstNew = blocks.firstIndex { $0.header.height >= finalizedTip.count } ?? blocks.endIndex
        let fresh = Array(blocks[firstNew...])
        var provenFinal = 0
        var rejection: MessageRejection?
        do {
            provenFinal = try ConsensusHistory.verify(
                fresh, after: finalizedTip, peers: configuration.peers, quorum: configuration.quorum,
                domain: configuration.domain, verifier: verifier)
        } catch {
            rejection = .invalidHistory(error.description)
        }
        for block in fresh.prefix(provenFinal) { accept(block) }
        let limits = configuration.limits
        let answerBytes = blocks.reduce(0) { $0 + $1.canonicalBytes.count }
        let fullBatch = blocks.count >= limits.catchUpBatch
            || answerBytes + limits.maxBlockBytes + (64 << 10) >= limits.catchUpAnswerBytes
        let reachedClaim = finalizedTip.count >= request.claimed
        if rejection == nil, provenFinal > 0, fullBatch || reachedClaim {
            catchUp.forgive(peer)
        } else {
            catchUp.penalize(peer, at: epoch)
            requestBlocksIfBehind()
        }
        return rejection
    }
}
