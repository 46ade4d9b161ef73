import FMBitcoin
import FMSecp256k1
import FMTesting
import Testing

struct SegwitVerifierTests {
    /// embit's signed 2-of-3 spend (oracle vectors) and its spent outputs.
    static func embitSpend() throws -> (Transaction, [TxOut], MultisigDescriptor) {
        let vectors = try LocalVectors.json("oracle_vectors.json")
        let keys = try (vectors["keys"] as! [String]).map { try SecretKey(rawRepresentation: bytes(hex: $0)) }
        let descriptor = try MultisigDescriptor(threshold: 2, keys: keys[0..<3].map(\.publicKey))
        let spend = vectors["multisig_spend"] as! [String: Any]
        let transaction = try Transaction(serialized: bytes(hex: spend["signed_tx"] as! String))
        let spent = (spend["amounts"] as! [Int]).map { TxOut(value: UInt64($0), scriptPubKey: descriptor.scriptPubKey) }
        return (transaction, spent, descriptor)
    }

    @Test func embitMultisigSpendVerifies() throws {
        let (transaction, spent, _) = try Self.embitSpend()
        for i in transaction.inputs.indices { try transaction.verifySegwitInput(i, spending: spent[i]) }
    }

    @Test func bip143NativeP2WPKHVerifies() throws {
        let example = BIP143Tests.examples[0]
        let signed = try Transaction(serialized: bytes(hex: example["signed_tx"] as! String))
        let info = (example["inputs_info"] as! [[String: Any]])[1]
        let spent = TxOut(value: UInt64(info["amount_sat"] as! Int), scriptPubKey: Script(bytes(hex: info["scriptPubKey"] as! String)))
        try signed.verifySegwitInput(1, spending: spent)
        var wrongAmount = spent
        wrongAmount.value -= 1
        #expect(throws: ScriptVerificationError.nullFail) { try signed.verifySegwitInput(1, spending: wrongAmount) }
    }

    @Test func brokenMultisigSpendsAreRejectedLikeBitcoinCore() throws {
        let (transaction, spent, descriptor) = try Self.embitSpend()
        func expect(_ error: ScriptVerificationError, _ change: (inout Transaction) -> Void) {
            var tx = transaction
            change(&tx)
            #expect(throws: error) { try tx.verifySegwitInput(0, spending: spent[0]) }
        }
        expect(.nullFail) { $0.inputs[0].witness.swapAt(1, 2) }  // signatures out of key order
        expect(.nullFail) { $0.outputs[0].value -= 1 }  // signed data changed
        expect(.nullDummy) { $0.inputs[0].witness[0] = [0] }
        expect(.cleanStack) { $0.inputs[0].witness.insert([], at: 0) }
        expect(.invalidStackOperation) { $0.inputs[0].witness.remove(at: 1) }
        expect(.witnessProgramMismatch) { $0.inputs[0].witness[3] = descriptor.witnessScript.bytes + [0x51] }
        expect(.scriptSigNotEmpty) { $0.inputs[0].scriptSig = Script([0x51]) }
        expect(.emptyWitness) { $0.inputs[0].witness = [] }
        expect(.undefinedSighashType) { $0.inputs[0].witness[1][$0.inputs[0].witness[1].count - 1] = 0x04 }
        expect(.nonCanonicalDER) { $0.inputs[0].witness[1].insert(0, at: 4) }
        expect(.evalFalse) { $0.inputs[0].witness[1] = []; $0.inputs[0].witness[2] = [] }
        // The high-S twin of a valid signature is refused by policy.
        expect(.highS) { tx in
            let sig = tx.inputs[0].witness[1]
            let parsed = try! ECDSASignature(derRepresentation: sig.dropLast())
            tx.inputs[0].witness[1] = Self.highS(parsed).derRepresentation + [sig.last!]
        }
        #expect(ScriptVerificationError.nullDummy.isConsensus && !ScriptVerificationError.highS.isConsensus)
        #expect("\(ScriptVerificationError.evalFalse)".contains("false/empty top stack element"))
    }

