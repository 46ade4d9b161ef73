import FMBLS12381
@testable import FMCrypto
import Testing

@Suite("Hash to G1: a point in the isogeny's kernel maps to the identity and leaves the other intact (issue 16)")
struct SharedInversionTests {
    private let samples: (Fp, Fp) = HashToG1.hashToField(Array("shared inversion".utf8), domain: Array("fm-test".utf8))

    @Test("a zero x or y denominator gives the identity; the other point of the pair is the one mapped alone")
    func kernelPointLeavesTheOtherIntact() throws {
        let (u0, u1) = samples
        // A point of the isogeny's kernel: its x denominator is zero (no u known to reach it is needed to test this).
        var kernel = IsogenyFraction(mappingToE: u0)
        kernel.xDenominator = .zero
        #expect(kernel.point == .identity)
        var yKernel = IsogenyFraction(mappingToE: u0)
        yKernel.yDenominator = .zero
        #expect(yKernel.point == .identity)
        let (q0, q1) = HashToG1.mapToCurve(u0, u1)
        #expect(q0 == HashToG1.mapToCurve(u0) && q1 == HashToG1.mapToCurve(u1))
        #expect(q1.isOnCurve && q0.isOnCurve)
    }

    @Test("adding on E' before the isogeny equals adding the two mapped points on E, equal and opposite inputs too")
    func sumOnIsogenousCurveMatchesSumOnE() throws {
        let (u0, u1) = samples
        // map(-u) = -map(u) (sgn0 flips with u), so (u0, -u0) meets the identity of E'; (u0, u0) is a doubling.
        for (a, b) in [(u0, u1), (u1, u0), (u0, u0), (u0, -u0), (Fp.zero, u1), (Fp.zero, .zero), (u1, Fp(1))] {
            let sum = HashToG1.mapToCurveSum(a, b)
            #expect(sum == HashToG1.mapToCurve(a) + HashToG1.mapToCurve(b))
            #expect(sum.isOnCurve)
        }
        #expect(HashToG1.mapToCurveSum(u0, -u0).isIdentity)
    }

    @Test("the inversion-free (projective) point equals the affine point xN/xD, yN/yD")
    func projectiveMatchesAffine() throws {
        let fraction = IsogenyFraction(mappingToE: samples.0)
        let x = fraction.xNumerator * fraction.xDenominator.inverse()
        let y = fraction.yNumerator * fraction.yDenominator.inverse()
        #expect(fraction.point == (try G1Point(x: x, y: y)))
    }
}
