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
/// then the change to the federation's untweaked address. The transaction pays exactly the request's fee, so the
/// federation's bitcoin falls by exactly amount + fee, what the e-cash transaction burns. Refused (a rejection,
/// never a trap):
/// - a change between 1 sat and ``dustLimit`` − 1 (it could not be created, and giving it to the miners would take
///   more bitcoin than the notes burned): the request must raise its fee by the change (``WalletError/dustChange``),
///   as ``quote(address:amount:rate:utxos:config:)`` does;
/// - more than ``maximumInputs`` inputs or a signed weight above ``maximumWeight`` (never signed or never relayed);
/// - a fee below the request's fee rate times the signed transaction's estimated virtual size.
public struct PegOutPlan: Hashable, Sendable {
    public let transaction: FMBitcoin.Transaction
    /// The spent outputs, in input order.
    public let inputs: [FederationUTXO]
    /// The change output back to the federation, if any (output 1).
    public let change: FederationUTXO?

    /// The federation's change (P2WSH) below this many sat is not created: ``dustThreshold(of:)`` of its script.
    public static let dustLimit: UInt64 = 330

    /// Bitcoin Core's dust threshold (`GetDustThreshold` at the default `-dustrelayfee` of 3,000 sat/kvB) for an
    /// output paying `scriptPubKey`, a witness program: 3 × (the output's serialized size + 67, the size of the input
    /// that would spend it, witness discounted). 294 sat for P2WPKH, 330 for P2WSH and P2TR, up to 354 for a 40-byte
    /// witness program. An output below it is never relayed, so a peg-out paying less would burn notes for a
    /// transaction that never confirms (and would block every later peg-out spending its change).
    public static func dustThreshold(of scriptPubKey: [UInt8]) -> UInt64 {
        let length = UInt64(scriptPubKey.count)
        let lengthPrefix: UInt64 = length < 0xfd ? 1 : 3
        return 3 * (8 + lengthPrefix + length + 67)
    }
    /// Bitcoin Core's standardness limit (`MAX_STANDARD_TX_WEIGHT`): a heavier transaction is never relayed.
    public static let maximumWeight = 400_000
    /// One guardian's signatures over every input travel in one ``PegOutSignatureShare``, which carries at most this
    /// many: a transaction with more inputs could never be signed.
    public static let maximumInputs = PegOutSignatureShare.maximumSignatures

    public init(pegOut: PegOut, utxos: [FederationUTXO], config: WalletConsensusConfig) throws(WalletError) {
        let destinationDust = Self.dustThreshold(of: pegOut.address.scriptPubKey.bytes)
        guard pegOut.amount >= destinationDust else { throw .amountBelowDust(sats: pegOut.amount, dust: destinationDust) }
        guard pegOut.address.hrp == config.network.bech32HRP else {
            throw .invalidAddress(pegOut.address.string, network: config.network.rawValue)
        }
        try PegOut.checkBounds(amount: pegOut.amount, feeRate: pegOut.feeRate, fee: pegOut.fee)
        let needed = try Self.sum(pegOut.amount, pegOut.fee, "peg-out amount + fee")
        let ordered = utxos.sorted { a, b in
            a.value != b.value ? a.value > b.value
                : (a.outPoint.txid, a.outPoint.index) < (b.outPoint.txid, b.outPoint.index)
        }
        var selected: [FederationUTXO] = []
        var total: UInt64 = 0
        for utxo in ordered where total < needed {
            selected.append(utxo)
            total = try Self.sum(total, utxo.value, "federation outputs")
        }
        guard total >= needed else {
            throw .insufficientFederationFunds(needed: needed, available: Self.saturatingTotal(ordered))
        }
        guard selected.count <= Self.maximumInputs else {
            throw .pegOutTooLarge(inputs: selected.count, weight: nil)
        }
        let changeValue = total - needed
        guard changeValue == 0 || changeValue >= Self.dustLimit else {
            throw .dustChange(change: changeValue, requiredFee: pegOut.fee + changeValue, dust: Self.dustLimit)
        }
        var outputs = [TxOut(value: pegOut.amount, scriptPubKey: pegOut.address.scriptPubKey)]
        if changeValue > 0 { outputs.append(TxOut(value: changeValue, scriptPubKey: config.descriptor.scriptPubKey)) }
        let transaction = FMBitcoin.Transaction(
            version: 2, inputs: selected.map { TxIn(previousOutput: $0.outPoint) }, outputs: outputs, lockTime: 0)
        let weight = Self.estimatedWeight(of: transaction, config: config)
        guard weight <= Self.maximumWeight else { throw .pegOutTooLarge(inputs: selected.count, weight: weight) }
        let required = try Self.fee(rate: pegOut.feeRate, virtualSize: (weight + 3) / 4)
        guard pegOut.fee >= required else { throw .feeTooLow(offered: pegOut.fee, required: required, inputs: selected.count) }
        self.transaction = transaction
        self.inputs = selected
        change = outputs.count == 2
            ? FederationUTXO(outPoint: FMBitcoin.OutPoint(txid: transaction.txid, index: 1), value: changeValue, tweakKey: nil)
            : nil
    }

