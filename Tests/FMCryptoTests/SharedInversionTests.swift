import FMBLS12381
@testable import FMCrypto
import Testing

@Suite("Hash to G1: the shared inversion survives a point in the isogeny's kernel (issue 16)")
struct SharedInversionTests {
    private let samples: (Fp, Fp) = HashToG1.hashToField(Array("shared inversion".utf8), domain: Array("fm-test".utf8))

    @Test("batchInverse inverts every non-zero value and leaves zeros at zero, wherever the zeros are")
    func batchInverseSkipsZeros() {
        let (a, b) = samples
        let c = a * b + .one
        let values: [Fp] = [.zero, a, .zero, b, c, .zero]
        let inverses = Fp.batchInverse(values)
        for (value, inverse) in zip(values, inverses) {
            if value.isZero { #expect(inverse.isZero) } else { #expect(value * inverse == .one) }
        }
    }

    @Test("with the first point in the kernel (a zero denominator) the second is still mapped exactly as alone, not off the curve")
    func kernelPointLeavesTheOtherIntact() {
        let (u0, u1) = samples
        // A point of the isogeny's kernel: its x denominator is zero (no u known to reach it is needed to test this).
        var kernel = IsogenyFraction(mappingToE: u0)
        kernel.xDenominator = .zero
        let (q0, q1) = HashToG1.affinePoints(kernel, IsogenyFraction(mappingToE: u1))
        #expect(q0 == .identity)
        #expect(q1 == HashToG1.mapToCurve(u1))
        let (r0, r1) = HashToG1.affinePoints(IsogenyFraction(mappingToE: u1), kernel)
        #expect(r0 == HashToG1.mapToCurve(u1))
        #expect(r1 == .identity)
    }
}
