/// Bitcoin Core's partial merkle tree (`CPartialMerkleTree`, BIP-37): a pruned merkle tree
/// that proves some transactions are in a block.
///
/// Traversal is depth first; each visited node contributes one flag bit (1 = on the path to
/// a matched leaf) and, if it is a leaf or not on a path, its hash.
public struct PartialMerkleTree: Sendable, Hashable {
    public let transactionCount: UInt32
    public let hashes: [Hash256]
    /// Flag bits, least significant bit of each byte first.
    public let flags: [Bool]

    /// Builds the proof for the leaves where `matches` is true.
    public init(txids: [Hash256], matches: [Bool]) {
        precondition(txids.count == matches.count && !txids.isEmpty, "one match flag per txid, at least one txid")
        transactionCount = UInt32(txids.count)
        var hashes: [Hash256] = []
        var flags: [Bool] = []
        let height = PartialMerkleTree.treeHeight(txids.count)
        func build(_ level: Int, _ position: Int) {
            let first = position << level
            let last = min((position + 1) << level, txids.count)
            let parentOfMatch = matches[first..<last].contains(true)
            flags.append(parentOfMatch)
            if level == 0 || !parentOfMatch {
                hashes.append(PartialMerkleTree.hash(level, position, txids))
            } else {
                build(level - 1, position * 2)
                if position * 2 + 1 < PartialMerkleTree.width(level - 1, txids.count) { build(level - 1, position * 2 + 1) }
            }
        }
        build(height, 0)
        self.hashes = hashes
        self.flags = flags
    }

    public init(transactionCount: UInt32, hashes: [Hash256], flags: [Bool]) {
        self.transactionCount = transactionCount
        self.hashes = hashes
        self.flags = flags
    }

    private static func width(_ level: Int, _ count: Int) -> Int { (count + (1 << level) - 1) >> level }

    private static func treeHeight(_ count: Int) -> Int {
        var height = 0
        while width(height, count) > 1 { height += 1 }
        return height
    }

    private static func hash(_ level: Int, _ position: Int, _ txids: [Hash256]) -> Hash256 {
        if level == 0 { return txids[position] }
        let left = hash(level - 1, position * 2, txids)
        let right = position * 2 + 1 < width(level - 1, txids.count) ? hash(level - 1, position * 2 + 1, txids) : left
        return Merkle.parent(left, right)
    }

    /// Recomputes the merkle root and the matched txids (with their positions in the block),
    /// with Bitcoin Core's checks: every hash and flag bit used, padding bits zero, no
    /// identical siblings (CVE-2012-2459).
    /// - Throws: ``BitcoinError/invalidMerkleProof(_:)``.
    public func extractMatches() throws -> (root: Hash256, matches: [(txid: Hash256, index: Int)]) {
        guard transactionCount > 0 else { throw BitcoinError.invalidMerkleProof("no transactions") }
        // Core: a block holds at most 4,000,000 / 60 transactions.
        guard transactionCount <= 4_000_000 / 60 else { throw BitcoinError.invalidMerkleProof("too many transactions") }
        guard hashes.count <= Int(transactionCount) else { throw BitcoinError.invalidMerkleProof("more hashes than transactions") }
        guard flags.count >= hashes.count else { throw BitcoinError.invalidMerkleProof("fewer flag bits than hashes") }
        let count = Int(transactionCount)
        var bitsUsed = 0
        var hashesUsed = 0
        var matches: [(Hash256, Int)] = []
        func traverse(_ level: Int, _ position: Int) throws -> Hash256 {
            guard bitsUsed < flags.count else { throw BitcoinError.invalidMerkleProof("ran out of flag bits") }
            let parentOfMatch = flags[bitsUsed]
            bitsUsed += 1
            if level == 0 || !parentOfMatch {
                guard hashesUsed < hashes.count else { throw BitcoinError.invalidMerkleProof("ran out of hashes") }
                let hash = hashes[hashesUsed]
                hashesUsed += 1
                if level == 0 && parentOfMatch { matches.append((hash, position)) }
                return hash
            }
            let left = try traverse(level - 1, position * 2)
            let right: Hash256
            if position * 2 + 1 < PartialMerkleTree.width(level - 1, count) {
                right = try traverse(level - 1, position * 2 + 1)
                guard right != left else { throw BitcoinError.invalidMerkleProof("identical left and right hashes") }
            } else {
                right = left
            }
            return Merkle.parent(left, right)
        }
        let root = try traverse(PartialMerkleTree.treeHeight(count), 0)
        guard (bitsUsed + 7) / 8 == (flags.count + 7) / 8 else { throw BitcoinError.invalidMerkleProof("unused flag bytes") }
        guard !flags[bitsUsed...].contains(true) else { throw BitcoinError.invalidMerkleProof("non-zero padding flag bits") }
        guard hashesUsed == hashes.count else { throw BitcoinError.invalidMerkleProof("unused hashes") }
        return (root, matches.map { (txid: $0.0, index: $0.1) })
    }

