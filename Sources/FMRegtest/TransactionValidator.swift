import FMBitcoin

/// Mempool acceptance as Bitcoin Core 27 does it for the transactions fm-regtest supports, in
/// Core's order (`MemPoolAccept::PreChecks`, `Consensus::CheckTxInputs`, `PolicyScriptChecks`),
/// with Core's reject reasons. Scripts are checked by ``FMBitcoin/Transaction/verifySegwitInput(_:spending:rules:)``
/// (P2WPKH and P2WSH multisig/single-key); spends of other output types are refused as non-standard.
struct TransactionValidator {
    let chain: ChainState
    let mempool: Mempool

    /// The fee of `transaction` if a mempool on top of `chain` accepts it.
    /// - Throws: ``TransactionRejection`` with Bitcoin Core's code and reason.
    /// - Parameter mempoolMinimumFeeRate: the mempool's minimum (sat/kvB) the transaction must pay on its own
    ///   (Core's `CheckFeeRate`); `nil` inside a package, whose fee rate is checked as a whole.
    func check(_ transaction: Transaction, mempoolMinimumFeeRate: UInt64? = nil) throws(TransactionRejection) -> UInt64 {
        try checkContextFree(transaction)
        guard !transaction.isCoinbase else { throw .rejected("coinbase") }
        try checkStandard(transaction)
        guard transaction.serialized(includingWitness: false).count >= RegtestParameters.minimumNonWitnessSize else {
            throw .rejected("tx-size-small")
        }
        let nextHeight = chain.height + 1
        guard isFinal(transaction, height: nextHeight, time: chain.tip.medianTimePast) else { throw .rejected("non-final") }
        if let conflict = transaction.inputs.lazy.compactMap({ mempool.spentBy[$0.previousOutput] }).first {
            throw .rejected("txn-mempool-conflict", "spends an output of \(conflict.displayHex) already spent in the mempool")
        }

        var coins: [Coin] = []
        for input in transaction.inputs {
            guard let coin = chain.utxos[input.previousOutput] ?? mempool.coin(input.previousOutput, nextHeight: nextHeight)
            else { throw .missingInputs }
            coins.append(coin)
        }
        guard sequenceLocksSatisfied(transaction, coins: coins, nextHeight: nextHeight) else {
            throw .rejected("non-BIP68-final")
        }

        // Consensus::CheckTxInputs
        var valueIn: UInt64 = 0
        for coin in coins {
            if coin.isCoinbase, nextHeight - coin.height < RegtestParameters.coinbaseMaturity {
                throw .rejected(
                    "bad-txns-premature-spend-of-coinbase", "tried to spend coinbase at depth \(nextHeight - coin.height)")
            }
            valueIn += coin.output.value
            guard valueIn <= BitcoinAmount.maxMoney else { throw .rejected("bad-txns-inputvalues-outofrange") }
        }
        let valueOut = transaction.outputs.reduce(UInt64(0)) { $0 + $1.value }
        guard valueIn >= valueOut else {
            throw .rejected("bad-txns-in-belowout", "value in (\(formatMoney(valueIn))) < value out (\(formatMoney(valueOut)))")
        }
        let fee = valueIn - valueOut

        for (input, coin) in zip(transaction.inputs, coins) where !isWitnessStandard(input, spending: coin.output) {
            throw .rejected("bad-witness-nonstandard")
        }
        if let mempoolMinimumFeeRate, mempoolMinimumFeeRate > RegtestParameters.minimumRelayFeeRate {
            let minimumFee = Self.fee(rate: mempoolMinimumFeeRate, virtualSize: transaction.virtualSize)
            guard fee >= minimumFee else { throw .rejected("mempool min fee not met", "\(fee) < \(minimumFee)") }
        }
        let minimumFee = Self.fee(rate: RegtestParameters.minimumRelayFeeRate, virtualSize: transaction.virtualSize)
        guard fee >= minimumFee else { throw .rejected("min relay fee not met", "\(fee) < \(minimumFee)") }

        for index in transaction.inputs.indices {
            try checkScript(transaction, index, spending: coins[index].output)
        }
        return fee
    }

    /// `CFeeRate::GetFee`: rate (sat/kvB) × size / 1000, rounded up.
    static func fee(rate: UInt64, virtualSize: Int) -> UInt64 { (rate * UInt64(virtualSize) + 999) / 1000 }

    // MARK: Rules

