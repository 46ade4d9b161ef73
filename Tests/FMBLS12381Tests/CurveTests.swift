import FMTesting
import Testing

@testable import FMBLS12381

/// The known-answer file generated with py_ecc and cross-checked with blst (Tests/Vectors/bls12381_kat.json).
struct KAT {
    let root: [String: Any]
    init() throws { root = try #require(try Fixtures.json("bls12381_kat.json") as? [String: Any]) }
    subscript(_ key: String) -> [String: Any] { root[key] as! [String: Any] }
    func list(_ key: String, _ inner: String) -> [[String: Any]] { self[key][inner] as! [[String: Any]] }
}

func scalar(hexString: String) -> Scalar { Scalar(bigEndianBytes: bytes(hex: hexString))! }

@Suite struct G1Tests {
    @Test func generatorMatchesVectors() throws {
        let kat = try KAT()
        let g1 = kat["generators"]["G1"] as! [String: String]
        #expect(hex(G1Point.generator.compressed) == g1["compressed"])
        #expect(hex(G1Point.generator.uncompressed) == g1["uncompressed"])
        #expect(G1Point.generator.isOnCurve && G1Point.generator.isInSubgroup)
        let infinity = kat["generators"]["G1_infinity"] as! [String: String]
        #expect(hex(G1Point.identity.compressed) == infinity["compressed"])
        #expect(hex(G1Point.identity.uncompressed) == infinity["uncompressed"])
        #expect(try G1Point(compressed: bytes(hex: infinity["compressed"]!)).isIdentity)
        #expect(try G1Point(uncompressed: bytes(hex: infinity["uncompressed"]!)).isIdentity)
    }

    @Test func scalarMultiplesMatchVectors() throws {
        let kat = try KAT()
        let cases = kat.list("scalar_multiples", "vectors") + (kat.root["edge_scalar_multiples"] as! [[String: Any]])
        for vector in cases {
            let k = scalar(hexString: vector["scalar"] as! String)
            let expected = vector["g1"] as! [String: String]
            let product = G1Point.generator * k
            #expect(hex(product.compressed) == expected["compressed"])
            #expect(hex(product.uncompressed) == expected["uncompressed"])
            #expect(G1Point.generator.multipliedVarTime(by: k) == product)
            let decoded = try G1Point(compressed: bytes(hex: expected["compressed"]!))
            #expect(decoded == product)
            #expect(try G1Point(uncompressed: bytes(hex: expected["uncompressed"]!)) == product)
            if let (x, y) = product.affine {
                #expect(hex(x.bigEndianBytes) == expected["x"])
                #expect(hex(y.bigEndianBytes) == expected["y"])
            }
        }
    }

    @Test func invalidEncodingsAreRejected() throws {
        let kat = try KAT()
        for vector in kat["invalid_encodings"]["g1"] as! [[String: Any]] {
            let encoding = bytes(hex: vector["encoding"] as! String)
            #expect(throws: BLSError.self, "\(vector["reason"]!)") { try G1Point(compressed: encoding) }
        }
        // Specific reasons for a few of them.
        #expect(throws: BLSError.wrongLength(expected: 48, actual: 47)) {
            try G1Point(compressed: [UInt8](repeating: 0x80, count: 47))
        }
        let p = "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab"
        var xIsP = bytes(hex: p)
        xIsP[0] |= 0x80
        #expect(throws: BLSError.nonCanonicalFieldElement) { try G1Point(compressed: xIsP) }
        var four = [UInt8](repeating: 0, count: 48)
        four[0] = 0x80
        four[47] = 4
        #expect(throws: BLSError.notInSubgroup) { try G1Point(compressed: four) }
        four[47] = 1
        #expect(throws: BLSError.notOnCurve) { try G1Point(compressed: four) }
    }

    @Test func groupLaws() {
        var rng = SeededRandom(seed: 11)
        let g = G1Point.generator
        let a = Scalar.random(using: &rng)
        let b = Scalar.random(using: &rng)
        #expect(g * a + g * b == g * (a + b))
        #expect((g * a) * b == g * (a * b))
        #expect(g * a - g * a == .identity)
        #expect(g + .identity == g && .identity + g == g)
        #expect(g.doubled() == g + g)
        #expect(G1Point.identity.doubled().isIdentity)
        #expect((g * a).doubled() == g * a + g * a)
        #expect(G1Point.identity * a == .identity)
        #expect(g * Scalar.zero == .identity)
        #expect(g.multipliedVarTime(by: .zero) == .identity)
        #expect(-g + g == .identity)
        #expect(G1Point.identity.affine == nil)
        // r·G = O, checked with the var-time multiplication over the raw limbs of r.
        #expect(g.point.multipliedVarTime(byLimbs: Scalar.modulusLimbs).isIdentity)
        #expect(g * (-Scalar.one) == -g)
        #expect(Set([g, g + .identity, g.doubled() - g]).count == 1)
    }

