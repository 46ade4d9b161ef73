import FMCore

// The idle back-off. A leader with nothing to propose waits before proposing an empty block; after k empty
// blocks in a row it waits `idleProposalDelay` × 2^k, at most `maxIdleProposalDelay`. The wait is computed
// from the notarized chain the iteration extends, which the leader and its voters share, and every guardian
// lengthens its iteration timer by the same amount, so voters do not time out (⊥) on a leader that is only
// backing off. An item submitted to any guardian ends the back-off: that guardian broadcasts `.wake`, and for
// the next 2n iterations every guardian that heard it uses the short delay and the normal timeout again.
extension ConsensusEngine {
    /// Empty blocks beyond this many in a row do not lengthen the wait further (2^32 × any delay exceeds any bound).
    static let maxIdleStreak: UInt64 = 32

    /// Arms the timer of the current iteration: `iterationTimeout`, plus the back-off beyond the normal idle
    /// delay that this iteration's leader may wait before proposing.
    mutating func armIterationTimer() {
        let base = configuration.idleProposalDelay
        if let parent = chainTip(endingAt: iteration - 1) {
            backoffDelay = idleDelay(afterEmptyBlocks: emptyStreak(endingAt: parent))
        } else {
            backoffDelay = base
        }
        iterationIdleDelay = iteration <= awakeUntil ? base : backoffDelay
        // Items of this guardian wait for its turn: no leader before it may back off.
        if pool.count > 0, backoffDelay > base { broadcast(.wake(iteration: iteration)) }
        output.append(.setTimer(.iteration(iteration), after: iterationTimer))
        openBatchWindowIfLoaded()
    }

    /// The iteration timer for the current iteration's idle delay.
    var iterationTimer: Duration {
        let extra = iterationIdleDelay - configuration.idleProposalDelay
        return configuration.iterationTimeout + (extra > .zero ? extra : .zero)
    }

    /// The leader's wait after `streak` empty blocks: the idle delay doubled per empty block, within the bound.
    func idleDelay(afterEmptyBlocks streak: UInt64) -> Duration {
        let base = configuration.idleProposalDelay
        let bound = configuration.maxIdleProposalDelay
        guard bound > base else { return base }
        var delay = base
        for _ in 0..<streak {
            delay = delay * 2
            if delay >= bound { return bound }
        }
        return delay
    }

    /// How many blocks in a row end the chain at `tip` without items (at most ``maxIdleStreak``): the
    /// unfinalized notarized blocks first, then the finalized ones.
    func emptyStreak(endingAt tip: ChainTip) -> UInt64 {
        var streak: UInt64 = 0
        var cursor = tip.hash
        while cursor != finalizedTip.hash {
            guard let k = notarizedIndex[cursor], let block = rounds[k]?.notarized?.block, block.items.isEmpty else {
                return streak
            }
            streak += 1
            cursor = block.header.parentHash
        }
        return min(streak + finalizedEmptyStreak, Self.maxIdleStreak)
    }

    /// Counts a newly finalized block in the run of empty blocks at the finalized tip, and keeps its item count.
    mutating func noteFinalized(_ block: FinalizedBlock) {
        finalizedEmptyStreak = block.items.isEmpty ? min(finalizedEmptyStreak + 1, Self.maxIdleStreak) : 0
        finalizedTipItemCount = block.items.count
    }

    /// This guardian holds items, or heard that another does: no back-off for the next 2n iterations, and the
    /// current iteration's leader (if waiting) proposes at once and its voters' timer returns to normal.
    mutating func stayAwake() {
        awakeUntil = max(awakeUntil, iteration + 2 * UInt64(configuration.n))
        guard iterationIdleDelay > configuration.idleProposalDelay else { return }
        iterationIdleDelay = configuration.idleProposalDelay
        if waitingForItems { idleProposalDue = true }
        if !skipVote { output.append(.setTimer(.iteration(iteration), after: iterationTimer)) }
    }

    /// An item entered this guardian's pool: wake every guardian if the federation is backing off.
    mutating func wakeForSubmittedItem() {
        if backoffDelay > configuration.idleProposalDelay { broadcast(.wake(iteration: iteration)) }
        stayAwake()
    }

    /// Another guardian holds items. Wakes from iterations far from the current one are ignored.
    mutating func receiveWake(iteration woken: UInt64) -> MessageRejection? {
        let window = configuration.limits.iterationWindow
        guard woken <= iteration + window, woken >= (iteration > window ? iteration - window : 0) else {
            return .outsideWindow(iteration: woken)
        }
        stayAwake()
        return nil
    }
}
