import FMBitcoin

/// A transaction waiting in the mempool.
public struct MempoolEntry: Sendable {
    public let transaction: Transaction
    public let txid: FMBitcoin.Hash256
    /// Inputs minus outputs, in satoshis.
    public let fee: UInt64
    public let virtualSize: Int
    public let weight: Int
    /// Arrival order (persisted, so a restart keeps parents before children).
    public let sequence: Int64
}

/// Unconfirmed transactions, kept in arrival order so that a parent always precedes its children.
struct Mempool: Sendable {
    private(set) var entries: [FMBitcoin.Hash256: MempoolEntry] = [:]
    /// Which mempool transaction spends each outpoint.
    private(set) var spentBy: [FMBitcoin.OutPoint: FMBitcoin.Hash256] = [:]
    private(set) var nextSequence: Int64 = 1

    var ordered: [MempoolEntry] { entries.values.sorted { $0.sequence < $1.sequence } }
    var count: Int { entries.count }
    var totalVirtualSize: Int { entries.values.reduce(0) { $0 + $1.virtualSize } }
    var totalFee: UInt64 { entries.values.reduce(0) { $0 + $1.fee } }

    func contains(_ txid: FMBitcoin.Hash256) -> Bool { entries[txid] != nil }

    /// An output created by a mempool transaction, as a coin at `nextHeight`.
    func coin(_ outpoint: FMBitcoin.OutPoint, nextHeight: Int) -> Coin? {
        guard let entry = entries[outpoint.txid], Int(outpoint.index) < entry.transaction.outputs.count else { return nil }
        return Coin(output: entry.transaction.outputs[Int(outpoint.index)], height: nextHeight, isCoinbase: false)
    }

    mutating func add(_ transaction: Transaction, fee: UInt64, sequence: Int64? = nil) -> MempoolEntry {
        let txid = transaction.txid
        let entry = MempoolEntry(
            transaction: transaction, txid: txid, fee: fee, virtualSize: transaction.virtualSize,
            weight: transaction.weight, sequence: sequence ?? nextSequence)
        nextSequence = max(nextSequence, entry.sequence + 1)
        entries[txid] = entry
        for input in transaction.inputs { spentBy[input.previousOutput] = txid }
        return entry
    }

    mutating func remove(_ txid: FMBitcoin.Hash256) {
        guard let entry = entries.removeValue(forKey: txid) else { return }
        for input in entry.transaction.inputs where spentBy[input.previousOutput] == txid {
            spentBy[input.previousOutput] = nil
        }
    }
}
