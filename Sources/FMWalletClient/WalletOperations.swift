import FMBitcoin
import FMBitcoinRPC
import FMClientCore
import FMCore
import FMMintClient
import FMWalletCommon
import Synchronization

/// Peg-in and peg-out for one federation client: the wallet module with the mint module (whose notes the deposits
/// become and the peg-outs spend) and, for peg-ins, the client's own bitcoin node (Fedimint clients read the chain
/// through esplora; fm reads it through the same JSON-RPC subset as the guardians).
public struct WalletOperations: Sendable {
    public let wallet: WalletClientModule
    public let mint: MintClientModule
    public let bitcoin: (any BitcoinRPC)?
    /// Progress lines for the user (fm-pegin prints them on stderr).
    public let progress: @Sendable (String) -> Void
    public let pollInterval: Duration

    public init(
        wallet: WalletClientModule, mint: MintClientModule, bitcoin: (any BitcoinRPC)?,
        pollInterval: Duration = .seconds(1), progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.wallet = wallet
        self.mint = mint
        self.bitcoin = bitcoin
        self.pollInterval = pollInterval
        // Say each distinct progress line once, not once per poll.
        let last = ProgressDeduplicator()
        self.progress = { line in if last.isNew(line) { progress(line) } }
    }

    var executor: OperationExecutor { wallet.context.executor }

    /// A fresh deposit address and the peg-in operation that watches it. With a bitcoin node, the scan for the
    /// deposit starts at the current tip; without one it starts from the tip when the operation is first driven.
    public func newDepositAddress() async throws -> (operation: OperationID, address: SegwitAddress) {
        var tip: UInt64?
        if let bitcoin { tip = UInt64(clamping: try await bitcoin.getBlockCount()) }
        return try await wallet.newDeposit(scanFrom: tip)
    }

    /// Drives the peg-in (or peg-out) operation `id` to its end.
    public func await(_ id: OperationID) async throws -> OperationRecord {
        guard let record = try await executor.log.record(id) else { throw OperationError.unknown(id) }
        switch record.kind {
        case PegIn.kind:
            return try await executor.drive(PegIn.self, id: id, environment: pegInEnvironment)
        case PegOutOperation.kind:
            return try await executor.drive(
                PegOutOperation.self, id: id, environment: PegOutOperation.Environment(wallet: wallet, mint: mint))
        default:
            throw OperationError.unsupportedKind(record.kind)
        }
    }

    /// Claims the deposit made by bitcoin transaction `txid` to one of this client's addresses: finds its peg-in
    /// operation, points it at the transaction and drives it to its end.
    public func claim(txid: FMBitcoin.Hash256) async throws -> OperationRecord {
        guard let bitcoin else { throw WalletClientError.noBitcoinNode }
        let transaction = try await bitcoin.getRawTransaction(txid: txid, blockHash: nil)
        guard let id = try await wallet.depositOperation(paidBy: transaction) else {
            throw WalletClientError.notADeposit(txid: txid.displayHex)
        }
        try await executor.log.database.write { db in
            guard var state = try OperationLog.state(id, as: PegIn.self, in: db),
                state.phase == .waitingForDeposit
            else { return }
            state.txidHint = txid.displayHex
            try OperationLog.replaceState(id, with: state, in: db)
        }
        return try await self.await(id)
    }

    /// Pegs out `amountSats` to `address` at the federation's fee rate (or `feeRate` sat/kvB if higher): asks the
    /// federation for the fee, pays amount + fee + the federation's fee (peg-out fee and bump reserve) with notes,
    /// and returns the operation id.
    public func pegOut(address text: String, amountSats: UInt64, feeRate: UInt64? = nil) async throws -> OperationID {
        guard let address = try? SegwitAddress(text, network: wallet.config.network) else {
            throw WalletClientError.invalidAddress(text, network: wallet.config.network.rawValue)
        }
        let quote = try await wallet.api.settledConsensus(
            "wallet/peg_out_fees", params: PegOutFeeRequest(address: address.string, amountSats: amountSats, feeRate: feeRate),
            as: PegOutFeeQuote.self)
        let pegOut = PegOut(address: address, amount: amountSats, feeRate: quote.feeRate, fee: quote.fee)
        let output = ClientOutput(
            item: ModuleItem(module: wallet.instance, encoding: WalletOutput.pegOut(pegOut)), amount: try pegOut.value,
            fee: try pegOut.federationFee(config: wallet.config))
        let reserve = try PegOutFeeBump.reserve(fee: quote.fee, feeRate: quote.feeRate, config: wallet.config)
        let id = OperationID.random()
        let mintOperation = OperationID(FMCore.Hash256.sha256(id.hash.bytes + Array("fm/wallet/peg-out-funding".utf8)))
        _ = try await mint.fund([output], operation: mintOperation)
        let (transaction, outIndex) = try await mint.fundedOutputIndex(mintOperation)
        try await executor.log.database.write { db in
            try OperationLog.insert(
                PegOutOperation(
                    address: address.string, amountSats: amountSats, feeSats: quote.fee, dustSats: quote.dustSats,
                    bumpReserveSats: reserve, feeRate: quote.feeRate,
                    mintOperation: mintOperation, transaction: transaction, outIndex: outIndex),
                id: id, in: db)
        }
        return id
    }

    var pegInEnvironment: PegIn.Environment {
        PegIn.Environment(wallet: wallet, mint: mint, bitcoin: bitcoin, progress: progress, pollInterval: pollInterval)
    }
}

/// Remembers the last progress line so a polling loop reports changes only.
final class ProgressDeduplicator: Sendable {
    private let last = Mutex<String?>(nil)

    func isNew(_ line: String) -> Bool {
        last.withLock { last in
            defer { last = line }
            return last != line
        }
    }
}