    /// `CheckTransaction`: structure rules every block also applies.
    private func checkContextFree(_ transaction: Transaction) throws(TransactionRejection) {
        guard !transaction.inputs.isEmpty else { throw .rejected("bad-txns-vin-empty") }
        guard !transaction.outputs.isEmpty else { throw .rejected("bad-txns-vout-empty") }
        guard transaction.serialized(includingWitness: false).count * 4 <= RegtestParameters.maximumBlockWeight else {
            throw .rejected("bad-txns-oversize")
        }
        var total: UInt64 = 0
        for output in transaction.outputs {
            guard output.value <= BitcoinAmount.maxMoney else { throw .rejected("bad-txns-vout-toolarge") }
            total += output.value
            guard total <= BitcoinAmount.maxMoney else { throw .rejected("bad-txns-txouttotal-toolarge") }
        }
        guard Set(transaction.inputs.map(\.previousOutput)).count == transaction.inputs.count else {
            throw .rejected("bad-txns-inputs-duplicate")
        }
        if transaction.isCoinbase {
            guard (2...100).contains(transaction.inputs[0].scriptSig.bytes.count) else { throw .rejected("bad-cb-length") }
        } else if transaction.inputs.contains(where: { $0.previousOutput.isNull }) {
            throw .rejected("bad-txns-prevout-null")
        }
    }

    /// `IsStandardTx`.
    private func checkStandard(_ transaction: Transaction) throws(TransactionRejection) {
        // Core 27 (`TX_MAX_STANDARD_VERSION` 2; Core 28 added version 3 with its TRUC rules).
        guard (1...2).contains(transaction.version) else { throw .rejected("version") }
        guard transaction.weight <= RegtestParameters.maximumStandardTransactionWeight else { throw .rejected("tx-size") }
        for input in transaction.inputs {
            guard input.scriptSig.bytes.count <= 1650 else { throw .rejected("scriptsig-size") }
            guard let elements = try? input.scriptSig.elements(), elements.allSatisfy(Self.isPush) else {
                throw .rejected("scriptsig-not-pushonly")
            }
        }
        var nullDataCount = 0
        for output in transaction.outputs {
            guard RegtestParameters.isStandardOutput(output.scriptPubKey) else { throw .rejected("scriptpubkey") }
            if output.scriptPubKey.bytes.first == Opcode.return.rawValue {
                nullDataCount += 1
            } else if output.value < RegtestParameters.dustThreshold(output.scriptPubKey) {
                throw .rejected("dust")
            }
        }
        guard nullDataCount <= 1 else { throw .rejected("multi-op-return") }
    }

    /// Core's `IsPushOnly`: every opcode is at most OP_16.
    static func isPush(_ element: Script.Element) -> Bool {
        switch element {
        case .push, .number: return true
        case .op(let op): return op.rawValue <= Opcode.op16.rawValue
        case .unknownOp(let byte): return byte <= Opcode.op16.rawValue
        }
    }

    /// `IsFinalTx` for a block at `height` whose lock-time cutoff is `time` (median time past).
    private func isFinal(_ transaction: Transaction, height: Int, time: UInt32) -> Bool {
        let lockTime = transaction.lockTime
        if lockTime == 0 { return true }
        let cutoff = lockTime < RegtestParameters.lockTimeThreshold ? UInt32(height) : time
        if lockTime < cutoff { return true }
        return transaction.inputs.allSatisfy { $0.sequence == 0xffff_ffff }
    }

    /// BIP-68 relative lock times (`CalculateSequenceLocks` and `EvaluateSequenceLocks` at the tip).
    private func sequenceLocksSatisfied(_ transaction: Transaction, coins: [Coin], nextHeight: Int) -> Bool {
        guard transaction.version >= 2 else { return true }
        var minimumHeight = -1
        var minimumTime: Int64 = -1
        for (input, coin) in zip(transaction.inputs, coins) where input.sequence & (1 << 31) == 0 {
            let value = Int64(input.sequence & 0xffff)
            if input.sequence & (1 << 22) != 0 {
                let coinTime = Int64(chain.medianTimePast(at: max(coin.height - 1, 0)))
                minimumTime = max(minimumTime, coinTime + (value << 9) - 1)
            } else {
                minimumHeight = max(minimumHeight, coin.height + Int(value) - 1)
            }
        }
        return minimumHeight < nextHeight && minimumTime < Int64(chain.tip.medianTimePast)
    }

    /// `IsWitnessStandard` for P2WSH: witness script ≤ 3600 bytes, ≤ 100 stack items of ≤ 80 bytes.
    private func isWitnessStandard(_ input: TxIn, spending output: TxOut) -> Bool {
        guard output.scriptPubKey.isPayToWitnessScriptHash, let script = input.witness.last else { return true }
        let stack = input.witness.dropLast()
        return script.count <= 3600 && stack.count <= 100 && stack.allSatisfy { $0.count <= 80 }
    }

    /// `PolicyScriptChecks`, then consensus flags to tell policy from consensus failures.
    private func checkScript(_ transaction: Transaction, _ index: Int, spending output: TxOut) throws(TransactionRejection) {
        do {
            try transaction.verifySegwitInput(index, spending: output, rules: .standard)
        } catch let policyError {
            do {
                try transaction.verifySegwitInput(index, spending: output, rules: .consensus)
            } catch let consensusError where consensusError != .unsupportedOutputType && consensusError != .unsupportedWitnessScript {
                throw .rejected("mandatory-script-verify-flag-failed (\(consensusError))")
            } catch {}
            throw .rejected("non-mandatory-script-verify-flag (\(policyError))")
        }
    }
}
