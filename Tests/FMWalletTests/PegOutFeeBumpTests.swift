import FMBitcoin
import FMWalletCommon
import Testing

/// The pure rules of the CPFP fee bump (issue 24 item 9): when every guardian bumps a stuck peg-out package, and
/// the child they all build.
@Suite struct PegOutFeeBumpTests {
    /// A peg-out of 40,000 sat at 1,000 sat/kvB from one 100,000 sat output, as the federation builds it.
    static func parent(config: WalletConsensusConfig) throws -> (plan: PegOutPlan, ancestor: PegOutFeeBump.Ancestor) {
        let utxos = WalletBoundsTests.utxos(1, value: 100_000)
        let fee = try PegOutPlan.suggestedFee(address: WalletBoundsTests.destination, amount: 40_000, rate: 1_000, config: config)
        let plan = try PegOutPlan(
            pegOut: PegOut(address: WalletBoundsTests.destination, amount: 40_000, feeRate: 1_000, fee: fee), utxos: utxos,
            config: config)
        let ancestor = PegOutFeeBump.Ancestor(
            fee: fee, virtualSize: PegOutPlan.estimatedVirtualSize(of: plan.transaction, config: config), builtAtHeight: 10)
        return (plan, ancestor)
    }

    @Test func triggerNeedsTheMarginAndTheWaitFromConsensusStateOnly() throws {
        let config = try WalletFederation(peers: 4, chain: FakeChain(height: 0)).config
        let (_, ancestor) = try Self.parent(config: config)
        let rate = try PegOutFeeBump.packageFeeRate([ancestor])
        #expect(rate >= 1_000 && rate < 1_010)
        let due = rate * (100 + PegOutFeeBump.marginPercent) / 100 + 1
        let height = 10 + PegOutFeeBump.waitHeights
        #expect(PegOutFeeBump.isDue(package: [ancestor], consensusFeeRate: due, consensusHeight: height, finalityDelay: 0))
        // Below the margin, or too soon after the newest ancestor was built: not due.
        #expect(!PegOutFeeBump.isDue(package: [ancestor], consensusFeeRate: rate * 124 / 100, consensusHeight: height, finalityDelay: 0))
        #expect(!PegOutFeeBump.isDue(package: [ancestor], consensusFeeRate: due, consensusHeight: height - 1, finalityDelay: 0))
        // The wait counts the finality delay too: a confirmation is visible in consensus state only after it.
        #expect(!PegOutFeeBump.isDue(package: [ancestor], consensusFeeRate: due, consensusHeight: height, finalityDelay: 2))
        #expect(PegOutFeeBump.isDue(package: [ancestor], consensusFeeRate: due, consensusHeight: height + 2, finalityDelay: 2))
        // The newest ancestor counts: a package whose last peg-out is recent waits.
        let recent = PegOutFeeBump.Ancestor(fee: ancestor.fee, virtualSize: ancestor.virtualSize, builtAtHeight: height)
        #expect(!PegOutFeeBump.isDue(package: [ancestor, recent], consensusFeeRate: due, consensusHeight: height, finalityDelay: 0))
        // A consensus height below the build height (never in consensus state) and an empty package: never due.
        #expect(!PegOutFeeBump.isDue(package: [ancestor], consensusFeeRate: due, consensusHeight: 5, finalityDelay: 0))
        #expect(!PegOutFeeBump.isDue(package: [], consensusFeeRate: .max, consensusHeight: .max, finalityDelay: 0))
        // Extreme values do not trap.
        let huge = PegOutFeeBump.Ancestor(fee: .max, virtualSize: 1, builtAtHeight: 0)
        #expect(!PegOutFeeBump.isDue(package: [huge, huge], consensusFeeRate: .max, consensusHeight: .max, finalityDelay: 0))
    }

    @Test func childSpendsTheChangeAndLiftsThePackageToTheConsensusRate() throws {
        let config = try WalletFederation(peers: 4, chain: FakeChain(height: 0)).config
        let (plan, ancestor) = try Self.parent(config: config)
        let change = try #require(plan.change)
        let bump = try PegOutFeeBump(
            package: [ancestor], spending: change, rate: 5_000, consensusHeight: 13 + UInt64(config.finalityDelay), surplus: 100_000, config: config)
        #expect(bump.transaction.version == 2 && bump.transaction.lockTime == 0)
        #expect(bump.transaction.inputs.map(\.previousOutput) == [change.outPoint])
        #expect(bump.transaction.inputs[0].sequence == 0xffff_fffd)
        #expect(bump.transaction.outputs == [TxOut(value: change.value - bump.fee, scriptPubKey: config.descriptor.scriptPubKey)])
        #expect(bump.change == FederationUTXO(
            outPoint: FMBitcoin.OutPoint(txid: bump.transaction.txid, index: 0), value: change.value - bump.fee, tweakKey: nil))
        // ⌈5000 × (parent + child vsize) / 1000⌉ − parent fee, exactly.
        let childSize = PegOutPlan.estimatedVirtualSize(of: bump.transaction, config: config)
        let packageSize = UInt64(ancestor.virtualSize + childSize)
        #expect(bump.fee == (5_000 * packageSize + 999) / 1000 - ancestor.fee)
        #expect((ancestor.fee + bump.fee) * 1000 / packageSize >= 5_000)
        // Every guardian builds the very same child.
        let again = try PegOutFeeBump(
            package: [ancestor], spending: change, rate: 5_000, consensusHeight: 13 + UInt64(config.finalityDelay), surplus: 100_000, config: config)
        #expect(again == bump)
    }

    @Test func noBumpWithoutSurplusDustChangeOrTrigger() throws {
        let config = try WalletFederation(peers: 4, chain: FakeChain(height: 0)).config
        let (plan, ancestor) = try Self.parent(config: config)
        let change = try #require(plan.change)
        let fee = try PegOutFeeBump(
            package: [ancestor], spending: change, rate: 5_000, consensusHeight: 13 + UInt64(config.finalityDelay), surplus: .max, config: config
        ).fee
        // The surplus must cover the whole fee: one sat less and the audit would lose it, so no child.
        _ = try PegOutFeeBump(package: [ancestor], spending: change, rate: 5_000, consensusHeight: 13 + UInt64(config.finalityDelay), surplus: fee, config: config)
        #expect(throws: PegOutFeeBump.Refusal.surplusTooSmall(fee: fee, surplus: fee - 1)) {
            try PegOutFeeBump(package: [ancestor], spending: change, rate: 5_000, consensusHeight: 13 + UInt64(config.finalityDelay), surplus: fee - 1, config: config)
        }
        // A change that cannot pay the fee and keep a non-dust output.
        let small = FederationUTXO(outPoint: change.outPoint, value: fee + PegOutPlan.dustLimit - 1, tweakKey: nil)
        #expect(throws: PegOutFeeBump.Refusal.changeTooSmall(change: small.value, fee: fee)) {
            try PegOutFeeBump(package: [ancestor], spending: small, rate: 5_000, consensusHeight: 13 + UInt64(config.finalityDelay), surplus: .max, config: config)
        }
        #expect(throws: PegOutFeeBump.Refusal.notDue) {
            try PegOutFeeBump(package: [ancestor], spending: change, rate: 1_200, consensusHeight: 13 + UInt64(config.finalityDelay), surplus: .max, config: config)
        }
    }
}
