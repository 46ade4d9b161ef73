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
}
