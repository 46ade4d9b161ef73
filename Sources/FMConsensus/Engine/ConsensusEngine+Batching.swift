import FMCore

// Batching under load. Every block costs each guardian the same whatever it carries: the leader's proposal, three
// signed votes from everyone, their checks, a durable checkpoint and the block's durable commit. A leader proposes as
// soon as it holds an item, so while clients keep items coming, blocks carry one or two items each and that cost is
// paid per item. A leader whose iteration follows one that notarized a block of more than one item (items arrived
// faster than blocks) proposes no earlier than `batchWindow` after its iteration began, unless its block is full,
// and its block carries everything that arrived meanwhile. A lone client's next transaction comes only after its
// previous one was finalized, and each guardian's own items (its state digest reports) go one per block, so neither
// makes a block of two: they are proposed at once and their latency is unchanged. A lone guardian never waits: its blocks need no votes from others, so they cost
// little, and waiting only left it idle (docs/benchmarks/ecash-vs-cashu.md). The window only delays a proposal
// (local timing: liveness, never safety); it is at most a quarter of the voters' iteration timeout, and a ⊥ iteration
// never opens it, so it cannot turn a slow federation into one that times out.
extension ConsensusEngine {
    /// The window this guardian uses: the configured one, at most a quarter of the iteration timeout (a window near
    /// the timeout would have voters time out on every loaded leader).
    var effectiveBatchWindow: Duration { min(configuration.batchWindow, configuration.iterationTimeout / 4) }

    /// Arms the batch window for the current iteration if this guardian leads it, the federation has more than one
    /// guardian, and the previous iteration notarized a block of more than one item. A ⊥ iteration just before
    /// never opens it, so the window can never stretch a run of timeouts.
    mutating func openBatchWindowIfLoaded() {
        let window = effectiveBatchWindow
        guard window > .zero, configuration.n > 1, iteration > 0, configuration.leader(of: iteration) == configuration.ownID,
            let previousItems = itemCount(ofIteration: iteration - 1), previousItems > 1
        else { return }
        batchWindowOpen = true
        output.append(.setTimer(.batchWindow(iteration), after: window))
    }

    /// How many items the block notarized in iteration `k` carried, or nil if this guardian holds none for it (a ⊥
    /// iteration, or one not seen).
    mutating func itemCount(ofIteration k: UInt64) -> Int? {
        if k == finalizedTip.iteration { return finalizedTipItemCount }
        guard k > finalizedTip.iteration else { return nil }
        return validNotarized(in: k)?.block.items.count
    }

    /// Whether a block of `chosen` leaves items of the pool out (by count or by bytes): then waiting gains nothing.
    func blockIsFull(_ chosen: [(Hash256, [UInt8])], excluding excluded: Set<Hash256>) -> Bool {
        guard chosen.count < configuration.limits.maxItemsPerBlock else { return true }
        return pool.oldest(maxCount: chosen.count + 1, maxBytes: .max / 2, excluding: excluded).count > chosen.count
    }
}
