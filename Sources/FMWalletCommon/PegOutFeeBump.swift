import FMBitcoin
import FMCore

/// The consensus-agreed CPFP child of a stuck peg-out (issue 24 item 9; docs/wallet.md, "Fee bump").
///
/// The wallet module runs these rules after every fee-rate vote and height advance
/// (`WalletServerModule.bumpStuckPegOuts`), from consensus state only.
///
/// Why a child and not a replacement: the stuck transaction's txid is every client's outcome
/// (`WalletOutputOutcome.pegOut(txid)`) and later peg-outs spend its change; replacing it changes both, a child
/// changes neither.
///
/// The package: the unconfirmed peg-outs whose fees the child pays for, ending with the one whose change the child
/// spends (that change must still be unspent in consensus state: once a later peg-out spends it, the later peg-out's
/// change is the one to bump, with the whole chain as its package).
public struct PegOutFeeBump: Hashable, Sendable {
    /// One peg-out of the package, as consensus state records it when the peg-out is built.
    public struct Ancestor: Hashable, Sendable {
        /// The fee the transaction pays (inputs − outputs), sat.
        public let fee: UInt64
        /// Its estimated signed virtual size (``PegOutPlan/estimatedVirtualSize(of:config:)``).
        public let virtualSize: Int
        /// The federation's consensus block height when it was built.
        public let builtAtHeight: UInt64

        public init(fee: UInt64, virtualSize: Int, builtAtHeight: UInt64) {
            self.fee = fee
            self.virtualSize = virtualSize
            self.builtAtHeight = builtAtHeight
        }
    }

    /// Why no child is built.
    public enum Refusal: Error, Hashable, Sendable {
        /// The trigger does not hold (the consensus rate is not far enough above, or not for long enough).
        case notDue
        /// Paying the package's deficit would leave the child's output below the dust limit.
        case changeTooSmall(change: UInt64, fee: UInt64)
        /// The child's fee is more than the federation's fee surplus: bumping would make the audit insolvent.
        case surplusTooSmall(fee: UInt64, surplus: UInt64)
        /// A sum of package values overflows (only from a damaged state; never a trap).
        case overflow
    }

    /// The consensus fee rate must be at least the package's rate × (100 + this) / 100.
    public static let marginPercent: UInt64 = 25
    /// … and the newest ancestor built at least the finality delay + this many heights before the height passed in,
    /// which the module takes as the lower of the consensus height and the height t guardians scanned for
    /// confirmations (`scanned_through`): a peg-out mined in those blocks is agreed confirmed first (docs/wallet.md).
    public static let waitHeights: UInt64 = 3

    /// The child: spends `input` (the package's last change), pays one output back to the federation's address.
    public let transaction: FMBitcoin.Transaction
    public let input: FederationUTXO
    /// The child's output, the federation's new change (what later peg-outs spend).
    public let change: FederationUTXO
    /// What the child pays the miners, sat: the bitcoin the federation spends on the bump.
    public let fee: UInt64

    /// The package's fee rate: Σ fee × 1000 / Σ vsize (sat/kvB, rounded down), as miners select it.
    public static func packageFeeRate(_ package: [Ancestor]) throws(Refusal) -> UInt64 {
        let (fee, size) = try totals(package)
        let (product, overflow) = fee.multipliedReportingOverflow(by: 1000)
        guard !overflow else { throw .overflow }
        return product / UInt64(max(1, size))
    }

    /// Whether every guardian bumps `package` now: only consensus state enters (the consensus fee rate and
    /// height, and what was recorded when each ancestor was built), so all reach the same verdict.
    public static func isDue(
        package: [Ancestor], consensusFeeRate: UInt64, consensusHeight: UInt64, finalityDelay: UInt64
    ) -> Bool {
        guard let newest = package.map(\.builtAtHeight).max(), let rate = try? packageFeeRate(package) else { return false }
        let (threshold, overflow) = rate.multipliedReportingOverflow(by: 100 + marginPercent)
        let (scaled, scaledOverflow) = consensusFeeRate.multipliedReportingOverflow(by: 100)
        guard !overflow, !scaledOverflow else { return false }
        return scaled >= threshold && consensusHeight >= newest && consensusHeight - newest >= waitHeights + finalityDelay
    }

