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

    /// `txid` and every mempool transaction that spends its outputs, directly or not.
    func withDescendants(_ txid: FMBitcoin.Hash256) -> Set<FMBitcoin.Hash256> {
        var found: Set<FMBitcoin.Hash256> = []
        var pending = [txid]
        while let next = pending.popLast() {
            guard let entry = entries[next], found.insert(next).inserted else { continue }
            for index in entry.transaction.outputs.indices {
                if let child = spentBy[FMBitcoin.OutPoint(txid: next, index: UInt32(index))] { pending.append(child) }
            }
        }
        return found
    }

    /// Core's descendant score: the higher of the entry's own fee rate and that of it with all its descendants
    /// (sat/kvB) — what `TrimToSize` evicts by, lowest first, so a low parent with a paying child stays.
    func descendantScore(_ txid: FMBitcoin.Hash256) -> UInt64 {
        guard let entry = entries[txid] else { return 0 }
        let package = withDescendants(txid).compactMap { entries[$0] }
        let fee = package.reduce(UInt64(0)) { $0 + $1.fee }
        let size = package.reduce(0) { $0 + $1.virtualSize }
        return max(entry.fee * 1000 / UInt64(max(1, entry.virtualSize)), fee * 1000 / UInt64(max(1, size)))
    }

    /// The entry with the lowest descendant score below `minimum` (ties: the lower txid), if any.
    func lowestScored(below minimum: UInt64) -> FMBitcoin.Hash256? {
        var lowest: (txid: FMBitcoin.Hash256, score: UInt64)?
        for txid in entries.keys {
            let score = descendantScore(txid)
            guard score < minimum else { continue }
            if let current = lowest, (current.score, current.txid) <= (score, txid) { continue }
            lowest = (txid, score)
        }
        return lowest?.txid
    }

    mutating func remove(_ txid: FMBitcoin.Hash256) {
        guard let entry = entries.removeValue(forKey: txid) else { return }
        for input in entry.transaction.inputs where spentBy[input.previousOutput] == txid {
            spentBy[input.previousOutput] = nil
        }
    }
}