    @Test func compressionRoundTrips() throws {
        var rng = SeededRandom(seed: 12)
        for _ in 0..<10 {
            let point = G1Point.generator * Scalar.random(using: &rng)
            #expect(try G1Point(compressed: point.compressed) == point)
            #expect(try G1Point(uncompressed: point.uncompressed) == point)
            #expect(try G1Point(compressed: (-point).compressed) == -point)
        }
    }

    @Test func multiScalarMultiplicationMatchesNaiveSum() {
        var rng = SeededRandom(seed: 13)
        // Short scalars too: a batch check's 64-bit coefficients (the windows end at the highest set bit of any scalar).
        for (count, short) in [(0, false), (1, false), (5, false), (8, false), (33, false), (12, true), (33, true)] {
            var points = [G1Point]()
            var scalars = [Scalar]()
            var expected = G1Point.identity
            for i in 0..<count {
                let point = i == 3 ? G1Point.identity : G1Point.generator * Scalar.random(using: &rng)
                let k = i == 4 ? Scalar.zero : short ? Scalar(UInt64.random(in: 1...UInt64.max, using: &rng) >> (i % 3)) : Scalar.random(using: &rng)
                points.append(point)
                scalars.append(k)
                expected = expected + point * k
            }
            #expect(G1Point.multiScalarMultiply(points, scalars) == expected)
        }
    }

    /// Review 9: Pippenger's windows end at the highest set bit of any scalar, so all-zero scalars mean no window at
    /// all, and a lone 1 or the top bit of r − 1 one window more; none may trap or drop a bit.
    @Test func multiScalarMultiplicationOfZeroAndEdgeScalars() {
        let points = (1...9).map { G1Point.generator * Scalar(UInt64($0)) }
        #expect(G1Point.multiScalarMultiply(points, Array(repeating: .zero, count: 9)).isIdentity)
        for k in [Scalar(1), Scalar(UInt64(1) << 63), Scalar.zero - Scalar(1)] {
            let scalars = [Scalar](repeating: .zero, count: 8) + [k]
            #expect(G1Point.multiScalarMultiply(points, scalars) == points[8] * k)
        }
    }

    @Test func cofactorClearingLandsInSubgroup() throws {
        // (0, 2) is on E1 (0 + 4 = 2²) but has order 3, outside G1.
        let point = try G1Point(x: .zero, y: Fp(2))
        #expect(point.isOnCurve && !point.isInSubgroup)
        let cleared = point.clearingCofactor()
        #expect(cleared.isInSubgroup)
        #expect(throws: BLSError.notOnCurve) { try G1Point(x: .one, y: .one) }
        // Homogeneous coordinates: (2x : 2y : 2) is the point (x, y); off-curve triples and (X : Y : 0) with X ≠ 0
        // are rejected, (0 : Y : 0) is the identity.
        let (gx, gy) = G1Point.generator.affine!
        #expect(try G1Point(x: gx.doubled(), y: gy.doubled(), z: Fp(2)) == .generator)
        #expect(throws: BLSError.notOnCurve) { try G1Point(x: gx, y: gy, z: Fp(2)) }
        #expect(throws: BLSError.notOnCurve) { try G1Point(x: .one, y: .one, z: .zero) }
        #expect(try G1Point(x: .zero, y: Fp(5), z: .zero).isIdentity)
        #expect(G1Point.generator.clearingCofactor() == G1Point.generator.multipliedVarTime(by: Scalar(reducingBigEndianBytes: bytes(hex: "d201000000010001"))))
    }

