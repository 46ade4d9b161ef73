import FMBitcoin

/// One block of the active chain with the figures RPCs report about it.
public struct ChainEntry: Sendable {
    public let block: Block
    public let hash: FMBitcoin.Hash256
    public let height: Int
    /// Total work up to and including this block.
    public let chainWork: ChainWork
    /// Median of the last 11 block times ending here (BIP-113 median time past).
    public let medianTimePast: UInt32
}

/// Where a confirmed transaction is: block height and position in the block.
struct TransactionLocation: Sendable, Hashable {
    var height: Int
    var index: Int
}

/// The active chain and its UTXO set, in memory. fm-regtest never reorganizes (it is the only
/// miner), so the chain is an array from genesis to tip.
struct ChainState: Sendable {
    private(set) var entries: [ChainEntry] = []
    private(set) var heightByHash: [FMBitcoin.Hash256: Int] = [:]
    private(set) var utxos: [FMBitcoin.OutPoint: Coin] = [:]
    private(set) var transactions: [FMBitcoin.Hash256: TransactionLocation] = [:]

    var tip: ChainEntry { entries[entries.count - 1] }
    var height: Int { entries.count - 1 }

    func entry(hash: FMBitcoin.Hash256) -> ChainEntry? { heightByHash[hash].map { entries[$0] } }

    /// The median time past a block at `height + 1` must exceed.
    func medianTimePast(at height: Int) -> UInt32 {
        height < 0 ? 0 : entries[height].medianTimePast
    }

    /// Appends `block` (already validated by the caller), spending and creating outputs.
    /// The genesis block's outputs are not added to the UTXO set (as in Bitcoin Core).
    /// - Returns: the coins the block spent, so the caller can persist the change.
    @discardableResult
    mutating func connect(_ block: Block) -> (spent: [FMBitcoin.OutPoint], created: [(FMBitcoin.OutPoint, Coin)]) {
        let height = entries.count
        let previousWork = entries.last?.chainWork ?? .zero
        let work = Target(compact: block.header.bits).map(\.work) ?? .zero
        let times = (entries.suffix(10).map(\.block.header.time) + [block.header.time]).sorted()
        let entry = ChainEntry(
            block: block, hash: block.hash, height: height, chainWork: previousWork + work,
            medianTimePast: times[times.count / 2])
        entries.append(entry)
        heightByHash[entry.hash] = height

        var spent: [FMBitcoin.OutPoint] = []
        var created: [(FMBitcoin.OutPoint, Coin)] = []
        for (index, transaction) in block.transactions.enumerated() {
            let txid = transaction.txid
            transactions[txid] = TransactionLocation(height: height, index: index)
            guard height > 0 else { continue }
            if !transaction.isCoinbase {
                for input in transaction.inputs {
                    utxos[input.previousOutput] = nil
                    spent.append(input.previousOutput)
                }
            }
            for (vout, output) in transaction.outputs.enumerated() where !RegtestParameters.isUnspendable(output.scriptPubKey) {
                let outpoint = FMBitcoin.OutPoint(txid: txid, index: UInt32(vout))
                let coin = Coin(output: output, height: height, isCoinbase: transaction.isCoinbase)
                utxos[outpoint] = coin
                created.append((outpoint, coin))
            }
        }
        return (spent, created)
    }
}

extension RegtestParameters {
    /// Outputs that never enter the UTXO set: OP_RETURN scripts (and over-long scripts).
    static func isUnspendable(_ script: Script) -> Bool {
        script.bytes.first == Opcode.return.rawValue || script.bytes.count > 10_000
    }
}
