import FMCore

// Batching under load. Every block costs each guardian the same whatever it carries: the leader's proposal, three
// signed votes from everyone, their checks, a durable checkpoint and the block's durable commit. A leader proposes as
// soon as it holds an item, so while clients keep items coming, blocks carry one or two items each and that cost is
// paid per item. A leader whose iteration extends a block of more than one item (items arrived faster than blocks)
// proposes no earlier than `batchWindow` after its iteration began, and its block carries everything that arrived
// meanwhile. A lone client's next transaction comes only after its previous one was finalized, and each guardian's
// own items (its state digest reports) go one per block, so neither makes a block of two: they are proposed at once
// and their latency is unchanged. A lone guardian never waits: its blocks need no votes from others, so they cost
// little, and waiting only left it idle (docs/benchmarks/ecash-vs-cashu.md). The window only delays a proposal
// (local timing: liveness, never safety), and voters' timers are far longer.
extension ConsensusEngine {
    /// Arms the batch window for the current iteration if this guardian leads it and the block it extends carried
    /// more than one item.
    mutating func openBatchWindowIfLoaded() {
        let window = configuration.batchWindow
        guard window > .zero, configuration.n > 1, iteration > 0, configuration.leader(of: iteration) == configuration.ownID,
            let parentItems = itemCount(ofChainEndingAt: iteration - 1), parentItems > 1
        else { return }
        batchWindowOpen = true
        output.append(.setTimer(.batchWindow(iteration), after: window))
    }

    /// How many items the last block of the notarized chain of length `length` carried (skipped iterations pass
    /// through to the block before them), or nil if this guardian has not seen that chain.
    mutating func itemCount(ofChainEndingAt length: UInt64) -> Int? {
        var k = length
        while k > finalizedTip.iteration {
            if let block = validNotarized(in: k) { return block.block.items.count }
            guard rounds[k]?.skipCertificate != nil else { return nil }
            k -= 1
        }
        return k == finalizedTip.iteration ? finalizedTipItemCount : nil
    }
}
