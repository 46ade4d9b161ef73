import FMBitcoin
import FMSecp256k1
import FMTesting
import Testing

/// Every sighash record of BIP-143's examples, recomputed from the unsigned transaction.
struct BIP143Tests {
    static var examples: [[String: Any]] {
        let root = try! Fixtures.json("bip143_vectors.json") as! [String: Any]
        return root["examples"] as! [[String: Any]]
    }

    @Test func everySighashRecordIsReproduced() throws {
        var count = 0
        for example in Self.examples {
            let unsigned = try Transaction(serialized: bytes(hex: example["unsigned_tx"] as! String))
            #expect(Hex.encode(unsigned.serialized()) == example["unsigned_tx"] as! String)
            for record in example["sighashes"] as! [[String: Any]] {
                // The fixture's scriptCode carries its CompactSize prefix; strip it.
                var reader = BitcoinReader(bytes(hex: record["scriptCode"] as! String))
                let scriptCode = Script(try reader.readVarBytes(field: "scriptCode"))
                try reader.finish("scriptCode")
                let type = SighashType(rawValue: UInt32(record["nHashType"] as! Int))
                let index = record["input_index"] as! Int
                let amount = UInt64(record["amount_sat"] as! Int)
                let preimage = unsigned.segwitV0SignaturePreimage(
                    inputIndex: index, scriptCode: scriptCode, amount: amount, sighashType: type)
                #expect(Hex.encode(preimage) == record["preimage"] as! String, "\(example["section"]!) \(record["nHashType_name"]!)")
                let hash = unsigned.segwitV0SignatureHash(inputIndex: index, scriptCode: scriptCode, amount: amount, sighashType: type)
                #expect(Hex.encode(hash) == record["sighash"] as! String)
                count += 1
            }
        }
        #expect(count == 14)
    }

    @Test func allSighashTypesAreCovered() {
        let names = Set(Self.examples.flatMap { ($0["sighashes"] as! [[String: Any]]).map { $0["nHashType"] as! Int } })
        #expect(names == [0x01, 0x02, 0x03, 0x81, 0x82, 0x83])
    }

    @Test func signedTransactionsReserialize() throws {
        for example in Self.examples {
            let hex = example["signed_tx"] as! String
            let signed = try Transaction(serialized: bytes(hex: hex))
            #expect(Hex.encode(signed.serialized()) == hex)
            #expect(signed.txid.displayHex == example["signed_txid"] as! String)
            #expect(signed.wtxid.displayHex == example["signed_wtxid"] as! String)
            let unsigned = try Transaction(serialized: bytes(hex: example["unsigned_tx"] as! String))
            #expect(signed.outputs == unsigned.outputs)
            #expect(signed.inputs.map(\.previousOutput) == unsigned.inputs.map(\.previousOutput))
            #expect(signed.lockTime == unsigned.lockTime)
        }
    }

    /// The P2WPKH example signed here (RFC 6979) verifies under the BIP's sighash.
    @Test func signingTheP2WPKHExample() throws {
        let example = Self.examples[0]
        let record = (example["sighashes"] as! [[String: Any]])[0]
        let key = try SecretKey(rawRepresentation: bytes(hex: record["private_key"] as! String))
        let unsigned = try Transaction(serialized: bytes(hex: example["unsigned_tx"] as! String))
        let scriptCode = Script.payToPublicKeyHash(hash160(key.publicKey.compressed))
        let hash = unsigned.segwitV0SignatureHash(
            inputIndex: 1, scriptCode: scriptCode, amount: UInt64(record["amount_sat"] as! Int), sighashType: .all)
        #expect(Hex.encode(hash) == record["sighash"] as! String)
        let signature = try key.signECDSA(messageHash: hash)
        #expect(key.publicKey.isValidECDSASignature(signature, for: hash))
        // The BIP's own signature (with sighash byte) is the same RFC 6979 signature.
        #expect(Hex.encode(signature.derRepresentation + [0x01]) == record["signature"] as! String)
    }
}
