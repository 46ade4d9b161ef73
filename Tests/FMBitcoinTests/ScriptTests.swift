import FMBitcoin
import FMSecp256k1
import FMTesting
import Testing

struct ScriptTests {
    @Test func minimalPushes() throws {
        func pushed(_ data: [UInt8]) -> String {
            var script = Script()
            script.appendPush(data)
            return script.hex
        }
        #expect(pushed([]) == "00")
        #expect(pushed([5]) == "55")
        #expect(pushed([16]) == "60")
        #expect(pushed([0x81]) == "4f")
        #expect(pushed([17]) == "0111")
        #expect(pushed([0]) == "0100")
        #expect(pushed([UInt8](repeating: 1, count: 75)).hasPrefix("4b"))
        #expect(pushed([UInt8](repeating: 1, count: 76)).hasPrefix("4c4c"))
        #expect(pushed([UInt8](repeating: 1, count: 256)).hasPrefix("4d0001"))
        #expect(pushed([UInt8](repeating: 1, count: 65536)).hasPrefix("4e00000100"))
        for size in [0, 1, 75, 76, 255, 256, 520] {
            let data = [UInt8](repeating: 0xaa, count: size)
            var script = Script()
            script.appendPush(data)
            let elements = try script.elements()
            if size == 0 { #expect(elements == [.op(.op0)]) } else { #expect(elements == [.push(data)]) }
        }
        #expect(throws: BitcoinError.self) { try Script([0x4c]).elements() }
        #expect(throws: BitcoinError.self) { try Script([0x05, 1, 2]).elements() }
    }

    @Test func scriptNumbers() {
        // CScriptNum encodings as in Bitcoin Core's script tests.
        let cases: [(Int64, String)] = [(0, ""), (1, "01"), (-1, "81"), (127, "7f"), (128, "8000"), (-128, "8080"), (255, "ff00"), (256, "0001"), (-255, "ff80"), (32767, "ff7f"), (32768, "008000")]
        for (n, hex) in cases { #expect(Hex.encode(Script.encodeNumber(n)) == hex) }
        // BIP-34 coinbase heights: 1...16 are single opcodes.
        var script = Script()
        script.appendNumber(1)
        #expect(script.hex == "51")
        script = Script()
        script.appendNumber(17)
        #expect(script.hex == "0111")
        script = Script()
        script.appendNumber(500_000)
        #expect(script.hex == "0320a107")
    }

    @Test func standardOutputs() throws {
        let key = try PublicKey(serialized: bytes(hex: "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"))
        let p2wpkh = Script.payToWitnessPublicKeyHash(key)
        #expect(p2wpkh.hex == "0014751e76e8199196d454941c45d1b3a323f1433bd6")
        #expect(p2wpkh.isPayToWitnessPublicKeyHash && !p2wpkh.isPayToWitnessScriptHash)
        // BIP-173: P2WSH of `<G> OP_CHECKSIG`.
        let witnessScript: Script = [.push(key.compressed), .op(.checkSig)]
        let p2wsh = Script.payToWitnessScriptHash(witnessScript)
        #expect(p2wsh.hex == "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262")
        #expect(p2wsh.isPayToWitnessScriptHash)
        #expect(Script.payToPublicKeyHash(hash160(key.compressed)).hex == "76a914751e76e8199196d454941c45d1b3a323f1433bd688ac")
        #expect(Script([0x6a]).witnessProgram == nil)
    }

    @Test func multisigScripts() throws {
        var rng = SeededRandom(seed: 31)
        let keys = (0..<4).map { _ in SecretKey(using: &rng).publicKey }
        let script = try Script.sortedMultisig(threshold: 3, keys)
        let parsed = try #require(script.multisigParameters)
        #expect(parsed.threshold == 3)
        #expect(parsed.keys == keys.sorted { $0.compressed.lexicographicallyPrecedes($1.compressed) })
        #expect(script.bytes.first == 0x53 && script.bytes.suffix(2) == [0x54, 0xae])
        #expect(throws: BitcoinError.self) { try Script.multisig(threshold: 0, keys) }
        #expect(throws: BitcoinError.self) { try Script.multisig(threshold: 5, keys) }
        #expect(throws: BitcoinError.self) { try Script.multisig(threshold: 1, []) }
    }

    @Test func pegInStyleTweakedDescriptor() throws {
        // Tweaking every key gives a different, still valid, federation address.
        var rng = SeededRandom(seed: 32)
        let keys = (0..<4).map { _ in SecretKey(using: &rng) }
        let descriptor = try MultisigDescriptor(threshold: 3, keys: keys.map(\.publicKey))
        let tweak = rng.bytes(32)
        let tweaked = try descriptor.mapKeys { try $0.adding(tweak: tweak) }
        #expect(tweaked.address(network: .regtest) != descriptor.address(network: .regtest))
        #expect(tweaked.address(network: .regtest).string.hasPrefix("bcrt1q"))
        #expect(try MultisigDescriptor(tweaked.string) == tweaked)
    }
}
