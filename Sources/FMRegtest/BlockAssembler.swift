import FMBitcoin

/// Builds and mines regtest blocks as Bitcoin Core's `BlockAssembler` and `generatetoaddress` do.
enum BlockAssembler {
    /// A block on top of `chain` with `transactions` (in order), paying subsidy plus fees to
    /// `payout`, with a BIP-34 height, a BIP-141 witness commitment, and valid proof of work.
    static func mine(on chain: ChainState, transactions: [MempoolEntry], payout: Script, now: UInt32) -> Block {
        let height = chain.height + 1
        let fees = transactions.reduce(UInt64(0)) { $0 + $1.fee }
        // CScript() << height << OP_0, as Core writes it (the OP_0 keeps the scriptSig ≥ 2 bytes).
        let scriptSig = Script.coinbaseHeight(Int64(height)).appending(.op(.op0))
        var coinbase = Transaction(
            version: 2,
            inputs: [TxIn(previousOutput: .null, scriptSig: scriptSig, sequence: 0xffff_ffff, witness: [[UInt8](repeating: 0, count: 32)])],
            outputs: [TxOut(value: RegtestParameters.subsidy(height: height) + fees, scriptPubKey: payout)],
            lockTime: 0)
        var block = Block(
            header: BlockHeader(
                version: RegtestParameters.blockVersion, previousBlockHash: chain.tip.hash, merkleRoot: .zero,
                time: max(chain.tip.medianTimePast + 1, now), bits: RegtestParameters.bits, nonce: 0),
            transactions: [coinbase] + transactions.map(\.transaction))
        // Core adds the commitment to every block once segwit is active (GenerateCoinbaseCommitment).
        coinbase.outputs.append(TxOut(value: 0, scriptPubKey: .witnessCommitment(block.witnessCommitment())))
        block.transactions[0] = coinbase
        block.header.merkleRoot = block.computedMerkleRoot
        while !block.header.hasValidProofOfWork {
            if block.header.nonce == .max {
                block.header.time += 1
                block.header.nonce = 0
            } else {
                block.header.nonce += 1
            }
        }
        return block
    }

    /// Mempool entries in arrival order that fit one block, children only after their parents.
    static func select(from mempool: Mempool) -> [MempoolEntry] {
        var selected: [MempoolEntry] = []
        var included: Set<FMBitcoin.Hash256> = []
        var weight = 4000  // room for the header and coinbase, as Core reserves
        for entry in mempool.ordered {
            let parentsReady = entry.transaction.inputs.allSatisfy {
                !mempool.contains($0.previousOutput.txid) || included.contains($0.previousOutput.txid)
            }
            guard parentsReady, weight + entry.weight <= RegtestParameters.maximumBlockWeight else { continue }
            selected.append(entry)
            included.insert(entry.txid)
            weight += entry.weight
        }
        return selected
    }
}
