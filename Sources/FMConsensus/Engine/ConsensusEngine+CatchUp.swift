import FMCore

// Repairing what the network lost: periodic status and retransmission, certificate sync for
// peers in earlier iterations, and finalized-block catch-up with certificate verification.
extension ConsensusEngine {
    /// Every `retransmitInterval`: announce where this guardian stands and re-send its votes of
    /// the current iteration (messages may have been lost before the network stabilized).
    mutating func retransmit() {
        epoch += 1
        output.append(.setTimer(.retransmit, after: configuration.retransmitInterval))
        if let request = catchUpRequest, request.epoch + 1 < epoch {
            // No answer within a full period: ask someone else next time.
            catchUpRequest = nil
            distrustForCatchUp(request.peer)
        }
        broadcast(.status(ConsensusStatus(iteration: iteration, finalizedCount: finalizedTip.count)))
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
        if status.finalizedCount > finalizedTip.count, catchUpRequest == nil, !isDistrustedForCatchUp(peer) {
            requestBlocks(from: peer)
        }
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

    /// A peer whose catch-up answer was missing, invalid or useless is not asked for the next
    /// two periods, so a lying peer cannot monopolize catch-up (nor be shut out forever).
    private mutating func distrustForCatchUp(_ peer: PeerID) {
        unhelpfulPeer = (peer, epoch + 2)
    }

    private func isDistrustedForCatchUp(_ peer: PeerID) -> Bool {
        guard let unhelpfulPeer else { return false }
        return unhelpfulPeer.peer == peer && epoch < unhelpfulPeer.untilEpoch
    }

    mutating func requestBlocks(from peer: PeerID) {
        catchUpRequest = (peer, epoch)
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
    mutating func receiveBlocks(_ blocks: [FinalizedBlock], from peer: PeerID) -> MessageRejection? {
        guard let request = catchUpRequest, request.peer == peer else { return .unsolicited }
        catchUpRequest = nil
        let firstNew = blocks.firstIndex { $0.header.height >= finalizedTip.count } ?? blocks.endIndex
        let fresh = Array(blocks[firstNew...])
        guard !fresh.isEmpty else { return nil }
        let provenFinal: Int
        do {
            provenFinal = try ConsensusHistory.verify(
                fresh, after: finalizedTip, peers: configuration.peers, quorum: configuration.quorum,
                verifier: verifier)
        } catch {
            distrustForCatchUp(peer)
            return .invalidHistory(error.description)
        }
        if provenFinal == 0 { distrustForCatchUp(peer) }
        for block in fresh.prefix(provenFinal) { accept(block) }
        if provenFinal > 0, blocks.count >= configuration.limits.catchUpBatch {
            requestBlocks(from: peer)  // there may be more
        }
        return nil
    }
}