    /// The plain-NAF multiplication by sparse constants (cofactor clearing, subgroup checks) against the
    /// width-5 one, on G1 and G2 points and on a point outside G1.
    @Test func sparseConstantMultiplicationMatchesWindowed() throws {
        var rng = SeededRandom(seed: 14)
        let outside = try G1Point(x: .zero, y: Fp(2))  // on E, order 3
        // Projective Z ≠ 1 and the identity too; on the order-3 point, k = 3 makes the last addition meet the
        // opposite point and k = 5 the equal one (the Jacobian addition's two exceptional branches).
        let g1 = [G1Point.generator, G1Point.generator * Scalar.random(using: &rng), outside, outside + outside.doubled().doubled(),
                  .identity]
        let g2 = [G2Point.generator, G2Point.generator * Scalar.random(using: &rng), .identity]
        for k: UInt64 in [0xd201_0000_0001_0000, 0xd201_0000_0001_0001, 0, 1, 2, 3, 5, 6, rng.next(), rng.next()] {
            for p in g1 { #expect(p.point.multipliedBySparseConstant(k) == p.point.multipliedVarTime(byLimbs: [k])) }
            for q in g2 { #expect(q.point.multipliedBySparseConstant(k) == q.point.multipliedVarTime(byLimbs: [k])) }
        }
    }
}

@Suite struct G2Tests {
    @Test func generatorMatchesVectors() throws {
        let kat = try KAT()
        let g2 = kat["generators"]["G2"] as! [String: String]
        #expect(hex(G2Point.generator.compressed) == g2["compressed"])
        #expect(hex(G2Point.generator.uncompressed) == g2["uncompressed"])
        #expect(G2Point.generator.isOnCurve && G2Point.generator.isInSubgroup)
        let infinity = kat["generators"]["G2_infinity"] as! [String: String]
        #expect(hex(G2Point.identity.compressed) == infinity["compressed"])
        #expect(hex(G2Point.identity.uncompressed) == infinity["uncompressed"])
        #expect(try G2Point(compressed: bytes(hex: infinity["compressed"]!)).isIdentity)
    }

    @Test func scalarMultiplesMatchVectors() throws {
        let kat = try KAT()
        let cases = kat.list("scalar_multiples", "vectors") + (kat.root["edge_scalar_multiples"] as! [[String: Any]])
        for vector in cases {
            let k = scalar(hexString: vector["scalar"] as! String)
            let expected = vector["g2"] as! [String: String]
            let product = G2Point.generator * k
            #expect(hex(product.compressed) == expected["compressed"])
            #expect(hex(product.uncompressed) == expected["uncompressed"])
            #expect(G2Point.generator.multipliedVarTime(by: k) == product)
            #expect(try G2Point(compressed: bytes(hex: expected["compressed"]!)) == product)
            #expect(try G2Point(uncompressed: bytes(hex: expected["uncompressed"]!)) == product)
        }
    }

    @Test func invalidEncodingsAreRejected() throws {
        let kat = try KAT()
        for vector in kat["invalid_encodings"]["g2"] as! [[String: Any]] {
            let encoding = bytes(hex: vector["encoding"] as! String)
            #expect(throws: BLSError.self, "\(vector["reason"]!)") { try G2Point(compressed: encoding) }
        }
        var two = [UInt8](repeating: 0, count: 96)
        two[0] = 0x80
        two[95] = 2
        #expect(throws: BLSError.notInSubgroup) { try G2Point(compressed: two) }
    }

    @Test func groupLawsAndRoundTrips() throws {
        var rng = SeededRandom(seed: 21)
        let g = G2Point.generator
        let a = Scalar.random(using: &rng)
        let b = Scalar.random(using: &rng)
        #expect(g * a + g * b == g * (a + b))
        #expect(g * a - g * a == .identity)
        #expect(g.doubled() == g + g)
        #expect(g.point.multipliedVarTime(byLimbs: Scalar.modulusLimbs).isIdentity)
        let point = g * a
        #expect(try G2Point(compressed: point.compressed) == point)
        #expect(try G2Point(uncompressed: point.uncompressed) == point)
        #expect(try G2Point(compressed: (-point).compressed) == -point)
        let points = (0..<9).map { _ in g * Scalar.random(using: &rng) }
        let scalars = (0..<9).map { _ in Scalar.random(using: &rng) }
        let naive = zip(points, scalars).reduce(G2Point.identity) { $0 + $1.0 * $1.1 }
        #expect(G2Point.multiScalarMultiply(points, scalars) == naive)
    }
}

@Suite struct SubgroupCheckTests {
    /// Random points of E1 and E2 (mostly outside the subgroups) and their cofactor-cleared or r-torsion
    /// counterparts: the endomorphism tests must agree with r·P = O on every one.
    @Test func endomorphismChecksAgreeWithOrderCheck() throws {
        var rng = SeededRandom(seed: 41)
        var checkedOutside = 0
        while checkedOutside < 6 {
            let x = randomFp(&rng)
            guard let y = (x.squared() * x + Fp(4)).sqrt() else { continue }
            let point = try G1Point(x: x, y: y)
            let byOrder = point.point.multipliedVarTime(byLimbs: Scalar.modulusLimbs).isIdentity
            #expect(point.isInSubgroup == byOrder)
            #expect(point.clearingCofactor().isInSubgroup)
            if !byOrder { checkedOutside += 1 }
        }
        checkedOutside = 0
        while checkedOutside < 4 {
            let x = randomFp2(&rng)
            guard let y = (x.squared() * x + Fp2.curveB).sqrt() else { continue }
            let point = try G2Point(x: x, y: y)
            let byOrder = point.point.multipliedVarTime(byLimbs: Scalar.modulusLimbs).isIdentity
            #expect(point.isInSubgroup == byOrder)
            if !byOrder { checkedOutside += 1 }
        }
        #expect(G1Point.identity.isInSubgroup && G2Point.identity.isInSubgroup)
        #expect((G2Point.generator * Scalar.random(using: &rng)).isInSubgroup)
    }
}
