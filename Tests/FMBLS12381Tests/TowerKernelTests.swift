import CFMFieldArithmetic
import FMTesting
import Testing

@testable import FMBLS12381

/// The C kernels of TowerArithmetic.c (G2 addition and doubling, 𝔽p⁶ multiplication, the compressed cyclotomic
/// squaring) against the Swift formulas they replace: bit for bit equal, on group and subgroup elements and on
/// arbitrary coordinates (the formulas are polynomials, so any reduced values exercise every carry and
/// correction path: zeros, p − 1 and the other field edges included). Where the CPU has no BMI2/ADX (or
/// FM_BLS_PORTABLE=1) the callers run the Swift formulas, and the comparisons are reported as skipped.
@Suite struct TowerKernelTests {
    static let kernelsOnly: Comment = "needs the x86-64 kernels: BMI2 and ADX, FM_BLS_PORTABLE unset"
    static func same(_ a: ProjectivePoint<Fp2>, _ b: ProjectivePoint<Fp2>) -> Bool {
        a.x == b.x && a.y == b.y && a.z == b.z  // coordinates, not the projective equality
    }

    /// G2 points (Z = 1 and not), the identity, a point and its negation, and coordinate triples off the curve
    /// built from 𝔽p's edge values.
    static func inputs() -> [ProjectivePoint<Fp2>] {
        var rng = SeededRandom(seed: 173)
        let g = G2Point.generator.point
        var points = [g, ProjectivePoint<Fp2>.identity, -g, g.completeDoubled(), .completeSum(g.completeDoubled(), g)]
        for _ in 0..<12 { points.append((G2Point.generator * Scalar.random(using: &rng)).point) }
        let edges = FieldKernelTests.edgeFps(&rng)
        for i in 0..<40 {
            let e = { (k: Int) in edges[(i * 7 + k * 5) % edges.count] }
            points.append(ProjectivePoint(x: Fp2(c0: e(0), c1: e(1)), y: Fp2(c0: e(2), c1: e(3)),
                                          z: Fp2(c0: e(4), c1: e(5))))
        }
        return points
    }

    /// 𝔽p² values from 𝔽p's edges and random ones.
    static func fp2s() -> [Fp2] {
        var rng = SeededRandom(seed: 175)
        let edges = FieldKernelTests.edgeFps(&rng)
        var values = [Fp2]()
        for i in 0..<edges.count { for j in stride(from: i % 3, to: edges.count, by: 3) { values.append(Fp2(c0: edges[i], c1: edges[j])) } }
        return values
    }

    @Test(.enabled(if: fm_fp_has_adx(), TowerKernelTests.kernelsOnly)) func additionMatchesTheSwiftFormula() {
        #if arch(x86_64)
        let points = TowerKernelTests.inputs()
        for p in points {
            for q in points {
                var r = ProjectivePoint<Fp2>.identity
                withUnsafePointer(to: p) { p in withUnsafePointer(to: q) { q in fm_g2_add(&r, p, q) } }
                #expect(TowerKernelTests.same(r, .completeSum(p, q)), "\(p.x) + \(q.x)")
                #expect(TowerKernelTests.same(p + q, .completeSum(p, q)))
            }
        }
        // In place, as `result = result + point` may compile to.
        var p = points[3]
        let expected = ProjectivePoint.completeSum(p, points[5])
        withUnsafeMutablePointer(to: &p) { r in withUnsafePointer(to: points[5]) { q in fm_g2_add(r, r, q) } }
        #expect(TowerKernelTests.same(p, expected))
        #endif
    }

    @Test(.enabled(if: fm_fp_has_adx(), TowerKernelTests.kernelsOnly)) func doublingMatchesTheSwiftFormula() {
        #if arch(x86_64)
        for p in TowerKernelTests.inputs() {
            var r = ProjectivePoint<Fp2>.identity
            withUnsafePointer(to: p) { p in fm_g2_double(&r, p) }
            #expect(TowerKernelTests.same(r, p.completeDoubled()), "2·\(p.x)")
            #expect(TowerKernelTests.same(p.doubled(), p.completeDoubled()))
            var q = p
            withUnsafeMutablePointer(to: &q) { q in fm_g2_double(q, q) }
            #expect(TowerKernelTests.same(q, p.completeDoubled()))
        }
        #endif
    }

