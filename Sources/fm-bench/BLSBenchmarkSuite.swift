import FMBLS12381
import FMBenchmarking
import FMCrypto
import FMSecp256k1

/// The measurements behind `fm-bench bls`, in the order of the brief's list.
struct BLSBenchmarkSuite {
    static let reference = "schnorr verify"
    let options: BenchmarkOptions

    func run() -> BenchmarkReport {
        let clock = options.clock ?? .threadCPU
        var report = BenchmarkReport(
            title: "BLS12-381 / threshold blind signatures", referenceName: Self.reference, clock: clock)
        var rng = SystemRandomNumberGenerator()
        func bench(_ name: String, _ iterations: Int) -> Benchmark {
            Benchmark(name, iterations: options.iterations(iterations), warmupIterations: 2, clock: clock)
        }

        // Reference: libsecp256k1 Schnorr verification of a 32-byte message.
        let keypair = Keypair()
        let schnorrMessage = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let schnorrSignature = keypair.signSchnorr(message: schnorrMessage)
        let xOnly = keypair.xOnlyPublicKey
        report.add(
            bench(Self.reference, 2000).run { xOnly.isValidSchnorrSignature(schnorrSignature, for: schnorrMessage) },
            note: "brief: libsecp256k1 27.5 µs")

        let p = G1Point.generator * Scalar.random(using: &rng)
        let q = G2Point.generator * Scalar.random(using: &rng)
        let pairs = (0..<8).map { _ in
            (G1Point.generator * Scalar.random(using: &rng), G2Point.generator * Scalar.random(using: &rng))
        }
        report.add(bench("pairing", 200).run { pairing(p, q) }, note: "blst 0.46 ms, zkcrypto 0.9 ms; target < 0.9 ms")
        report.add(bench("multi-pairing of 2", 100).run { multiPairing(Array(pairs.prefix(2))) })
        report.add(bench("multi-pairing of 8", 50).run { multiPairing(pairs) })

        let secretScalar = Scalar.random(using: &rng)
        report.add(bench("G1 scalar mult (const time)", 300).run { p * secretScalar }, note: "blst 76 µs, zkcrypto 250 µs")
        report.add(bench("G2 scalar mult (const time)", 200).run { q * secretScalar }, note: "blst 177 µs, zkcrypto 730 µs")
        report.add(bench("G1 scalar mult (var time)", 300).run { p.multipliedVarTime(by: secretScalar) })

        var counter: UInt64 = 0
        report.add(
            bench("hash to G1", 300).run { () -> G1Point in
                counter &+= 1
                return HashToG1.hash(withUnsafeBytes(of: counter) { Array($0) }, domain: DomainTags.mintMessage)
            }, note: "blst 42 µs")

        // Threshold blind signatures, t = 3 of n = 4.
        let keys = TrustedDealer.dealKeysForTesting(threshold: 3, peers: 4, using: &rng)
        let message = Message(nonce: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let blindingKey = BlindingKey.random(using: &rng)
        let blinded = message.blinded(by: blindingKey)
        let shares = keys.secretKeyShares.map { $0.sign(blinded) }
        report.add(bench("blind (r·M)", 300).run { message.blinded(by: blindingKey) })
        report.add(bench("share sign", 300).run { keys.secretKeyShares[0].sign(blinded) })
        report.add(bench("share verify", 200).run { keys.publicKeyShares[0].verify(shares[0], on: blinded) })
        let chosen = [(peer: 3, share: shares[3]), (peer: 0, share: shares[0]), (peer: 2, share: shares[2])]
        report.add(bench("combine 3 of 4", 300).run { try! BlindSignature.combine(chosen, threshold: 3) })
        let blindSignature = try! BlindSignature.combine(chosen, threshold: 3)
        report.add(bench("unblind", 300).run { blindSignature.unblinded(by: blindingKey) })
        let signature = blindSignature.unblinded(by: blindingKey)
        precondition(keys.aggregatePublicKey.verify(signature, on: message), "benchmark note does not verify")
        report.add(bench("verify note", 200).run { keys.aggregatePublicKey.verify(signature, on: message) })

        // Threshold encryption of a Lightning preimage to the same 3-of-4 key (docs/threshold-encryption.md).
        let encryptionKey = EncryptionPublicKey(keys.aggregatePublicKey)
        let preimage = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let contract = Array("incoming contract".utf8)
        report.add(bench("tpe encrypt", 100).run {
            ThresholdEncryption.encrypt(preimage, to: encryptionKey, associatedData: contract)
        })
        let ciphertext = ThresholdEncryption.encrypt(preimage, to: encryptionKey, associatedData: contract)
        report.add(bench("tpe ciphertext valid", 100).run { ciphertext.isValid(associatedData: contract) })
        let decryptionKeys = keys.secretKeyShares.map(DecryptionKeyShare.init)
        let publicShares = Dictionary(uniqueKeysWithValues: keys.publicKeyShares.enumerated().map {
            ($0, DecryptionPublicKeyShare($1))
        })
        report.add(bench("tpe decryption share", 100).run {
            ThresholdEncryption.decryptionShare(for: ciphertext, associatedData: contract, with: decryptionKeys[0])
        })
        let decryptionShares = [3, 0, 2].map { peer in
            (peer: peer, share: ThresholdEncryption.decryptionShare(
                for: ciphertext, associatedData: contract, with: decryptionKeys[peer])!)
        }
        report.add(bench("tpe share verify", 100).run {
            ThresholdEncryption.verify(decryptionShares[0].share, for: ciphertext, from: publicShares[3]!)
        })
        precondition(
            (try? ThresholdEncryption.combine(decryptionShares, for: ciphertext, publicShares: publicShares)) == preimage,
            "benchmark preimage does not decrypt")
        report.add(bench("tpe combine 3 of 4 (checks all)", 50).run {
            try! ThresholdEncryption.combine(decryptionShares, for: ciphertext, publicShares: publicShares)
        })

        // 100 notes: one batch (random linear combination + one multi-pairing) vs one by one.
        let secret = TrustedDealer.dealKeysForTesting(threshold: 1, peers: 1, using: &rng)
        let notes = (0..<100).map { i -> (message: Message, signature: Signature) in
            let m = Message(nonce: withUnsafeBytes(of: UInt64(i)) { Array($0) })
            return (m, Signature(secret.secretKeyShares[0].sign(BlindedMessage(m.point)).point))
        }
        let key = secret.aggregatePublicKey
        precondition(key.verifyBatch(notes), "benchmark notes do not verify")
        report.add(bench("batch verify 100 notes", 20).run { key.verifyBatch(notes) })
        report.add(
            bench("100 single verifications", 3).run { notes.allSatisfy { key.verify($0.signature, on: $0.message) } })
        return report
    }
}
