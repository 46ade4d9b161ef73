import FMBitcoin
import FMSecp256k1
import FMTesting
import Testing

struct GenesisAndAmountTests {
    @Test func genesisBlocksMatchBitcoinCore() throws {
        let vectors = try LocalVectors.json("oracle_vectors.json")
        let mainnet = vectors["genesis_block"] as! [String: String]
        let regtest = vectors["regtest_genesis_block"] as! [String: String]
        #expect(Hex.encode(Network.mainnet.genesisBlock.serialized) == mainnet["hex"])
        #expect(Hex.encode(Network.regtest.genesisBlock.serialized) == regtest["hex"])
        #expect(Network.regtest.genesisBlock.hash.displayHex == "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206")
        #expect(Network.testnet.genesisBlock.hash.displayHex == "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943")
        #expect(Network.signet.genesisBlock.hash.displayHex == "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6")
        for network in Network.allCases {
            #expect(network.genesisBlock.header.hasValidProofOfWork)
            #expect(network.genesisBlock.header.target! <= network.proofOfWorkLimit)
        }
    }

    @Test func btcAmounts() throws {
        #expect(BitcoinAmount.btcString(satoshis: 0) == "0.00000000")
        #expect(BitcoinAmount.btcString(satoshis: 150_000_000) == "1.50000000")
        #expect(BitcoinAmount.btcString(satoshis: 1) == "0.00000001")
        #expect(try BitcoinAmount.satoshis(btc: "0.00000001") == 1)
        #expect(try BitcoinAmount.satoshis(btc: "1.5") == 150_000_000)
        #expect(try BitcoinAmount.satoshis(btc: "21000000") == BitcoinAmount.maxMoney)
        for bad in ["", ".5", "1.", "1.000000001", "-1", "1e-3", "21000000.00000001", "abc", "1.2.3"] {
            #expect(throws: BitcoinError.self, "\(bad)") { try BitcoinAmount.satoshis(btc: bad) }
        }
    }

    @Test func sharedContextIsSafeAcrossTasks() async throws {
        // Many tasks sign and verify at once with the one libsecp256k1 context.
        let results = await withTaskGroup(of: Bool.self) { group in
            for seed in 0..<16 {
                group.addTask {
                    var rng = SeededRandom(seed: UInt64(seed))
                    let keypair = Keypair(using: &rng)
                    var ok = true
                    for _ in 0..<50 {
                        let message = rng.bytes(32)
                        let schnorr = keypair.signSchnorr(message: message)
                        let ecdsa = try! keypair.secretKey.signECDSA(messageHash: message)
                        ok = ok && keypair.xOnlyPublicKey.isValidSchnorrSignature(schnorr, for: message)
                            && keypair.publicKey.isValidECDSASignature(ecdsa, for: message)
                    }
                    return ok
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 16 && results.allSatisfy { $0 })
    }
}
