import FMTesting
import Testing

@testable import FMBLS12381

@Suite struct PairingTests {
    @Test func valuesMatchBlstAndZkcrypto() throws {
        let kat = try KAT()
        let scalars = Dictionary(uniqueKeysWithValues: kat.list("scalar_multiples", "vectors").map {
            ("s\($0["i"] as! Int)", $0["scalar"] as! String)
        })
        func lookup(_ name: String) -> Scalar { name == "1" ? .one : scalar(hexString: scalars[name]!) }
        for vector in kat.list("pairings", "vectors") {
            let p = try G1Point(compressed: bytes(hex: vector["aG1_compressed"] as! String))
            let q = try G2Point(compressed: bytes(hex: vector["bG2_compressed"] as! String))
            #expect(p == G1Point.generator * lookup(vector["a"] as! String))
            #expect(q == G2Point.generator * lookup(vector["b"] as! String))
            let expected = vector["tower_blst_zkcrypto"] as! [String]
            #expect(pairing(p, q).coefficients.map { hex($0.bigEndianBytes) } == expected)
        }
    }

    @Test func bilinearity() {
        var rng = SeededRandom(seed: 31)
        let a = Scalar.random(using: &rng)
        let b = Scalar.random(using: &rng)
        let base = pairing(.generator, .generator)
        #expect(!base.isOne)
        #expect(pairing(G1Point.generator * a, G2Point.generator * b) == base.pow(a * b))
        #expect(pairing(G1Point.generator * a, .generator) == pairing(.generator, G2Point.generator * a))
        #expect(base.pow(scalar(hexString: "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000")) * base == .one)
    }

    @Test func identityAndMultiPairing() {
        var rng = SeededRandom(seed: 32)
        #expect(pairing(.identity, .generator).isOne)
        #expect(pairing(.generator, .identity).isOne)
        #expect(multiPairing([]).isOne)
        let pairs = (0..<3).map { _ in
            (G1Point.generator * Scalar.random(using: &rng), G2Point.generator * Scalar.random(using: &rng))
        }
        let product = pairs.map { pairing($0.0, $0.1) }.reduce(Gt.one, *)
        #expect(multiPairing(pairs + [(.identity, .generator)]) == product)
        // e(aG1, G2)·e(-G1, aG2) = 1: the shape of a signature check.
        let a = Scalar.random(using: &rng)
        #expect(pairingProductIsOne([(G1Point.generator * a, .generator), (-G1Point.generator, G2Point.generator * a)]))
        #expect(!pairingProductIsOne([(G1Point.generator * a, .generator), (-G1Point.generator, G2Point.generator * (a + .one))]))
    }

    @Test func millerLoopStepsMatchGroupLaw() {
        var rng = SeededRandom(seed: 33)
        let q = G2Point.generator * Scalar.random(using: &rng)
        var t = (G2Point.generator * Scalar.random(using: &rng)).point
        let start = t
        _ = t.doublingStep()
        #expect(t == start.doubled())
        let (qx, qy) = q.affine!
        let before = t
        _ = t.additionStep(qx, qy)
        #expect(t == before + q.point)
    }

    /// Pairs with prepared (stored-line) G2 points give the same values as plain ones, alone or mixed.
    @Test func preparedLinesMatchPlainPairing() {
        var rng = SeededRandom(seed: 34)
        let pairs = (0..<3).map { _ in
            (G1Point.generator * Scalar.random(using: &rng), G2Point.generator * Scalar.random(using: &rng))
        }
        for (p, q) in pairs {
            #expect(multiPairing([], prepared: [(p, G2Prepared(q))]) == pairing(p, q))
        }
        let prepared = pairs.map { ($0.0, G2Prepared($0.1)) }
        #expect(multiPairing([], prepared: prepared) == multiPairing(pairs))
        #expect(multiPairing([pairs[0]], prepared: Array(prepared[1...])) == multiPairing(pairs))
        #expect(multiPairing([], prepared: [(pairs[0].0, .generator)]) == pairing(pairs[0].0, .generator))
        // Identities on either side contribute 1.
        #expect(multiPairing([pairs[0]], prepared: [(.identity, .generator), (pairs[1].0, G2Prepared(.identity))])
            == pairing(pairs[0].0, pairs[0].1))
        #expect(multiPairing([], prepared: [(.identity, .generator)]).isOne)
        let a = Scalar.random(using: &rng)
        #expect(pairingProductIsOne([(-G1Point.generator, G2Point.generator * a)], prepared: [(G1Point.generator * a, .generator)]))
        #expect(!pairingProductIsOne([(-G1Point.generator, G2Point.generator * (a + .one))], prepared: [(G1Point.generator * a, .generator)]))
    }
}
