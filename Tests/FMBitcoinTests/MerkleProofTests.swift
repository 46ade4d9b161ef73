import FMBitcoin
import FMTesting
import Testing

struct MerkleProofTests {
    /// `gettxoutproof` output of Bitcoin Core 0.11.0 for mainnet transaction
    /// f20e44c8…4683 in block 00000000000000001 40e84bf… (from the Bitcoin.org RPC reference).
    static let coreProof =
        "03000000394ab3f08f712aa0f1d26c5daa4040b50e96d31d4e8e3c130000000000000000"
        + "ca89aaa0bbbfcd5d1210c7888501431256135736817100d8c2cf7e4ab9c02b168115d455"
        + "04dd1418836b20a6cb0800000d3a61beb3859abf1b773d54796c83b0b937968cc4ce3c0f"
        + "71f981b2407a3241cb8908f2a88ac90a2844596e6019450f507e7efb8542cbe54ea55634"
        + "c87bee474ee48aced68179564290d476e16cff01b483edcd2004d555c617dfc08200c083"
        + "08ba511250e459b49d6a465e1ab1d5d8005e0778359c2993236c85ec66bac4bfd974131a"
        + "dc1ee0ad8b645f459164eb38325ac88f98c9607752bc1b637e16814f0d9d8c2775ac3f20"
        + "f85260947929ceef16ead56fcbfd77d9dc6126cce1b5aacd9f834690f7508ee2db2ab67d"
        + "382c5e738b1b6fe3fb079511952d33ec18c8440ef291eb8d3546a971ee4aa5e574b7be7f"
        + "5aff0b1c989b2059ae5a611c8ce5c58e8e8476246c5e7c6b70e0065f2a6654e2e6cf4efb"
        + "6ae19bf2548a7d9febf5b0aceaff28610922e1b9e23e52f650a4a11d2986c9c2b09bb168"
        + "a70a7d4ac16e4d389bc2868ee91da1837d2cd79288bdc680e9c35ebb3ddfd045d69d767b"
        + "164ec69d5db9f995c045d10af5bd90cd9d1116c3732e14796ef9d1a57fa7bb718c07989e"
        + "d06ff359bf2009eaf1b9e000c054b87230567991b447757bc6ca8e1bb6e9816ad604dbd6"
        + "0600"

    @Test func bitcoinCoreProofVerifies() throws {
        let proof = try MerkleBlock(serialized: bytes(hex: Self.coreProof))
        #expect(proof.header.hash.displayHex == "0000000000000000140e84bf183d8d5207d65fbfae596bdf48f684d13d951847")
        #expect(proof.header.hasValidProofOfWork)
        #expect(try proof.verifiedTxids().map(\.displayHex) == ["f20e44c818ec332d95119507fbe36f1b8b735e2c387db62adbe28e50f7904683"])
        #expect(Hex.encode(proof.serialized) == Self.coreProof)
        // A different merkle root in the header makes the proof fail.
        var header = proof.header
        header.merkleRoot = Hash256.of([1])
        #expect(throws: BitcoinError.self) { try MerkleBlock(header: header, tree: proof.tree).verifiedTxids() }
    }

    static func block(transactions count: Int, seed: UInt64) -> (BlockHeader, [Hash256]) {
        var rng = SeededRandom(seed: seed)
        let txids = (0..<count).map { _ in try! Hash256(bytes: rng.bytes(32)) }
        let header = BlockHeader(version: 4, previousBlockHash: .zero, merkleRoot: Merkle.root(txids), time: 0, bits: 0x207f_ffff, nonce: 0)
        return (header, txids)
    }

