import FMBitcoin
import FMTesting
import Testing

struct SerializationTests {
    @Test func compactSizeBoundaries() throws {
        let cases: [(UInt64, String)] = [
            (0, "00"), (0xfc, "fc"), (0xfd, "fdfd00"), (0xffff, "fdffff"), (0x1_0000, "fe00000100"),
            (0xffff_ffff, "feffffffff"), (0x1_0000_0000, "ff0000000001000000"),
        ]
        for (value, encoded) in cases {
            #expect(Hex.encode(CompactSize.encode(value)) == encoded)
            #expect(try CompactSize.decode(bytes(hex: encoded)) == value)
        }
        #expect(throws: BitcoinError.nonCanonicalCompactSize(0xfc)) { try CompactSize.decode(bytes(hex: "fdfc00")) }
        #expect(throws: BitcoinError.nonCanonicalCompactSize(0xffff)) { try CompactSize.decode(bytes(hex: "feffff0000")) }
        #expect(throws: BitcoinError.truncated(field: "CompactSize")) { try CompactSize.decode(bytes(hex: "fd01")) }
    }

    @Test func hugeLengthPrefixFailsWithoutAllocating() {
        // A transaction claiming 2^60 inputs.
        let bytes: [UInt8] = [1, 0, 0, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x10]
        #expect(throws: BitcoinError.lengthTooLarge(field: "input count", length: 1 << 60)) { try Transaction(serialized: bytes) }
    }

    @Test func randomBytesNeverCrashTheDecoders() {
        var rng = SeededRandom(seed: 77)
        let base = bytes(hex: BIP143Tests.examples[0]["signed_tx"] as! String)
        for round in 0..<3000 {
            var input: [UInt8]
            if round % 2 == 0 {
                input = rng.bytes(Int.random(in: 0...200, using: &rng))
            } else {
                input = base
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    input[Int.random(in: 0..<input.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
                if Bool.random(using: &rng) { input = Array(input.prefix(Int.random(in: 0...input.count, using: &rng))) }
            }
            _ = try? Transaction(serialized: input)
            _ = try? Block(serialized: input)
            _ = try? MerkleBlock(serialized: input)
            _ = try? PSBT(serialized: [0x70, 0x73, 0x62, 0x74, 0xff] + input)
            _ = try? Script(input).elements()
        }
    }

    @Test func legacyAndSegwitEncodings() throws {
        let legacy = Transaction(
            version: 1, inputs: [TxIn(previousOutput: OutPoint(txid: .zero, index: 3), scriptSig: Script([0x51]), sequence: 0xffff_ffff)],
            outputs: [TxOut(value: 5, scriptPubKey: Script([0x6a]))], lockTime: 7)
        #expect(!legacy.hasWitness)
        #expect(legacy.serialized() == legacy.serialized(includingWitness: false))
        #expect(legacy.txid == legacy.wtxid)
        #expect(legacy.weight == 4 * legacy.totalSize)
        var segwit = legacy
        segwit.inputs[0].witness = [[1, 2], []]
        let encoded = segwit.serialized()
        #expect(Array(encoded[4..<6]) == [0x00, 0x01])  // BIP-144 marker and flag
        #expect(try Transaction(serialized: encoded) == segwit)
        #expect(segwit.txid == legacy.txid)
        #expect(segwit.wtxid != legacy.wtxid)
        // Marker with all-empty witnesses, and a bad flag, are refused as Bitcoin Core does.
        var emptyWitness = encoded
        emptyWitness.replaceSubrange((encoded.count - 4 - 5)..<(encoded.count - 4), with: [0])
        #expect(throws: BitcoinError.self) { try Transaction(serialized: emptyWitness) }
        var badFlag = encoded
        badFlag[5] = 2
        #expect(throws: BitcoinError.self) { try Transaction(serialized: badFlag) }
    }

    @Test func hashDisplayOrder() throws {
        let hash = try Hash256(displayHex: "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
        #expect(hash.bytes.last == 0 && hash.bytes.first == 0x6f)
        #expect(hash.description == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
        #expect(throws: BitcoinError.self) { try Hash256(displayHex: "00") }
    }

    @Test func hash160KnownAnswers() {
        // RIPEMD-160 reference values (Dobbertin et al.) through HASH160 of the G point,
        // plus the P2WPKH program of BIP-173's first example key.
        let g = bytes(hex: "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
        #expect(Hex.encode(hash160(g)) == "751e76e8199196d454941c45d1b3a323f1433bd6")
    }
}