    /// ceil(rate × vsize / 1000): the fee in sat at `rate` sat/kvB; throws rather than overflow.
    public static func fee(rate: UInt64, virtualSize: Int) throws(WalletError) -> UInt64 {
        let (product, overflow) = rate.multipliedReportingOverflow(by: UInt64(clamping: virtualSize))
        guard !overflow, product <= UInt64.max - 999 else {
            throw .outOfRange(field: "fee_rate", value: "\(rate)", maximum: "\(PegOut.maximumFeeRate)")
        }
        return (product + 999) / 1000
    }

    /// `a + b`, or ``WalletError/outOfRange(field:value:maximum:)`` naming `what` if it does not fit.
    static func sum(_ a: UInt64, _ b: UInt64, _ what: String) throws(WalletError) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw .outOfRange(field: what, value: "\(a) + \(b)", maximum: "\(UInt64.max)") }
        return sum
    }

    static func saturatingTotal(_ utxos: [FederationUTXO]) -> UInt64 {
        utxos.reduce(0) { total, utxo in
            let (sum, overflow) = total.addingReportingOverflow(utxo.value)
            return overflow ? .max : sum
        }
    }

    /// The weight of `transaction` once every input carries a complete `wsh(sortedmulti)` witness, counting the
    /// largest possible DER signatures (73 bytes with the sighash byte).
    public static func estimatedWeight(of transaction: FMBitcoin.Transaction, config: WalletConsensusConfig) -> Int {
        var signed = transaction
        let script = config.descriptor.witnessScript.bytes
        for index in signed.inputs.indices {
            signed.inputs[index].witness = [[]] + Array(repeating: [UInt8](repeating: 0, count: 73), count: config.threshold) + [script]
        }
        return signed.weight
    }

    /// The virtual size of `transaction` once signed (``estimatedWeight(of:config:)`` / 4, rounded up).
    public static func estimatedVirtualSize(of transaction: FMBitcoin.Transaction, config: WalletConsensusConfig) -> Int {
        (estimatedWeight(of: transaction, config: config) + 3) / 4
    }

    /// The fee a client should offer for a peg-out to `address` at `rate`, assuming the federation spends one
    /// output and returns change (the usual case; a request that needs more inputs is refused with the fee needed).
    public static func suggestedFee(
        address: SegwitAddress, amount: UInt64, rate: UInt64, config: WalletConsensusConfig
    ) throws(WalletError) -> UInt64 {
        let transaction = FMBitcoin.Transaction(
            version: 2, inputs: [TxIn(previousOutput: FMBitcoin.OutPoint(txid: .zero, index: 0))],
            outputs: [TxOut(value: amount, scriptPubKey: address.scriptPubKey),
                      TxOut(value: 0, scriptPubKey: config.descriptor.scriptPubKey)])
        return try fee(rate: rate, virtualSize: estimatedVirtualSize(of: transaction, config: config))
    }
}