    /// The scalar multiplications built on them still agree with the variable-time path (which uses them too, so
    /// this also checks the kernels against the group law through k·(k'·P) = (k·k')·P).
    @Test func scalarMultiplicationIsConsistent() {
        var rng = SeededRandom(seed: 174)
        for _ in 0..<8 {
            let (a, b) = (Scalar.random(using: &rng), Scalar.random(using: &rng))
            let p = G2Point.generator * a
            #expect(p * b == G2Point.generator * (a * b))
            #expect(p * b == p.multipliedVarTime(by: b))
            #expect((p * b).point.isOnCurve)
        }
    }

    @Test(.enabled(if: fm_fp_has_adx(), TowerKernelTests.kernelsOnly)) func fp6ProductMatchesTheSwiftFormula() {
        #if arch(x86_64)
        let values = TowerKernelTests.fp2s()
        var elements = [Fp6.zero, Fp6.one]
        for i in 0..<60 {
            elements.append(Fp6(c0: values[i % values.count], c1: values[(i * 7 + 3) % values.count],
                                c2: values[(i * 13 + 5) % values.count]))
        }
        let g = pairing(G1Point.generator, G2Point.generator).value
        elements += [g.c0, g.c1]
        for a in elements {
            for b in elements {
                var r = Fp6.zero
                withUnsafePointer(to: a) { a in withUnsafePointer(to: b) { b in fm_fp6_mul(&r, a, b) } }
                #expect(r == Fp6.portableProduct(a, b))
                #expect(a * b == Fp6.portableProduct(a, b))
            }
        }
        var a = elements[5]
        let expected = Fp6.portableProduct(a, a)
        withUnsafeMutablePointer(to: &a) { r in fm_fp6_mul(r, r, r) }
        #expect(a == expected)
        #endif
    }

    @Test(.enabled(if: fm_fp_has_adx(), TowerKernelTests.kernelsOnly)) func compressedSquareMatchesTheSwiftFormula() {
        #if arch(x86_64)
        let values = TowerKernelTests.fp2s()
        var inputs = [CompressedCyclotomic(pairing(G1Point.generator, G2Point.generator).value)]
        for i in 0..<200 {
            inputs.append(CompressedCyclotomic(g1: values[i % values.count], g2: values[(i * 7 + 1) % values.count],
                                               g3: values[(i * 11 + 2) % values.count], g5: values[(i * 5 + 3) % values.count]))
        }
        for g in inputs {
            var r = g
            withUnsafePointer(to: g) { g in fm_cyclotomic_square_compressed(&r, g) }
            let expected = g.portableSquared()
            #expect(r.g1 == expected.g1 && r.g2 == expected.g2 && r.g3 == expected.g3 && r.g5 == expected.g5)
            let viaSwift = g.squared()
            #expect(viaSwift.g1 == expected.g1 && viaSwift.g2 == expected.g2 && viaSwift.g3 == expected.g3 && viaSwift.g5 == expected.g5)
        }
        #endif
    }

    @Test(.enabled(if: fm_fp_has_adx(), TowerKernelTests.kernelsOnly)) func lineMultiplicationMatchesTheSwiftFormula() {
        #if arch(x86_64)
        let values = TowerKernelTests.fp2s()
        let g = pairing(G1Point.generator, G2Point.generator).value
        var elements = [Fp12.one, Fp12.zero, g]
        for i in 0..<30 {
            let v = { (k: Int) in values[(i * 7 + k * 11) % values.count] }
            elements.append(Fp12(c0: Fp6(c0: v(0), c1: v(1), c2: v(2)), c1: Fp6(c0: v(3), c1: v(4), c2: v(5))))
        }
        for (i, a) in elements.enumerated() {
            for j in 0..<20 {
                let (b0, b1, b4) = (values[(i + j) % values.count], values[(i * 3 + j) % values.count],
                                    values[(i + j * 5) % values.count])
                var r = Fp12.zero
                withUnsafePointer(to: a) { a in
                    withUnsafePointer(to: b0) { b0 in
                        withUnsafePointer(to: b1) { b1 in withUnsafePointer(to: b4) { b4 in fm_fp12_mul_by_014(&r, a, b0, b1, b4) } }
                    }
                }
                #expect(r == a.portableMultiplied(by014: b0, b1, b4))
                #expect(a.multiplied(by014: b0, b1, b4) == a.portableMultiplied(by014: b0, b1, b4))
            }
        }
        #endif
    }
}
