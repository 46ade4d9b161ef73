import FMTesting
import Testing

@testable import FMBLS12381

/// The final exponentiation's public-data shortcuts (variable-time inversion, Karabina's compressed squarings)
/// against the constant-time and uncompressed paths they replace.
@Suite struct FinalExponentiationTests {
    /// A random element of the cyclotomic subgroup: the easy part of the final exponentiation lands there.
    static func randomCyclotomic(_ rng: inout SeededRandom) -> Fp12 {
        let f = randomFp12(&rng)
        let t = f.conjugate() * f.inverse()
        return t.frobenius2() * t
    }

    @Test func variableTimeInverseMatchesFermat() {
        var rng = SeededRandom(seed: 41)
        // Montgomery limbs with a zero low limb (a 64-bit shift at once), the smallest and largest limbs, p - 1.
        var values = [Fp.one, -Fp.one, Fp(2), Fp(3), -Fp(2), Fp(montgomery: 1, 0, 0, 0, 0, 0),
                      Fp(montgomery: 0, 0, 0, 0, 0, 1), Fp(montgomery: 0, 0, 1, 0, 0, 0),
                      Fp(montgomery: 0xb9fe_ffff_ffff_aaaa, 0x1eab_fffe_b153_ffff, 0x6730_d2a0_f6b0_f624,
                         0x6477_4b84_f385_12bf, 0x4b1b_a7b6_434b_acd7, 0x1a01_11ea_397f_e69a)]
        for _ in 0..<200 { values.append(randomFp(&rng)) }
        for a in values {
            #expect(a.inverseVarTime() == a.inverse())
            #expect(a * a.inverseVarTime() == .one)
        }
        #expect(Fp.zero.inverseVarTime() == .zero)
        for _ in 0..<5 {
            let a = randomFp12(&rng)
            #expect(a.inverseVarTime() == a.inverse())
            let b = randomFp2(&rng)
            #expect(b.inverseVarTime() == b.inverse())
        }
    }

    /// Runs of compressed squarings decompress to the Granger–Scott squares, one batch for several run lengths
    /// (the shared inversion must hand each element its own inverse).
    @Test func compressedSquaringsMatchGrangerScott() {
        var rng = SeededRandom(seed: 42)
        for _ in 0..<3 {
            let g = Self.randomCyclotomic(&rng)
            var compressed = CompressedCyclotomic(g)
            var full = g
            var kept = [CompressedCyclotomic]()
            var expected = [Fp12]()
            for n in 1...17 {
                compressed = compressed.squared()
                full = full.cyclotomicSquared()
                if [1, 2, 5, 16, 17].contains(n) {
                    kept.append(compressed)
                    expected.append(full)
                }
            }
            #expect(CompressedCyclotomic.decompressed(kept) == expected)
            #expect(CompressedCyclotomic.decompressed([CompressedCyclotomic(g)]) == [g])
        }
    }

    @Test func compressedPowerMatchesGrangerScottPower() {
        var rng = SeededRandom(seed: 43)
        for _ in 0..<3 {
            let g = Self.randomCyclotomic(&rng)
            #expect(g.cyclotomicPowerOfParameterMagnitude() == g.grangerScottPowerOfParameterMagnitude())
        }
        // The identity compresses to zeros (g3 = 0): no decompression, the uncompressed fallback answers.
        #expect(CompressedCyclotomic.decompressed([CompressedCyclotomic(.one)]) == nil)
        #expect(Fp12.one.cyclotomicPowerOfParameterMagnitude() == .one)
    }
}
