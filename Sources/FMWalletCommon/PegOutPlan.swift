import FMBitcoin
import FMSecp256k1

/// A federation-owned output the wallet can spend: a claimed deposit (tweaked with its deposit's key) or the
/// change of an earlier peg-out (untweaked, `tweakKey == nil`).
public struct FederationUTXO: Hashable, Sendable {
    public let outPoint: FMBitcoin.OutPoint
    public let value: UInt64
    public let tweakKey: PublicKey?

    public init(outPoint: FMBitcoin.OutPoint, value: UInt64, tweakKey: PublicKey?) {
        self.outPoint = outPoint
        self.value = value
        self.tweakKey = tweakKey
    }

    /// The descriptor whose witness script spends this output.
    public func descriptor(config: WalletConsensusConfig) throws -> MultisigDescriptor {
        guard let tweakKey else { return config.descriptor }
        return try config.depositDescriptor(tweakKey: tweakKey)
    }
}

/// The unsigned bitcoin transaction of a peg-out, built deterministically from the federation's UTXO set so
/// that every guardian builds the very same one (BRIEF §8).
///
/// Rules: spendable outputs are taken largest value first (ties: ascending outpoint) until they cover
/// amount + fee; inputs in that order, sequence 0xfffffffd, version 2, lock time 0; outputs: the destination,
/// then the change to the federation's untweaked address unless the change is below ``dustLimit`` (then it is
/// left to the miners). The transaction pays the request's fee (plus dust change, if any); the request is
/// refused when that fee is below its fee rate times the signed transaction's estimated virtual size.
public struct PegOutPlan: Hashable, Sendable {
    public let transaction: FMBitcoin.Transaction
    /// The spent outputs, in input order.
    public let inputs: [FederationUTXO]
    /// The change output back to the federation, if any (output 1).
    public let change: FederationUTXO?

    /// Outputs below this many sat are not created (Bitcoin Core's dust limit for P2WSH is 330 sat).
    public static let dustLimit: UInt64 = 330

    public init(pegOut: PegOut, utxos: [FederationUTXO], config: WalletConsensusConfig) throws(WalletError) {
        guard pegOut.amount >= Self.dustLimit else { throw .amountBelowDust(sats: pegOut.amount, dust: Self.dustLimit) }
        guard pegOut.address.hrp == config.network.bech32HRP else {
            throw .invalidAddress(pegOut.address.string, network: config.network.rawValue)
        }
        let needed = pegOut.amount &+ pegOut.fee
        guard needed >= pegOut.amount else { throw .insufficientFederationFunds(needed: .max, available: 0) }
        let ordered = utxos.sorted { a, b in
            a.value != b.value ? a.value > b.value
                : (a.outPoint.txid, a.outPoint.index) < (b.outPoint.txid, b.outPoint.index)
        }
        var selected: [FederationUTXO] = []
        var total: UInt64 = 0
        for utxo in ordered where total < needed {
            selected.append(utxo)
            total += utxo.value
        }
        guard total >= needed else {
            throw .insufficientFederationFunds(needed: needed, available: ordered.reduce(0) { $0 + $1.value })
        }
        var outputs = [TxOut(value: pegOut.amount, scriptPubKey: pegOut.address.scriptPubKey)]
        let changeValue = total - needed
        if changeValue >= Self.dustLimit {
            outputs.append(TxOut(value: changeValue, scriptPubKey: config.descriptor.scriptPubKey))
        }
        let transaction = FMBitcoin.Transaction(
            version: 2, inputs: selected.map { TxIn(previousOutput: $0.outPoint) }, outputs: outputs, lockTime: 0)
        let size = Self.estimatedVirtualSize(of: transaction, config: config)
        let required = Self.fee(rate: pegOut.feeRate, virtualSize: size)
        guard pegOut.fee >= required else { throw .feeTooLow(offered: pegOut.fee, required: required, inputs: selected.count) }
        self.transaction = transaction
        self.inputs = selected
        change = outputs.count == 2
            ? FederationUTXO(outPoint: FMBitcoin.OutPoint(txid: transaction.txid, index: 1), value: changeValue, tweakKey: nil)
            : nil
    }