extension PegOutPlan {
    /// What a peg-out of `amount` to `address` at `rate` must pay for the transaction the federation would build
    /// from `utxos` now: the fee for one input, raised until it also pays for the inputs it makes necessary, and by
    /// the change when that would be below the dust limit (then the transaction has no change output and the
    /// miners get it, paid by the user: ``PegOutFeeQuote/dustSats``).
    public static func quote(
        address: SegwitAddress, amount: UInt64, rate: UInt64, utxos: [FederationUTXO], config: WalletConsensusConfig
    ) throws(WalletError) -> PegOutFeeQuote {
        try PegOut.checkBounds(amount: amount, feeRate: rate, fee: 0)
        var fee = try suggestedFee(address: address, amount: amount, rate: rate, config: config)
        var dust: UInt64 = 0
        for _ in 0..<64 {
            do {
                _ = try PegOutPlan(pegOut: PegOut(address: address, amount: amount, feeRate: rate, fee: fee), utxos: utxos, config: config)
                return PegOutFeeQuote(
                    feeRate: rate, fee: fee, dustSats: dust,
                    bumpReserveSats: try PegOutFeeBump.reserve(fee: fee, feeRate: rate, config: config))
            } catch .feeTooLow(_, let required, _) {
                fee = required
                dust = 0
            } catch .dustChange(let change, let required, _) {
                fee = required
                dust = change
            }
        }
        throw .insufficientFederationFunds(needed: (try? sum(amount, fee, "")) ?? .max, available: saturatingTotal(utxos))
    }
}

/// What `wallet/peg_out_fees` answers: the fee rate the federation requires now, the network fee a peg-out pays at
/// it, and the bump reserve it pays the federation.
public struct PegOutFeeQuote: Codable, Hashable, Sendable {
    /// sat/kvB.
    public var feeRate: UInt64
    /// sat: the whole network fee the peg-out pays (and the transaction pays exactly), `dustSats` included.
    public var fee: UInt64
    /// sat: the part of `fee` that is change below the dust limit, left to the miners instead of a change output
    /// (0 usually). Peg out less, or more, to avoid it.
    public var dustSats: UInt64
    /// sat: the bump reserve the peg-out pays in e-cash on top of `fee` and the peg-out fee, kept by the
    /// federation to bump the transaction if it gets stuck (``PegOutFeeBump/reserve(fee:feeRate:config:)``).
    public var bumpReserveSats: UInt64

    public init(feeRate: UInt64, fee: UInt64, dustSats: UInt64 = 0, bumpReserveSats: UInt64) {
        self.feeRate = feeRate
        self.fee = fee
        self.dustSats = dustSats
        self.bumpReserveSats = bumpReserveSats
    }
}

/// The params of `wallet/peg_out_fees`. Decoding refuses an amount above ``PegOut/maximumAmount`` and a fee rate
/// above ``PegOut/maximumFeeRate`` (naming the field).
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

    enum CodingKeys: String, CodingKey { case address, amountSats, feeRate }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        address = try container.decode(String.self, forKey: .address)
        amountSats = try container.decode(UInt64.self, forKey: .amountSats)
        feeRate = try container.decodeIfPresent(UInt64.self, forKey: .feeRate)
        guard amountSats <= PegOut.maximumAmount else {
            throw DecodingError.dataCorruptedError(
                forKey: .amountSats, in: container, debugDescription: "an amount of at most \(PegOut.maximumAmount) sat")
        }
        guard (feeRate ?? 0) <= PegOut.maximumFeeRate else {
            throw DecodingError.dataCorruptedError(
                forKey: .feeRate, in: container, debugDescription: "a fee rate of at most \(PegOut.maximumFeeRate) sat/kvB")
        }
    }
}

/// What `wallet/block_height` answers.
public struct WalletBlockHeight: Codable, Hashable, Sendable {
    /// The highest block the federation counts as final (0 before guardians voted).
    public var consensusBlockHeight: UInt64
    public init(consensusBlockHeight: UInt64) { self.consensusBlockHeight = consensusBlockHeight }
}
