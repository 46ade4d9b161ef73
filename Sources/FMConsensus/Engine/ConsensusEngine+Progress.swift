import FMCore

// The Simplex rules that move the protocol forward: proposing, voting, advancing to the next
// iteration on a notarized chain, and finalizing.
extension ConsensusEngine {
    /// Applies the protocol rules until none applies any more.
    mutating func makeProgress() {
        var progressed = true
        while progressed {
            progressed = false
            if advanceIfChainComplete() { progressed = true }
            if finalizeIfCertified() { progressed = true }
            if proposeIfLeader() { progressed = true }
            if voteForProposal() { progressed = true }
        }
    }

    // MARK: Iterations

    /// Simplex: upon seeing a notarized blockchain of length h while in iteration h, send
    /// ⟨finalize, h⟩ unless the timer of h fired, and enter iteration h + 1.
    private mutating func advanceIfChainComplete() -> Bool {
        guard chainTip(endingAt: iteration) != nil else { return false }
        let finished = iteration
        let finalizeTarget = skipVote ? nil : validNotarized(in: finished)
        enterIteration(finished + 1)
        if let block = finalizeTarget {
            castVote(.finalize(block.block.hash), iteration: finished)
        }
        return true
    }

    /// Enters an iteration: fresh votes, a fresh timer.
    mutating func enterIteration(_ next: UInt64) {
        if iteration > 0 {
            output.append(.cancelTimer(.iteration(iteration)))
            if waitingForItems { output.append(.cancelTimer(.idleProposal(iteration))) }
            if batchWindowOpen { output.append(.cancelTimer(.batchWindow(iteration))) }
        }
        iteration = next
        notarizeVote = nil
        skipVote = false
        idleProposalDue = false
        waitingForItems = false
        batchWindowOpen = false
        armIterationTimer()
    }

    // MARK: Notarized chains

    /// The end of a notarized chain of length `length` (every iteration 1…length holds a
    /// notarized block or ⊥), or `nil` if this guardian has not seen one.
    mutating func chainTip(endingAt length: UInt64) -> ChainTip? {
        var k = length
        while k > finalizedTip.iteration {
            if let block = validNotarized(in: k) { return ChainTip(after: block.block.header) }
            guard rounds[k]?.skipCertificate != nil else { return nil }
            k -= 1
        }
        return k == finalizedTip.iteration ? finalizedTip : nil
    }

    /// The notarized block of an iteration, if its whole chain down to the finalized tip is
    /// notarized (memoized: certificates are never withdrawn).
    mutating func validNotarized(in iteration: UInt64) -> NotarizedBlock? {
        guard let state = rounds[iteration], let notarized = state.notarized else { return nil }
        if state.notarizedChainIsValid { return notarized }
        let header = notarized.block.header
        guard extendsNotarizedChain(parentHash: header.parentHash, height: header.height, iteration: iteration) else {
            return nil
        }
        rounds[iteration]?.notarizedChainIsValid = true
        return notarized
    }

    /// Whether a block with this parent, height and iteration extends a notarized chain: the
    /// parent is the finalized tip or a validly notarized block, and every iteration in between
    /// has a notarized ⊥.
    mutating func extendsNotarizedChain(parentHash: Hash256, height: UInt64, iteration: UInt64) -> Bool {
        let parentIteration: UInt64
        if parentHash == finalizedTip.hash {
            guard height == finalizedTip.count, iteration > finalizedTip.iteration else { return false }
            parentIteration = finalizedTip.iteration
        } else {
            guard let j = notarizedIndex[parentHash], j < iteration, let parent = validNotarized(in: j),
                parent.block.header.height + 1 == height
            else { return false }
            parentIteration = j
        }
        var k = parentIteration + 1
        while k < iteration {
            guard rounds[k]?.skipCertificate != nil else { return false }
            k += 1
        }
        return true
    }

    /// The certificates of a notarized chain of length `iteration − 1` after the finalized tip,
    /// ascending (what a restarted guardian needs to keep voting in `iteration`).
    mutating func currentChain() -> [ChainCertificate] {
        var links: [ChainCertificate] = []
        var k = iteration > 0 ? iteration - 1 : 0
        while k > finalizedTip.iteration {
            if let block = validNotarized(in: k) {
                links.append(.notarized(block))
                let parentHash = block.block.header.parentHash
                guard let parentIteration = parentHash == finalizedTip.hash ? finalizedTip.iteration : notarizedIndex[parentHash]
                else { break }
                var between = k - 1
                while between > parentIteration, let skip = rounds[between]?.skipCertificate {
                    links.append(.skipped(skip))
                    between -= 1
                }
                k = parentIteration
            } else if let skip = rounds[k]?.skipCertificate {
                links.append(.skipped(skip))
                k -= 1
            } else {
                break
            }
        }
        return links.reversed()
    }

    /// Hashes of the items in the notarized chain from the finalized tip to `parentHash`.
    func itemHashes(inChainEndingAt parentHash: Hash256) -> Set<Hash256> {
        var hashes = Set<Hash256>()
        var cursor = parentHash
        while cursor != finalizedTip.hash, let j = notarizedIndex[cursor], let block = rounds[j]?.notarized?.block {
            for item in block.items { hashes.insert(ConsensusItem.hash(of: item)) }
            cursor = block.header.parentHash
        }
        return hashes
    }

    // MARK: Proposing and voting