    /// Builds the child deterministically: version 2, the one input with sequence 0xfffffffd, lock time 0, one
    /// output to the federation's untweaked address worth the change minus the fee. The fee lifts the whole
    /// package (ancestors + child) to `rate`: ⌈rate × (Σ vsize + child vsize) / 1000⌉ − Σ fee, and at least the
    /// child's own fee at `rate`.
    public init(
        package: [Ancestor], spending input: FederationUTXO, rate: UInt64, consensusHeight: UInt64, surplus: UInt64,
        config: WalletConsensusConfig
    ) throws(Refusal) {
        guard Self.isDue(
            package: package, consensusFeeRate: rate, consensusHeight: consensusHeight,
            finalityDelay: UInt64(config.finalityDelay))
        else { throw .notDue }
        let draft = Self.child(spending: input, value: input.value, config: config)
        let childSize = PegOutPlan.estimatedVirtualSize(of: draft, config: config)
        let (paid, size) = try Self.totals(package)
        let (packageSize, sizeOverflow) = size.addingReportingOverflow(childSize)
        guard !sizeOverflow, let whole = try? PegOutPlan.fee(rate: rate, virtualSize: packageSize),
            let own = try? PegOutPlan.fee(rate: rate, virtualSize: childSize)
        else { throw .overflow }
        let fee = max(whole > paid ? whole - paid : 0, own)
        guard fee <= surplus else { throw .surplusTooSmall(fee: fee, surplus: surplus) }
        guard input.value >= fee, input.value - fee >= PegOutPlan.dustLimit else {
            throw .changeTooSmall(change: input.value, fee: fee)
        }
        transaction = Self.child(spending: input, value: input.value - fee, config: config)
        self.input = input
        self.fee = fee
        change = FederationUTXO(
            outPoint: FMBitcoin.OutPoint(txid: transaction.txid, index: 0), value: input.value - fee, tweakKey: nil)
    }

    /// The bump reserve makes a bump to this multiple of a peg-out's own fee rate affordable from its own charge.
    public static let reserveRateMultiple: UInt64 = 2

    /// The bump reserve a peg-out pays into the fee surplus, sat (issue 24 item 9 (a); docs/wallet.md, "Fee bump"):
    /// its fee plus the fee of a one-input child at twice its rate. A child lifting the package (the peg-out, vsize
    /// V, fee ≥ rate × V) to R ≤ 2 × rate costs at most R × (V + child) − fee ≤ fee + 2 × rate × child, so the
    /// peg-out funds its own bump up to twice its rate; bumps of peg-outs whose charge did not cover them draw on
    /// the pooled surplus. Computed from the request alone, so the client knows it before it pays.
    public static func reserve(fee: UInt64, feeRate: UInt64, config: WalletConsensusConfig) throws(WalletError) -> UInt64 {
        let (rate, overflow) = feeRate.multipliedReportingOverflow(by: reserveRateMultiple)
        guard !overflow else { throw .outOfRange(field: "fee_rate", value: "\(feeRate)", maximum: "\(PegOut.maximumFeeRate)") }
        let draft = child(spending: FederationUTXO(outPoint: FMBitcoin.OutPoint(txid: .zero, index: 0), value: 0, tweakKey: nil), value: 0, config: config)
        let own = try PegOutPlan.fee(rate: rate, virtualSize: PegOutPlan.estimatedVirtualSize(of: draft, config: config))
        return try PegOutPlan.sum(fee, own, "bump reserve")
    }

    private static func child(spending input: FederationUTXO, value: UInt64, config: WalletConsensusConfig) -> FMBitcoin.Transaction {
        FMBitcoin.Transaction(
            version: 2, inputs: [TxIn(previousOutput: input.outPoint)],
            outputs: [TxOut(value: value, scriptPubKey: config.descriptor.scriptPubKey)], lockTime: 0)
    }

    private static func totals(_ package: [Ancestor]) throws(Refusal) -> (fee: UInt64, size: Int) {
        var fee: UInt64 = 0
        var size = 0
        for ancestor in package {
            let (newFee, feeOverflow) = fee.addingReportingOverflow(ancestor.fee)
            let (newSize, sizeOverflow) = size.addingReportingOverflow(max(0, ancestor.virtualSize))
            guard !feeOverflow, !sizeOverflow else { throw .overflow }
            (fee, size) = (newFee, newSize)
        }
        return (fee, size)
    }
}

extension PegOut {
    /// The e-cash fee of this peg-out, beyond its amount and network fee: the federation's peg-out fee plus the bump
    /// reserve (``PegOutFeeBump/reserve(fee:feeRate:config:)``), both into the fee surplus. The guardians charge it
    /// as the output's fee and the client pays it.
    public func federationFee(config: WalletConsensusConfig) throws(WalletError) -> Amount {
        let reserve = try PegOutFeeBump.reserve(fee: fee, feeRate: feeRate, config: config)
        do { return try config.fees.pegOut.adding(Amount.sats(reserve)) } catch {
            throw .outOfRange(field: "fee", value: "\(fee) sat", maximum: "\(PegOut.maximumAmount) sat")
        }
    }
}
