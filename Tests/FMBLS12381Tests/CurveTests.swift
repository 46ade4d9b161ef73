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

    /// Points of small prime order ℓ (E1: 3 and 11; E2: 13 and 23, factors of the cofactors) alone and added to a point
    /// of the subgroup: what a peer or a client can send to make the Jacobian multiplication by |x| meet its
    /// exceptional cases (the sum so far equal or opposite to the point, or the identity) at many steps. The subgroup
    /// checks must reject each, and the multiplication by the sparse constants must agree with the windowed one.
    @Test func smallOrderPointsAreOutsideTheSubgroups() throws {
        var rng = SeededRandom(seed: 42)
        let constants: [UInt64] = [0xd201_0000_0001_0000, 0xd201_0000_0001_0001, 11, 12, 13, 22, 23, 24, 26, 46]
        /// A point of order ℓ from a random one: #E/ℓ^e times it (into the ℓ-part, whose exponent may be ℓ or ℓ²:
        /// p ≡ 1 mod 11 and p² ≡ 1 mod 13, 23 give full ℓ-torsion), then times ℓ while that is not the identity.
        func ofOrder<F>(_ order: UInt64, _ random: () throws -> ProjectivePoint<F>?, _ cofactor: [UInt64]) rethrows -> ProjectivePoint<F> {
            while true {
                guard var small = try random()?.multipliedVarTime(byLimbs: cofactor), !small.isIdentity else { continue }
                while !small.multipliedVarTime(byLimbs: [order]).isIdentity { small = small.multipliedVarTime(byLimbs: [order]) }
                return small
            }
        }
        // #E1/ℓ^e and #E2/ℓ^e (little-endian limbs), from h·r.
        let e1: [(UInt64, [UInt64])] = [
            (3, [0xd955_5555_5555_8e39, 0x0a39_5554_e5c6_aaaa, 0xcd10_4635_a790_520c, 0xcc27_c3d6_fbd7_063f,
                 0x1909_37e7_6bc3_e447, 0x08ab_05f8_bdd5_4cde]),
            (11, [0xff0a_9419_6370_2343, 0x4612_58dc_05b2_69c8, 0xe11e_05f8_de12_635b, 0xe98e_bceb_f116_41bd,
                  0x85e8_f4b1_1c0f_6f71, 0x0037_0461_2471_3073]),
        ]
        for (order, cofactor) in e1 {
            for _ in 0..<2 {
                let small = try ofOrder(order, {
                    let x = randomFp(&rng)
                    return try (x.squared() * x + Fp(4)).sqrt().map { try G1Point(x: x, y: $0).point }
                }, cofactor)
                let mixed = (G1Point.generator * Scalar.random(using: &rng)).point + small
                for p in [small, mixed, small.doubled()] {
                    #expect(!p.isInG1, "order \(order)")
                    for k in constants { #expect(p.multipliedBySparseConstant(k) == p.multipliedVarTime(byLimbs: [k])) }
                }
            }
        }
        let e2: [(UInt64, [UInt64])] = [
            (13, [0x29f4_e338_0941_cfdd, 0xa706_2988_8281_9145, 0xb3ca_5c33_c3fd_8ff8, 0x9656_8f2d_18c7_50b4,
                  0xd646_1e90_7737_d78e, 0xcfda_c10f_f1fc_5b48, 0x3677_f5d4_5f7c_edb8, 0xb339_07d7_1557_a7d3,
                  0x56f3_b9bd_c843_96ca, 0x28ba_1c1f_a6b6_7083, 0xa713_6c44_0a0c_65b7, 0x0004_0054_49cd_a731]),
            (23, [0xb554_0aa5_804b_b595, 0x55c8_6179_0a3c_c012, 0x04b0_6fb9_6e09_de25, 0x21fe_9e03_46d3_c231,
                  0xb990_d5fb_d2d9_b42b, 0xb518_655c_33a8_b236, 0xf5d1_26da_598b_99db, 0x23f6_a2af_a96b_5e43,
                  0x52f2_6668_aaed_6d26, 0x7682_1c57_8a6e_8c79, 0x889c_b538_1880_d0a5, 0x0001_473e_4132_36dd]),
        ]
        for (order, cofactor) in e2 {
            for _ in 0..<2 {
                let small = try ofOrder(order, {
                    let x = randomFp2(&rng)
                    return try (x.squared() * x + Fp2.curveB).sqrt().map { try G2Point(x: x, y: $0).point }
                }, cofactor)
                let mixed = (G2Point.generator * Scalar.random(using: &rng)).point + small
                for q in [small, mixed, small.doubled()] {
                    #expect(!q.isInG2, "order \(order)")
                    for k in constants { #expect(q.multipliedBySparseConstant(k) == q.multipliedVarTime(byLimbs: [k])) }
                }
            }
        }
    }
}