    /// Simplex: the leader of iteration h proposes a block extending a notarized chain of
    /// length h − 1. With nothing to propose it waits up to the iteration's idle delay for items
    /// (`idleProposalDelay`, backed off while the chain ends in empty blocks: ConsensusEngine+Idle.swift).
    private mutating func proposeIfLeader() -> Bool {
        guard configuration.leader(of: iteration) == configuration.ownID, notarizeVote == nil, !skipVote,
            let parent = chainTip(endingAt: iteration - 1), withinOrderingLimit(parent.count)
        else { return false }
        let limits = configuration.limits
        let excluded = itemHashes(inChainEndingAt: parent.hash)
        let chosen = pool.oldest(maxCount: limits.maxItemsPerBlock, maxBytes: limits.maxBlockBytes, excluding: excluded)
        // Under load, items wait for the batch window to close (a full block goes at once).
        if !chosen.isEmpty, batchWindowOpen, !blockIsFull(chosen, excluding: excluded) { return false }
        if chosen.isEmpty, !idleProposalDue, iterationIdleDelay > .zero {
            if !waitingForItems {
                waitingForItems = true
                output.append(.setTimer(.idleProposal(iteration), after: iterationIdleDelay))
            }
            return false
        }
        if waitingForItems {
            waitingForItems = false
            output.append(.cancelTimer(.idleProposal(iteration)))
        }
        let items = chosen.map(\.1)
        let header = BlockHeader(
            height: parent.count, iteration: iteration, proposer: configuration.ownID,
            parentHash: parent.hash, itemsHash: Block.itemsHash(of: items))
        let block = Block(header: header, items: items)
        let hash = header.hash
        let leaderVote = signedVote(VoteStatement(kind: .notarize(hash), iteration: iteration))
        let proposal = Proposal(block: block, signature: leaderVote.signature.signature)
        notarizeVote = hash
        persistIfChanged()
        rounds[iteration, default: IterationState()].proposal = proposal
        rounds[iteration]?.remember(block)
        record(proposal.leaderVote)
        broadcast(.proposal(proposal))
        return true
    }

    /// Simplex: vote for the leader's first proposal of the current iteration if it extends a
    /// notarized chain of length h − 1, unless this guardian already voted (block or ⊥) in h.
    private mutating func voteForProposal() -> Bool {
        guard notarizeVote == nil, !skipVote, let proposal = rounds[iteration]?.proposal else { return false }
        let header = proposal.block.header
        guard withinOrderingLimit(header.height),
            extendsNotarizedChain(parentHash: header.parentHash, height: header.height, iteration: iteration),
            !repeatsItems(proposal.block)
        else { return false }
        castVote(.notarize(header.hash), iteration: iteration)
        return true
    }

    /// Whether a block at `height` may be proposed or voted for (``orderingLimit``).
    private func withinOrderingLimit(_ height: UInt64) -> Bool {
        orderingLimit.map { height <= $0 } ?? true
    }

    /// Whether a block repeats an item of its own chain or a recently finalized one.
    private func repeatsItems(_ block: Block) -> Bool {
        let earlier = itemHashes(inChainEndingAt: block.header.parentHash)
        var inBlock = Set<Hash256>()
        for item in block.items {
            let hash = ConsensusItem.hash(of: item)
            if !inBlock.insert(hash).inserted || earlier.contains(hash) || recentItems.contains(hash) { return true }
        }
        return false
    }

    /// Signs and sends one of this guardian's votes, persisting the checkpoint first.
    mutating func castVote(_ kind: VoteKind, iteration votedIteration: UInt64) {
        let vote = signedVote(VoteStatement(kind: kind, iteration: votedIteration))
        switch kind {
        case .notarize(let hash): notarizeVote = hash
        case .skip: skipVote = true
        case .finalize: lastFinalizeVote = vote
        }
        persistIfChanged()
        record(vote)
        broadcast(.vote(vote))
    }

    // MARK: Finalization

    /// Simplex: upon t ⟨finalize, h⟩ votes for a notarized block b_h, finalize the chain ending
    /// at b_h (its unfinalized ancestors included).
    private mutating func finalizeIfCertified() -> Bool {
        for k in rounds.keys.sorted() where k > finalizedTip.iteration {
            guard let certificate = rounds[k]?.finalization, let block = validNotarized(in: k),
                certificate.statement.kind == .finalize(block.block.hash)
            else { continue }
            finalizeChain(endingAt: block, certificate: certificate)
            return true
        }
        return false
    }

    private mutating func finalizeChain(endingAt last: NotarizedBlock, certificate: QuorumCertificate) {
        var chain = [last]
        var cursor = last.block.header.parentHash
        while cursor != finalizedTip.hash {
            guard let j = notarizedIndex[cursor], let block = rounds[j]?.notarized else {
                preconditionFailure("a valid notarized chain reaches the finalized tip")
            }
            chain.append(block)
            cursor = block.block.header.parentHash
        }
        for block in chain.reversed() {
            let isLast = block.block.hash == last.block.hash
            accept(FinalizedBlock(notarized: block, finalization: isLast ? certificate : nil))
        }
    }

    /// Outputs one finalized block and forgets what it settles.
    mutating func accept(_ finalized: FinalizedBlock) {
        output.append(.finalized(finalized))
        noteFinalized(finalized)
        for item in finalized.items {
            let hash = ConsensusItem.hash(of: item)
            pool.remove(hash)
            recentItems.insert(hash)
        }
        finalizedTip = ChainTip(after: finalized.header)
        for k in rounds.keys where k <= finalizedTip.iteration {
            if let hash = rounds[k]?.notarized?.block.hash { notarizedIndex[hash] = nil }
            rounds[k] = nil
        }
        if iteration <= finalizedTip.iteration { enterIteration(finalizedTip.iteration + 1) }
        // Chain validity was relative to the old tip; recompute lazily.
        for k in rounds.keys { rounds[k]?.notarizedChainIsValid = false }
    }
}