    public func write(to writer: inout BitcoinWriter) {
        writer.write(transactionCount)
        writer.write(compactSize: UInt64(hashes.count))
        for hash in hashes { writer.write(raw: hash.bytes) }
        var flagBytes = [UInt8](repeating: 0, count: (flags.count + 7) / 8)
        for (i, flag) in flags.enumerated() where flag { flagBytes[i / 8] |= 1 << (i % 8) }
        writer.write(varBytes: flagBytes)
    }

    public init(from reader: inout BitcoinReader) throws {
        transactionCount = try reader.readUInt32(field: "merkle proof transaction count")
        let hashCount = try reader.readCount(field: "merkle proof hash count", minimumItemSize: 32)
        var hashes: [Hash256] = []
        for _ in 0..<hashCount { hashes.append(Hash256(unchecked: try reader.readBytes(32, field: "merkle proof hash"))) }
        let flagBytes = try reader.readVarBytes(field: "merkle proof flags")
        self.hashes = hashes
        flags = (0..<flagBytes.count * 8).map { flagBytes[$0 / 8] & (1 << ($0 % 8)) != 0 }
    }
}

/// Bitcoin Core's `CMerkleBlock`: a block header and a partial merkle tree, the format
/// `gettxoutproof` returns and `verifytxoutproof` accepts.
public struct MerkleBlock: Sendable, Hashable {
    public let header: BlockHeader
    public let tree: PartialMerkleTree

    public init(header: BlockHeader, tree: PartialMerkleTree) {
        self.header = header
        self.tree = tree
    }

    /// The proof that the transactions with `matching` txids are in `block`.
    public init(block: Block, matching txids: Set<Hash256>) {
        let all = block.transactions.map(\.txid)
        self.init(header: block.header, tree: PartialMerkleTree(txids: all, matches: all.map(txids.contains)))
    }

    public init(serialized bytes: some Collection<UInt8>) throws {
        var reader = BitcoinReader(bytes)
        header = try BlockHeader(from: &reader)
        tree = try PartialMerkleTree(from: &reader)
        try reader.finish("merkle block")
    }

    public var serialized: [UInt8] {
        var writer = BitcoinWriter()
        header.write(to: &writer)
        tree.write(to: &writer)
        return writer.bytes
    }

    /// The txids proven to be in the block, after checking the tree and that its root is the
    /// header's merkle root (as `verifytxoutproof`). Proof of work is checked separately
    /// (``BlockHeader/hasValidProofOfWork``), and whether the block is in the best chain is the caller's question.
    /// - Throws: ``BitcoinError/invalidMerkleProof(_:)``.
    public func verifiedTxids() throws -> [Hash256] {
        let (root, matches) = try tree.extractMatches()
        guard root == header.merkleRoot else {
            throw BitcoinError.invalidMerkleProof("computed root \(root) differs from the header's \(header.merkleRoot)")
        }
        return matches.map(\.txid)
    }
}
