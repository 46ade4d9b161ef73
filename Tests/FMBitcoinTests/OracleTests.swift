import FMBitcoin
import FMSecp256k1
import FMTesting
import Testing

/// Agreement with embit and python-bitcoinlib (see Vectors/generate_oracle_vectors.py).
struct OracleTests {
    let vectors: [String: Any]
    let keys: [SecretKey]

    init() throws {
        vectors = try LocalVectors.json("oracle_vectors.json")
        keys = try (vectors["keys"] as! [String]).map { try SecretKey(rawRepresentation: bytes(hex: $0)) }
    }

    @Test func p2wpkhAddresses() throws {
        for (key, entry) in zip(keys, vectors["p2wpkh"] as! [[String: String]]) {
            #expect(Hex.encode(key.publicKey.compressed) == entry["public_key"])
            let script = Script.payToWitnessPublicKeyHash(key.publicKey)
            #expect(script.hex == entry["script"])
            for network in [Network.mainnet, .testnet, .regtest] {
                #expect(try SegwitAddress(scriptPubKey: script, network: network).string == entry[network.rawValue])
            }
        }
    }

    @Test func p2trAddresses() throws {
        for (key, entry) in zip(keys, vectors["p2tr"] as! [[String: String]]) {
            let internalKey = key.publicKey.xOnly.key
            #expect(Hex.encode(internalKey.rawRepresentation) == entry["internal_key"])
            let script = try Script.payToTaproot(internalKey: internalKey)
            #expect(script.hex == entry["script"])
            #expect(script.isPayToTaproot)
            for network in [Network.mainnet, .testnet, .regtest] {
                #expect(try SegwitAddress(scriptPubKey: script, network: network).string == entry[network.rawValue])
            }
        }
    }

    @Test func sortedMultiDescriptor() throws {
        let entry = vectors["sortedmulti"] as! [String: String]
        let descriptor = try MultisigDescriptor(threshold: 2, keys: keys[0..<3].map(\.publicKey))
        #expect(descriptor.body == entry["descriptor"])
        #expect(descriptor.string == entry["with_checksum"])
        #expect(descriptor.witnessScript.hex == entry["witness_script"])
        #expect(descriptor.scriptPubKey.hex == entry["script_pubkey"])
        for network in [Network.mainnet, .testnet, .regtest] {
            #expect(descriptor.address(network: network).string == entry[network.rawValue])
        }
        #expect(try MultisigDescriptor(entry["with_checksum"]!) == descriptor)
        #expect(try MultisigDescriptor(entry["descriptor"]!) == descriptor)
        // Key order in the descriptor does not change a sortedmulti script.
        let reversed = try MultisigDescriptor(threshold: 2, keys: keys[0..<3].map(\.publicKey).reversed())
        #expect(reversed.witnessScript == descriptor.witnessScript)

        let multi = vectors["multi"] as! [String: String]
        let plain = try MultisigDescriptor(multi["descriptor"]!)
        #expect(!plain.sorted)
        #expect(plain.string == multi["with_checksum"])
        #expect(plain.witnessScript.hex == multi["witness_script"])
    }

    @Test func descriptorChecksums() throws {
        for full in vectors["checksums"] as! [String] {
            let parts = full.split(separator: "#")
            #expect(try DescriptorChecksum.checksum(String(parts[0])) == String(parts[1]))
            #expect(try DescriptorChecksum.verify(full) == String(parts[0]))
            var wrong = Array(full)
            wrong[wrong.count - 1] = wrong.last == "q" ? "p" : "q"
            #expect(throws: BitcoinError.self) { try DescriptorChecksum.verify(String(wrong)) }
        }
        // BIP-380's own example.
        #expect(try DescriptorChecksum.checksum("raw(deadbeef)") == "89f8spxm")
        let entry = vectors["sortedmulti"] as! [String: String]
        var tampered = entry["with_checksum"]!
        tampered = tampered.replacingOccurrences(of: "sortedmulti(2", with: "sortedmulti(1")
        #expect(throws: BitcoinError.self) { try MultisigDescriptor(tampered) }
    }

    /// A 2-of-3 P2WSH spend built, signed and finalized here equals embit's, byte for byte.
    @Test func multisigSpendMatchesEmbit() throws {
        let spend = vectors["multisig_spend"] as! [String: Any]
        let descriptor = try MultisigDescriptor(threshold: 2, keys: keys[0..<3].map(\.publicKey))
        let unsigned = try Transaction(serialized: bytes(hex: spend["unsigned_tx"] as! String))
        #expect(Hex.encode(unsigned.serialized()) == spend["unsigned_tx"] as! String)
        let amounts = (spend["amounts"] as! [Int]).map(UInt64.init)

        var psbt = try PSBT(unsignedTransaction: unsigned)
        for i in psbt.inputs.indices {
            psbt.inputs[i].witnessUTXO = TxOut(value: amounts[i], scriptPubKey: descriptor.scriptPubKey)
            psbt.inputs[i].witnessScript = descriptor.witnessScript
        }
        #expect(psbt.base64 == spend["unsigned_psbt"] as! String)
        #expect(try PSBT(base64: spend["unsigned_psbt"] as! String) == psbt)

        let sighashes = spend["sighashes"] as! [String]
        let signatures = spend["signatures"] as! [[String: String]]
        for i in psbt.inputs.indices {
            #expect(Hex.encode(try psbt.signatureHash(inputIndex: i)) == sighashes[i])
            for key in [keys[0], keys[2]] {
                try psbt.sign(inputIndex: i, with: key)
                let ours = psbt.inputs[i].partialSignatures.first { $0.publicKey == key.publicKey }!.signature
                #expect(Hex.encode(ours) == signatures[i][Hex.encode(key.publicKey.compressed)])
            }
        }
        #expect(try PSBT(base64: spend["signed_psbt"] as! String).inputs.map { Set($0.partialSignatures) }
            == psbt.inputs.map { Set($0.partialSignatures) })

        for i in psbt.inputs.indices { try psbt.finalizeMultisigInput(i) }
        let signed = try psbt.extractTransaction()
        #expect(Hex.encode(signed.serialized()) == spend["signed_tx"] as! String)
        #expect(signed.txid.displayHex == spend["txid"] as! String)
        #expect(try Transaction(serialized: signed.serialized()) == signed)
    }

    @Test func merkleRootsMatchPythonBitcoinlib() throws {
        for entry in vectors["merkle_roots"] as! [[String: Any]] {
            let txids = try (entry["txids"] as! [String]).map { try Hash256(bytes: bytes(hex: $0)) }
            #expect(Hex.encode(Merkle.root(txids).bytes) == entry["root"] as! String)
        }
    }

    @Test func genesisBlocks() throws {
        let mainnet = vectors["genesis_block"] as! [String: String]
        let block = try Block(serialized: bytes(hex: mainnet["hex"]!))
        #expect(Hex.encode(block.serialized) == mainnet["hex"])
        #expect(block.hash.displayHex == mainnet["hash"])
        #expect(block.header.merkleRoot.displayHex == mainnet["merkle_root"])
        #expect(block.computedMerkleRoot == block.header.merkleRoot)
        #expect(block.header.hasValidProofOfWork)
        #expect(block.transactions[0].isCoinbase)

        let regtest = vectors["regtest_genesis_block"] as! [String: String]
        let regtestBlock = try Block(serialized: bytes(hex: regtest["hex"]!))
        #expect(regtestBlock.hash.displayHex == regtest["hash"])
        #expect(regtestBlock.header.bits == 0x207f_ffff)
        #expect(regtestBlock.header.hasValidProofOfWork)
    }
}
