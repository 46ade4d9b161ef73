import FMBLS12381
import FMBenchmarking
import FMCrypto
import FMSecp256k1

/// The measurements behind `fm-bench bls`, in the order of the brief's list.
struct BLSBenchmarkSuite {
    static let reference = "schnorr verify"
    /// The rows bin/bench-bls-peers measures through blst and arkworks too (same names in its table).
    static let comparedRows: Set<String> = [
        "pairing", "multi-pairing of 8", "G1 scalar mult (const time)", "G2 scalar mult (const time)",
        "hash to G1", "share verify", "batch verify 100 notes",
    ]
    let options: BenchmarkOptions
    /// Only the rows in ``comparedRows`` (what the side-by-side script needs).
    var comparedOnly = false

    func run() -> BenchmarkReport {
        let clock = options.clock ?? .threadCPU
        var report = BenchmarkReport(
            title: "BLS12-381 / threshold blind signatures", referenceName: Self.reference, clock: clock)
        var rng = SystemRandomNumberGenerator()
        func bench(_ name: String, _ iterations: Int) -> Benchmark {
            Benchmark(name, iterations: options.iterations(iterations), warmupIterations: 2, clock: clock)
        }
        // Adds a row unless --compared-only leaves it out (then the body never runs).
        func add<R>(_ name: String, _ iterations: Int, _ body: () -> R) {
            guard !comparedOnly || Self.comparedRows.contains(name) else { return }
            report.add(bench(name, iterations).run(body))
        }

        // Reference: libsecp256k1 Schnorr verification of a 32-byte message.
        let keypair = Keypair()
        let schnorrMessage = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let schnorrSignature = keypair.signSchnorr(message: schnorrMessage)
        let xOnly = keypair.xOnlyPublicKey
        add(Self.reference, 2000) { xOnly.isValidSchnorrSignature(schnorrSignature, for: schnorrMessage) }

        let p = G1Point.generator * Scalar.random(using: &rng)
        let q = G2Point.generator * Scalar.random(using: &rng)
        let pairs = (0..<8).map { _ in
            (G1Point.generator * Scalar.random(using: &rng), G2Point.generator * Scalar.random(using: &rng))
        }
        add("pairing", 200) { pairing(p, q) }
        add("multi-pairing of 2", 100) { multiPairing(Array(pairs.prefix(2))) }
        add("multi-pairing of 8", 50) { multiPairing(pairs) }

        let secretScalar = Scalar.random(using: &rng)
        add("G1 scalar mult (const time)", 300) { p * secretScalar }
        add("G2 scalar mult (const time)", 200) { q * secretScalar }
        add("G1 scalar mult (var time)", 300) { p.multipliedVarTime(by: secretScalar) }

        var counter: UInt64 = 0
        add("hash to G1", 300) { () -> G1Point in
            counter &+= 1
            return HashToG1.hash(withUnsafeBytes(of: counter) { Array($0) }, domain: DomainTags.mintMessage)
        }

        // Threshold blind signatures, t = 3 of n = 4.
        let keys = TrustedDealer.dealKeysForTesting(threshold: 3, peers: 4, using: &rng)
        let message = Message(nonce: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let blindingKey = BlindingKey.random(using: &rng)
        let blinded = message.blinded(by: blindingKey)
        let shares = keys.secretKeyShares.map { $0.sign(blinded) }
        add("blind (r·M)", 300) { message.blinded(by: blindingKey) }
        add("share sign", 300) { keys.secretKeyShares[0].sign(blinded) }
        add("share verify", 200) { keys.publicKeyShares[0].verify(shares[0], on: blinded) }
        let chosen = [(peer: 3, share: shares[3]), (peer: 0, share: shares[0]), (peer: 2, share: shares[2])]
        add("combine 3 of 4", 300) { try! BlindSignature.combine(chosen, threshold: 3) }
        let blindSignature = try! BlindSignature.combine(chosen, threshold: 3)
        add("unblind", 300) { blindSignature.unblinded(by: blindingKey) }
        let signature = blindSignature.unblinded(by: blindingKey)
        precondition(keys.aggregatePublicKey.verify(signature, on: message), "benchmark note does not verify")
        add("verify note", 200) { keys.aggregatePublicKey.verify(signature, on: message) }

        // Threshold encryption of a Lightning preimage to the same 3-of-4 key (docs/threshold-encryption.md).
        let encryptionKey = EncryptionPublicKey(keys.aggregatePublicKey)
        let preimage = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let contract = Array("incoming contract".utf8)
        add("tpe encrypt", 100) {
            ThresholdEncryption.encrypt(preimage, to: encryptionKey, associatedData: contract)
        }
        let ciphertext = ThresholdEncryption.encrypt(preimage, to: encryptionKey, associatedData: contract)
        add("tpe ciphertext valid", 100) { ciphertext.isValid(associatedData: contract) }
        let decryptionKeys = keys.secretKeyShares.map(DecryptionKeyShare.init)
        let publicShares = Dictionary(uniqueKeysWithValues: keys.publicKeyShares.enumerated().map {
            ($0, DecryptionPublicKeyShare($1))
        })
        add("tpe decryption share", 100) {
            ThresholdEncryption.decryptionShare(for: ciphertext, associatedData: contract, with: decryptionKeys[0])
        }
        let decryptionShares = [3, 0, 2].map { peer in
            (peer: peer, share: ThresholdEncryption.decryptionShare(
                for: ciphertext, associatedData: contract, with: decryptionKeys[peer])!)
        }
        add("tpe share verify", 100) {
            ThresholdEncryption.verify(decryptionShares[0].share, for: ciphertext, from: publicShares[3]!)
        }
        precondition(
            (try? ThresholdEncryption.combine(decryptionShares, for: ciphertext, publicShares: publicShares)) == preimage,
            "benchmark preimage does not decrypt")
        add("tpe combine 3 of 4 (checks all)", 50) {
            try! ThresholdEncryption.combine(decryptionShares, for: ciphertext, publicShares: publicShares)
        }

        // 100 notes: one batch (random linear combination + one multi-pairing) vs one by one.
        let secret = TrustedDealer.dealKeysForTesting(threshold: 1, peers: 1, using: &rng)
        let notes = (0..<100).map { i -> (message: Message, signature: Signature) in
            let m = Message(nonce: withUnsafeBytes(of: UInt64(i)) { Array($0) })
            return (m, Signature(secret.secretKeyShares[0].sign(BlindedMessage(m.point)).point))
        }
        let key = secret.aggregatePublicKey
        precondition(key.verifyBatch(notes), "benchmark notes do not verify")
        add("batch verify 100 notes", 20) { key.verifyBatch(notes) }
        add("100 single verifications", 3) { notes.allSatisfy { key.verify($0.signature, on: $0.message) } }
        return report
    }
}
