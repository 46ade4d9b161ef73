import FMBitcoin
import FMTesting
import Testing

struct BlockHeaderTests {
    @Test func compactTargets() throws {
        // Values from Bitcoin Core's arith_uint256 SetCompact/GetCompact tests.
        #expect(Target(compact: 0) == nil)
        #expect(Target(compact: 0x0012_3456) == nil)  // zero after shifting
        #expect(Target(compact: 0x0100_3456) == nil)
        #expect(Target(compact: 0x0212_3456)!.compact == 0x0212_3400)
        #expect(Target(compact: 0x0312_3456)!.compact == 0x0312_3456)
        #expect(Target(compact: 0x0412_3456)!.compact == 0x0412_3456)
        #expect(Target(compact: 0x0492_3456) == nil)  // negative
        #expect(Target(compact: 0x0500_9234)!.compact == 0x0500_9234)
        #expect(Target(compact: 0x2012_3456)!.compact == 0x2012_3456)
        #expect(Target(compact: 0xff12_3456) == nil)  // overflow
        #expect(Target(compact: 0x0112_3456)!.bigEndian.last == 0x12)
        #expect(Target(compact: 0x1d00_ffff)!.description == "00000000ffff0000000000000000000000000000000000000000000000000000")
        #expect(Target.regtestLimit.description == "7fffff0000000000000000000000000000000000000000000000000000000000")
    }

    @Test func proofOfWorkCheck() throws {
        var header = BlockHeader(
            version: 4, previousBlockHash: .zero, merkleRoot: Hash256.of([1]), time: 1_700_000_000, bits: 0x207f_ffff, nonce: 0)
        while !header.hasValidProofOfWork { header.nonce += 1 }
        #expect(try BlockHeader(serialized: header.serialized) == header)
        #expect(header.serialized.count == 80)
        header.bits = 0x1d00_ffff  // mainnet difficulty: a regtest nonce does not meet it
        #expect(!header.hasValidProofOfWork)
        #expect(throws: BitcoinError.self) { try BlockHeader(serialized: header.serialized.dropLast()) }
    }

    @Test func chainWork() {
        // Bitcoin Core: a regtest block adds 2 to chainwork; the genesis chainwork on mainnet is 0x100010001.
        #expect(Target.regtestLimit.work.description == String(repeating: "0", count: 63) + "2")
        #expect(Target(compact: 0x1d00_ffff)!.work.description == String(repeating: "0", count: 55) + "100010001")
        var total = ChainWork.zero
        for _ in 0..<3 { total = total + Target.regtestLimit.work }
        #expect(total.description.hasSuffix("6"))
        #expect(ChainWork(bigEndian: total.bigEndian) == total)
        #expect(ChainWork.zero < total)
    }

    @Test func witnessCommitmentAndCoinbaseHeight() throws {
        #expect(Script.coinbaseHeight(1).hex == "51")
        #expect(Script.coinbaseHeight(16).hex == "60")
        #expect(Script.coinbaseHeight(17).hex == "0111")
        #expect(Script.coinbaseHeight(256).hex == "020001")
        let commitment = [UInt8](repeating: 0xab, count: 32)
        #expect(Script.witnessCommitment(commitment).hex == "6a24aa21a9ed" + String(repeating: "ab", count: 32))
        // A block with only a coinbase commits to SHA256d(zero root || zero reserved value).
        let coinbase = Transaction(
            inputs: [TxIn(previousOutput: .null, scriptSig: Script.coinbaseHeight(1), sequence: 0xffff_ffff, witness: [[UInt8](repeating: 0, count: 32)])],
            outputs: [TxOut(value: 50, scriptPubKey: Script([0x51]))])
        let block = Block(header: BlockHeader(version: 4, previousBlockHash: .zero, merkleRoot: .zero, time: 0, bits: 0x207f_ffff, nonce: 0), transactions: [coinbase])
        #expect(block.witnessCommitment() == sha256d([UInt8](repeating: 0, count: 64)))
        #expect(try Block(serialized: block.serialized) == block)
    }
}
