/// A block: header and transactions.
public struct Block: Sendable, Hashable {
    public var header: BlockHeader
    public var transactions: [Transaction]

    public init(header: BlockHeader, transactions: [Transaction]) {
        self.header = header
        self.transactions = transactions
    }

    public init(serialized bytes: some Collection<UInt8>) throws {
        var reader = BitcoinReader(bytes)
        header = try BlockHeader(from: &reader)
        let count = try reader.readCount(field: "transaction count", minimumItemSize: 60)
        var transactions: [Transaction] = []
        transactions.reserveCapacity(count)
        for _ in 0..<count { transactions.append(try Transaction(from: &reader)) }
        self.transactions = transactions
        try reader.finish("block")
    }

    public var serialized: [UInt8] {
        var writer = BitcoinWriter()
        header.write(to: &writer)
        writer.write(compactSize: UInt64(transactions.count))
        for transaction in transactions { transaction.write(to: &writer) }
        return writer.bytes
    }

    public var hash: Hash256 { header.hash }

    /// The merkle root of the transactions' txids.
    public var computedMerkleRoot: Hash256 { Merkle.root(transactions.map(\.txid)) }

    /// The BIP-141 witness commitment root: merkle root of wtxids with the coinbase's taken as zero.
    public var witnessMerkleRoot: Hash256 { Merkle.root([.zero] + transactions.dropFirst().map(\.wtxid)) }

    /// The BIP-141 commitment `SHA256d(witness root || reserved value)` that the coinbase
    /// carries in ``Script/witnessCommitment(_:)``; the reserved value is the coinbase's single
    /// 32-byte witness item (conventionally zero).
    public func witnessCommitment(reservedValue: [UInt8] = [UInt8](repeating: 0, count: 32)) -> [UInt8] {
        sha256d(witnessMerkleRoot.bytes + reservedValue)
    }
}

/// Bitcoin's merkle tree: pairs hashed with double SHA-256, an odd last node paired with itself.
public enum Merkle {
    /// The root over `leaves`; ``Hash256/zero`` for no leaves.
    public static func root(_ leaves: [Hash256]) -> Hash256 {
        guard !leaves.isEmpty else { return .zero }
        var level = leaves
        while level.count > 1 {
            var next: [Hash256] = []
            next.reserveCapacity((level.count + 1) / 2)
            for i in stride(from: 0, to: level.count, by: 2) {
                next.append(parent(level[i], level[min(i + 1, level.count - 1)]))
            }
            level = next
        }
        return level[0]
    }

    static func parent(_ left: Hash256, _ right: Hash256) -> Hash256 { Hash256.of(left.bytes + right.bytes) }
}