    @Test(arguments: [1, 2, 3, 5, 7, 8, 13, 100])
    func buildAndVerifyEverySubsetShape(count: Int) throws {
        let (header, txids) = Self.block(transactions: count, seed: UInt64(count))
        var rng = SeededRandom(seed: 99)
        for trial in 0..<12 {
            let matches: [Bool] = trial == 0 ? Array(repeating: false, count: count)
                : trial == 1 ? Array(repeating: true, count: count)
                : (0..<count).map { _ in Bool.random(using: &rng) }
            let proof = MerkleBlock(header: header, tree: PartialMerkleTree(txids: txids, matches: matches))
            let reparsed = try MerkleBlock(serialized: proof.serialized)
            #expect(reparsed == proof || reparsed.tree.flags.count >= proof.tree.flags.count)
            let expected = zip(txids, matches).filter(\.1).map(\.0)
            #expect(try reparsed.verifiedTxids() == expected)
            let (_, positions) = try reparsed.tree.extractMatches()
            #expect(positions.map(\.index) == matches.indices.filter { matches[$0] })
        }
    }

    @Test func tamperedProofsAreRejected() throws {
        let (header, txids) = Self.block(transactions: 10, seed: 4)
        var matches = Array(repeating: false, count: 10)
        matches[6] = true
        let tree = PartialMerkleTree(txids: txids, matches: matches)
        // A swapped hash changes the root.
        var hashes = tree.hashes
        hashes[0] = Hash256.of([9])
        let bad = MerkleBlock(header: header, tree: PartialMerkleTree(transactionCount: 10, hashes: hashes, flags: tree.flags))
        #expect(throws: BitcoinError.self) { try bad.verifiedTxids() }
        // Extra hashes are refused.
        let extra = PartialMerkleTree(transactionCount: 10, hashes: tree.hashes + [Hash256.zero], flags: tree.flags)
        #expect(throws: BitcoinError.self) { try extra.extractMatches() }
        // A transaction count with another tree height changes the root. (Counts giving the
        // same shape along the proven path are indistinguishable, as in Bitcoin Core.)
        let wrongCount = MerkleBlock(
            header: header, tree: PartialMerkleTree(transactionCount: 17, hashes: tree.hashes, flags: tree.flags))
        #expect(throws: BitcoinError.self) { try wrongCount.verifiedTxids() }
        // Zero transactions.
        #expect(throws: BitcoinError.self) { try PartialMerkleTree(transactionCount: 0, hashes: [], flags: []).extractMatches() }
        // Truncated serialization.
        let serialized = MerkleBlock(header: header, tree: tree).serialized
        #expect(throws: BitcoinError.self) { try MerkleBlock(serialized: serialized.dropLast()) }
        #expect(throws: BitcoinError.self) { try MerkleBlock(serialized: serialized + [0]) }
    }

    /// CVE-2012-2459: duplicating the last transactions gives the same root; the proof must not
    /// let identical siblings stand in for distinct transactions.
    @Test func duplicatedSiblingsAreRejected() throws {
        let (_, txids) = Self.block(transactions: 3, seed: 5)
        let duplicated = txids + [txids[2]]
        #expect(Merkle.root(duplicated) == Merkle.root(txids))
        let tree = PartialMerkleTree(txids: duplicated, matches: [false, false, true, true])
        #expect(throws: BitcoinError.self) { try tree.extractMatches() }
    }

    @Test func blockProofMatchesRequestedTransactions() throws {
        var rng = SeededRandom(seed: 12)
        let transactions = (0..<5).map { i in
            Transaction(
                inputs: [TxIn(previousOutput: OutPoint(txid: try! Hash256(bytes: rng.bytes(32)), index: UInt32(i)))],
                outputs: [TxOut(value: UInt64(1000 * i), scriptPubKey: Script.payToWitnessScriptHash(Script([0x51])))])
        }
        let header = BlockHeader(
            version: 4, previousBlockHash: .zero, merkleRoot: Merkle.root(transactions.map(\.txid)), time: 1, bits: 0x207f_ffff,
            nonce: 0)
        let block = Block(header: header, transactions: transactions)
        let proof = MerkleBlock(block: block, matching: [transactions[3].txid])
        #expect(try proof.verifiedTxids() == [transactions[3].txid])
    }
}