    /// ceil(rate × vsize / 1000): the fee in sat at `rate` sat/kvB.
    public static func fee(rate: UInt64, virtualSize: Int) -> UInt64 {
        (rate * UInt64(virtualSize) + 999) / 1000
    }

    /// The virtual size of `transaction` once every input carries a complete `wsh(sortedmulti)` witness, counting
    /// the largest possible DER signatures (73 bytes with the sighash byte).
    public static func estimatedVirtualSize(of transaction: FMBitcoin.Transaction, config: WalletConsensusConfig) -> Int {
        var signed = transaction
        let script = config.descriptor.witnessScript.bytes
        for index in signed.inputs.indices {
            signed.inputs[index].witness = [[]] + Array(repeating: [UInt8](repeating: 0, count: 73), count: config.threshold) + [script]
        }
        return signed.virtualSize
    }

    /// The fee a client should offer for a peg-out to `address` at `rate`, assuming the federation spends one
    /// output and returns change (the usual case; a request that needs more inputs is refused with the fee needed).
    public static func suggestedFee(address: SegwitAddress, amount: UInt64, rate: UInt64, config: WalletConsensusConfig) -> UInt64 {
        let transaction = FMBitcoin.Transaction(
            version: 2, inputs: [TxIn(previousOutput: FMBitcoin.OutPoint(txid: .zero, index: 0))],
            outputs: [TxOut(value: amount, scriptPubKey: address.scriptPubKey),
                      TxOut(value: 0, scriptPubKey: config.descriptor.scriptPubKey)])
        return fee(rate: rate, virtualSize: estimatedVirtualSize(of: transaction, config: config))
    }
}

extension PegOutPlan {
    /// The fee (sat) a peg-out of `amount` to `address` at `rate` needs for the transaction the federation would
    /// build from `utxos` now: the fee for one input, raised until it also pays for the inputs it makes necessary.
    public static func quote(
        address: SegwitAddress, amount: UInt64, rate: UInt64, utxos: [FederationUTXO], config: WalletConsensusConfig
    ) throws(WalletError) -> UInt64 {
        var fee = suggestedFee(address: address, amount: amount, rate: rate, config: config)
        for _ in 0..<64 {
            do {
                _ = try PegOutPlan(pegOut: PegOut(address: address, amount: amount, feeRate: rate, fee: fee), utxos: utxos, config: config)
                return fee
            } catch .feeTooLow(_, let required, _) {
                fee = required
            }
        }
        throw .insufficientFederationFunds(needed: amount + fee, available: utxos.reduce(0) { $0 + $1.value })
    }
}

/// What `wallet/peg_out_fees` answers: the fee rate the federation requires now and the fee a peg-out pays at it.
public struct PegOutFeeQuote: Codable, Hashable, Sendable {
    /// sat/kvB.
    public var feeRate: UInt64
    /// sat.
    public var fee: UInt64

    public init(feeRate: UInt64, fee: UInt64) {
        self.feeRate = feeRate
        self.fee = fee
    }
}

/// The params of `wallet/peg_out_fees`.
public struct PegOutFeeRequest: Codable, Hashable, Sendable {
    public var address: String
    public var amountSats: UInt64
    /// sat/kvB; absent: the federation's consensus fee rate.
    public var feeRate: UInt64?

    public init(address: String, amountSats: UInt64, feeRate: UInt64? = nil) {
        self.address = address
        self.amountSats = amountSats
        self.feeRate = feeRate
    }
}

/// What `wallet/block_height` answers.
public struct WalletBlockHeight: Codable, Hashable, Sendable {
    /// The highest block the federation counts as final (0 before guardians voted).
    public var consensusBlockHeight: UInt64
    public init(consensusBlockHeight: UInt64) { self.consensusBlockHeight = consensusBlockHeight }
}