    @Test func p2wpkhSignedHereVerifies() throws {
        var rng = SeededRandom(seed: 40)
        let key = SecretKey(using: &rng)
        let spent = TxOut(value: 50_000, scriptPubKey: Script.payToWitnessPublicKeyHash(key.publicKey))
        var tx = Transaction(
            inputs: [TxIn(previousOutput: OutPoint(txid: try Hash256(bytes: rng.bytes(32)), index: 1))],
            outputs: [TxOut(value: 49_000, scriptPubKey: Script.payToWitnessPublicKeyHash(SecretKey(using: &rng).publicKey))])
        let hash = tx.segwitV0SignatureHash(
            inputIndex: 0, scriptCode: Script.payToPublicKeyHash(hash160(key.publicKey.compressed)), amount: spent.value, sighashType: .all)
        tx.inputs[0].witness = [try key.signECDSA(messageHash: hash).derRepresentation + [0x01], key.publicKey.compressed]
        try tx.verifySegwitInput(0, spending: spent)
        var uncompressed = tx
        uncompressed.inputs[0].witness[1] = key.publicKey.uncompressed
        #expect(throws: ScriptVerificationError.witnessProgramMismatch) { try uncompressed.verifySegwitInput(0, spending: spent) }
        var otherKey = tx
        otherKey.inputs[0].witness[1] = SecretKey(using: &rng).publicKey.compressed
        #expect(throws: ScriptVerificationError.witnessProgramMismatch) { try otherKey.verifySegwitInput(0, spending: spent) }
    }

    static func highS(_ signature: ECDSASignature) -> ECDSASignature {
        let n = bytes(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
        let s = Array(signature.compactRepresentation[32...])
        var out = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for i in stride(from: 31, through: 0, by: -1) {
            let d = Int(n[i]) - Int(s[i]) - borrow
            out[i] = UInt8((d + 256) % 256)
            borrow = d < 0 ? 1 : 0
        }
        return try! ECDSASignature(compactRepresentation: Array(signature.compactRepresentation[..<32]) + out)
    }
}

/// Bitcoin Core's interpreter (libbitcoinkernel, Vectors/generate_kernel_vectors.py) as the judge.
struct KernelAgreementTests {
    @Test func consensusVerdictsMatchBitcoinCore() throws {
        let vectors = try LocalVectors.json("kernel_vectors.json")
        let amounts = (vectors["amounts"] as! [Int]).map(UInt64.init)
        let script = Script(bytes(hex: vectors["script_pubkey"] as! String))
        let cases = vectors["cases"] as! [[String: Any]]
        #expect(cases.count == 11)
        for entry in cases {
            let tx = try Transaction(serialized: bytes(hex: entry["tx"] as! String))
            let index = entry["input"] as! Int
            let spent = TxOut(value: amounts[index], scriptPubKey: script)
            let coreValid = entry["core_consensus_valid"] as! Bool
            let ours = Result { () throws(ScriptVerificationError) in try tx.verifySegwitInput(index, spending: spent, rules: .consensus) }
            let accepted = (try? ours.get()) != nil
            #expect(accepted == coreValid, "\(entry["case"]!)")
            // Standard rules never accept what consensus rejects.
            if !coreValid {
                #expect(throws: ScriptVerificationError.self) { try tx.verifySegwitInput(index, spending: spent, rules: .standard) }
            }
        }
        let highS = try #require(cases.first { $0["case"] as! String == "high S" })
        let tx = try Transaction(serialized: bytes(hex: highS["tx"] as! String))
        #expect(throws: ScriptVerificationError.highS) {
            try tx.verifySegwitInput(0, spending: TxOut(value: amounts[0], scriptPubKey: script), rules: .standard)
        }
    }
}
