import FMTesting
import Testing

@testable import FMBLS12381

/// Seeded random field elements, so that a failure replays from the printed seed.
func randomFp(_ rng: inout SeededRandom) -> Fp { Fp(reducingBigEndianBytes: rng.bytes(64)) }
func randomFp2(_ rng: inout SeededRandom) -> Fp2 { Fp2(c0: randomFp(&rng), c1: randomFp(&rng)) }
func randomFp6(_ rng: inout SeededRandom) -> Fp6 { Fp6(c0: randomFp2(&rng), c1: randomFp2(&rng), c2: randomFp2(&rng)) }
func randomFp12(_ rng: inout SeededRandom) -> Fp12 { Fp12(c0: randomFp6(&rng), c1: randomFp6(&rng)) }

@Suite struct BaseFieldTests {
    @Test func reductionMatchesIntegerArithmetic() {
        // (2^512 - 1) mod p and mod r, computed independently with Python integers.
        let allOnes = [UInt8](repeating: 0xff, count: 64)
        #expect(hex(Fp(reducingBigEndianBytes: allOnes).bigEndianBytes)
            == "02cb5d3a884e56c4fab7cd07ee4e16bc15efebb5d396d7cf82383087033108464532383fa8eaff4e967d3988a62b6c9c")
        #expect(hex(Scalar(reducingBigEndianBytes: allOnes).bigEndianBytes)
            == "0748d9d99f59ff1105d314967254398f2b6cedcb87925c23c999e990f3f29c6c")
        let counting = (1...64).map { UInt8($0) }
        #expect(hex(Fp(reducingBigEndianBytes: counting).bigEndianBytes)
            == "16a7eb375f886b331653889e2da6a368f1853fed8ba9dc8ee3721f2a01a270a367d5d0ef2be7023070cb5ffd22ee9bfb")
        #expect(hex(Scalar(reducingBigEndianBytes: counting).bigEndianBytes)
            == "0f1de3007dd74818a002ada9ee5b8a46ead5876813732f0a4c48df5f4f23eb4f")
    }

    @Test func canonicalEncodingRejectsModulus() {
        let p = bytes(hex: "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab")
        #expect(Fp(bigEndianBytes: p) == nil)
        var pMinus1 = p
        pMinus1[47] -= 1
        #expect(Fp(bigEndianBytes: pMinus1) == -Fp.one)
        #expect(Fp(bigEndianBytes: pMinus1)?.bigEndianBytes == pMinus1)
        #expect(Fp(bigEndianBytes: [UInt8](repeating: 0, count: 47)) == nil)
        let r = bytes(hex: "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001")
        #expect(Scalar(bigEndianBytes: r) == nil)
        var rMinus1 = r
        rMinus1[31] = 0
        #expect(Scalar(bigEndianBytes: rMinus1) == -Scalar.one)
    }

    @Test func fieldLaws() {
        var rng = SeededRandom(seed: 1)
        for _ in 0..<50 {
            let (a, b, c) = (randomFp(&rng), randomFp(&rng), randomFp(&rng))
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a + b - b == a)
            #expect(a - a == .zero)
            #expect(a.squared() == a * a)
            #expect(a.halved().doubled() == a)
            #expect(a * a.inverse() == .one)
            let s = a.squared()
            #expect(s.isSquare)
            let root = s.sqrt()
            #expect(root == a || root == -a)
            #expect(Fp(bigEndianBytes: a.bigEndianBytes) == a)
        }
        #expect(Fp.zero.inverse() == .zero)
        #expect(Fp(7) * Fp(6) == Fp(42))
        // -1 is not a square since p ≡ 3 mod 4.
        #expect(!(-Fp.one).isSquare)
        #expect((-Fp.one).sqrt() == nil)
    }

    @Test func scalarLaws() {
        var rng = SeededRandom(seed: 2)
        for _ in 0..<50 {
            let (a, b, c) = (Scalar.random(using: &rng), Scalar.random(using: &rng), Scalar.random(using: &rng))
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a - b + b == a)
            #expect(a * a.inverse()! == .one)
            #expect(Scalar(bigEndianBytes: a.bigEndianBytes) == a)
        }
        #expect(Scalar.zero.inverse() == nil)
        #expect(Scalar(3).pow(5) == Scalar(243))
        #expect(Scalar(2).pow(64) == Scalar(reducingBigEndianBytes: [1, 0, 0, 0, 0, 0, 0, 0, 0]))
    }
}

@Suite struct ExtensionFieldTests {
    @Test func fp2Laws() {
        var rng = SeededRandom(seed: 3)
        for _ in 0..<30 {
            let (a, b, c) = (randomFp2(&rng), randomFp2(&rng), randomFp2(&rng))
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a.squared() == a * a)
            #expect(a * a.inverse() == .one)
            let root = a.squared().sqrt()
            #expect(root == a || root == -a)
            #expect(a.squared().isSquare)
            #expect(a.multipliedByNonResidue() == a * Fp2(c0: .one, c1: .one))
        }
        let u = Fp2(c0: .zero, c1: .one)
        #expect(u.squared() == -Fp2.one)
        #expect(Fp2.zero.inverse() == .zero)
        // 4 + 4u has no square root in Fp2 (so x = 0 is not on the G2 twist).
        #expect(Fp2(c0: Fp(4), c1: Fp(4)).sqrt() == nil)
    }

    @Test func fp6AndFp12Laws() {
        var rng = SeededRandom(seed: 4)
        for _ in 0..<10 {
            let (a, b, c) = (randomFp6(&rng), randomFp6(&rng), randomFp6(&rng))
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a.squared() == a * a)
            #expect(a * a.inverse() == .one)
            let v = Fp6(c0: .zero, c1: .one, c2: .zero)
            #expect(a.multipliedByV() == a * v)
            let (b0, b1) = (randomFp2(&rng), randomFp2(&rng))
            #expect(a.multiplied(by01: b0, b1) == a * Fp6(c0: b0, c1: b1, c2: .zero))
            #expect(a.multiplied(by1: b1) == a * Fp6(c0: .zero, c1: b1, c2: .zero))

            let (x, y, z) = (randomFp12(&rng), randomFp12(&rng), randomFp12(&rng))
            #expect((x * y) * z == x * (y * z))
            #expect(x * (y + z) == x * y + x * z)
            #expect(x.squared() == x * x)
            #expect(x * x.inverse() == .one)
            let (l0, l1, l4) = (randomFp2(&rng), randomFp2(&rng), randomFp2(&rng))
            let line = Fp12(c0: Fp6(c0: l0, c1: l1, c2: .zero), c1: Fp6(c0: .zero, c1: l4, c2: .zero))
            #expect(x.multiplied(by014: l0, l1, l4) == x * line)
        }
    }

    @Test func frobeniusIsThePthPower() {
        var rng = SeededRandom(seed: 5)
        let pLimbs = Fp.modulusLimbs
        let a = randomFp12(&rng)
        // x^p computed by square-and-multiply over the limbs of p.
        var power = Fp12.one
        for limb in pLimbs.reversed() {
            for bit in stride(from: 63, through: 0, by: -1) {
                power = power.squared()
                if (limb >> UInt64(bit)) & 1 == 1 { power = power * a }
            }
        }
        #expect(a.frobenius() == power)
        #expect(a.frobenius2() == a.frobenius().frobenius())
        #expect(a.conjugate() == a.frobenius2().frobenius2().frobenius2())
    }

    @Test func cyclotomicSquaringMatchesSquaring() {
        var rng = SeededRandom(seed: 6)
        let f = randomFp12(&rng)
        // The easy part of the final exponentiation lands in the cyclotomic subgroup.
        let t = f.conjugate() * f.inverse()
        let g = t.frobenius2() * t
        #expect(g.cyclotomicSquared() == g.squared())
    }
}

/// The lazily reduced 𝔽p² product (FpWide) against the product written with reduced 𝔽p operations.
@Suite struct LazyReductionTests {
    @Test func fp2ProductMatchesSchoolbook() {
        var rng = SeededRandom(seed: 5)
        let minusOne = -Fp.one  // p - 1: the largest limbs, and sums near 2p
        var values = [Fp2(c0: minusOne, c1: minusOne), Fp2(c0: minusOne, c1: .zero), Fp2(c0: .zero, c1: minusOne),
                      .zero, .one, Fp2(c0: .one, c1: minusOne)]
        for _ in 0..<40 { values.append(randomFp2(&rng)) }
        for a in values {
            for b in values.prefix(8) + [randomFp2(&rng)] {
                let expected = Fp2(c0: a.c0 * b.c0 - a.c1 * b.c1, c1: a.c0 * b.c1 + a.c1 * b.c0)
                #expect(a * b == expected)
            }
        }
    }

    @Test func wideProductReducesLikeMontgomeryProduct() {
        var rng = SeededRandom(seed: 6)
        for _ in 0..<50 {
            let (a, b) = (randomFp(&rng), randomFp(&rng))
            #expect(FpWide(product: a, b).reduced() == a * b)
            #expect((FpWide(product: a, b) - FpWide(product: b, b)).reduced() == a * b - b * b)
            #expect((FpWide(product: a, b) + FpWide(product: b, b)).reduced() == a * b + b * b)
        }
        let minusOne = -Fp.one
        #expect(FpWide(product: minusOne, minusOne).reduced() == .one)
        #expect((FpWide(product: .zero, .zero) - FpWide(product: minusOne, minusOne)).reduced() == -Fp.one)
    }

    /// The element whose Montgomery limbs are p - 1, the largest a reduced value can hold.
    static let largest = Fp(montgomery: 0xb9fe_ffff_ffff_aaaa, 0x1eab_fffe_b153_ffff, 0x6730_d2a0_f6b0_f624,
                            0x6477_4b84_f385_12bf, 0x4b1b_a7b6_434b_acd7, 0x1a01_11ea_397f_e69a)

    /// Sums of many products pass p·2^384 and must wrap modulo it: thirty products of the largest limbs,
    /// 30·(p - 1)² ≈ 3·p·2^384, which a plain addition left for the reduction to return as a value above 2p.
    @Test func wideSumsWrapModuloPTimesTwoTo384() {
        let big = LazyReductionTests.largest
        let square = FpWide(product: big, big)
        var sum = square
        for _ in 1..<30 { sum = sum + square }
        #expect(sum.reduced() == big * big * Fp(30))
        var difference = FpWide(product: .zero, .zero)
        for _ in 0..<30 { difference = difference - square }
        #expect(difference.reduced() == -(big * big * Fp(30)))
    }

    /// Edge values of 𝔽p² for the tower tests: coefficients with the largest limbs give the largest unreduced
    /// sums.
    static func edgeFp2(_ rng: inout SeededRandom) -> [Fp2] {
        let big = LazyReductionTests.largest, minusOne = -Fp.one
        var values = [Fp2(c0: big, c1: big), Fp2(c0: big, c1: .zero), Fp2(c0: .zero, c1: big),
                      .zero, .one, Fp2(c0: .one, c1: minusOne), Fp2(c0: minusOne, c1: big)]
        for _ in 0..<10 { values.append(randomFp2(&rng)) }
        return values
    }

    @Test func fp6ProductMatchesSchoolbook() {
        var rng = SeededRandom(seed: 7)
        let edges = LazyReductionTests.edgeFp2(&rng)
        var values = [Fp6]()
        for a in edges.prefix(7) { for b in edges.prefix(7) { values.append(Fp6(c0: a, c1: b, c2: a)) } }
        for _ in 0..<20 { values.append(randomFp6(&rng)) }
        // c0 = a0b0 + ξ(a1b2 + a2b1), c1 = a0b1 + a1b0 + ξ·a2b2, c2 = a0b2 + a1b1 + a2b0 with reduced 𝔽p² steps.
        func schoolbook(_ a: Fp6, _ b: Fp6) -> Fp6 {
            Fp6(c0: a.c0 * b.c0 + (a.c1 * b.c2 + a.c2 * b.c1).multipliedByNonResidue(),
                c1: a.c0 * b.c1 + a.c1 * b.c0 + (a.c2 * b.c2).multipliedByNonResidue(),
                c2: a.c0 * b.c2 + a.c1 * b.c1 + a.c2 * b.c0)
        }
        for (i, a) in values.enumerated() {
            let b = values[(i * 7 + 3) % values.count]
            #expect(a * b == schoolbook(a, b))
            // The sparse line factor b0 + b1·v (Miller loop).
            #expect(a.multiplied(by01: b.c0, b.c1) == schoolbook(a, Fp6(c0: b.c0, c1: b.c1, c2: .zero)))
        }
    }

    @Test func fp4SquareMatchesReducedSquares() {
        var rng = SeededRandom(seed: 8)
        let values = LazyReductionTests.edgeFp2(&rng)
        for x in values {
            for y in values {
                let (c0, c1) = Fp12.fp4Square(x, y)
                #expect(c0 == x.squared() + y.squared().multipliedByNonResidue())
                #expect(c1 == (x * y).doubled())
            }
        }
    }
}

/// The dedicated 𝔽p squaring and the sliding-window exponentiation against the plain paths they replace.
@Suite struct SquaringAndPowerTests {
    @Test func squaringMatchesMultiplication() {
        var rng = SeededRandom(seed: 9)
        let big = LazyReductionTests.largest
        // Edge limbs: the largest reduced limbs, one-limb values (the cross products vanish), a top-limb-only
        // value (the doubling shift's carries), and the limbs p - 1 in canonical form.
        var values: [Fp] = [.zero, .one, -Fp.one, big, Fp(montgomery: 1, 0, 0, 0, 0, 0),
                            Fp(montgomery: ~0, 0, 0, 0, 0, 0), Fp(montgomery: 0, 0, 0, 0, 0, 0x1a01_11ea_397f_e69a),
                            Fp(montgomery: ~0, ~0, ~0, ~0, ~0, 0x1a01_11ea_397f_e69a)]
        for _ in 0..<200 { values.append(randomFp(&rng)) }
        for a in values {
            #expect(a.squared() == a.multiplied(by: a), "\(a)")
            #expect(FpWide(square: a).reduced() == FpWide(product: a, a).reduced())
        }
    }

    /// Left-to-right binary exponentiation, one bit at a time: the reference for the windowed `power`.
    static func binaryPower<F: CurveField>(_ base: F, _ e: [UInt64]) -> F {
        var result = F.one
        for limb in e.reversed() {
            for shift in stride(from: 63, through: 0, by: -1) {
                result = result * result
                if (limb >> UInt64(shift)) & 1 == 1 { result = result * base }
            }
        }
        return result
    }

    @Test func slidingWindowPowerMatchesBinaryPower() {
        var rng = SeededRandom(seed: 10)
        // Exponents with runs of zeros and ones longer than a window, windows that end at bit 0, a single bit,
        // zero, and the field's own exponents (p - 2, (p + 1)/4, (p - 1)/2).
        var exponents: [[UInt64]] = [[0], [1], [2], [31], [32], [0x8000_0000_0000_0000], [0xffff_ffff_ffff_ffff, 0],
                                     [0x1_0001, 0, 0x8000_0000_0000_0001], [0xd201_0000_0001_0000],
                                     Fp.halfModulusLimbs]
        for _ in 0..<6 { exponents.append((0..<4).map { _ in rng.next() }) }
        let bases = [randomFp(&rng), -Fp.one, .zero, LazyReductionTests.largest]
        for e in exponents {
            for a in bases { #expect(a.pow(limbs: e) == SquaringAndPowerTests.binaryPower(a, e), "\(e)") }
            let b = randomFp2(&rng)
            #expect(b.pow(limbs: e) == SquaringAndPowerTests.binaryPower(b, e), "\(e)")
        }
        let a = randomFp(&rng)
        #expect(a.inverse() * a == .one)
        #expect(Fp.zero.inverse() == .zero)
    }
}

/// a·b ± c·d with one reduction (the complete point formulas use it) against the two reduced products.
@Suite struct SumOfProductsTests {
    /// hash_to_field's reduction of 64 bytes (one wide Montgomery reduction) against byte-by-byte Horner in 𝔽p.
    @Test func reducingBytesMatchesHorner() {
        var rng = SeededRandom(seed: 16)
        var inputs: [[UInt8]] = [[], [1], [UInt8](repeating: 0xff, count: 64), [UInt8](repeating: 0, count: 64),
                                 [UInt8](repeating: 0xff, count: 48), (-Fp.one).bigEndianBytes]
        for count in [64, 64, 64, 63, 49, 17] { inputs.append(rng.bytes(count)) }
        for bytes in inputs {
            var expected = Fp.zero
            for byte in bytes { expected = expected * Fp(256) + Fp(UInt64(byte)) }
            #expect(Fp(reducingBigEndianBytes: bytes) == expected, "\(bytes.count) bytes")
        }
    }

    @Test func sumsAndDifferencesMatchReducedProducts() {
        var rng = SeededRandom(seed: 15)
        let big = LazyReductionTests.largest
        // Largest values (the widest sums), zero (a difference that borrows or vanishes), equal products.
        var fp: [Fp] = [.zero, .one, big, -Fp.one]
        for _ in 0..<40 { fp.append(randomFp(&rng)) }
        for (i, a) in fp.enumerated() {
            let b = fp[(i * 7 + 3) % fp.count], c = fp[(i * 5 + 1) % fp.count], d = fp[(i * 3 + 2) % fp.count]
            #expect(Fp.sumOfProducts(a, b, c, d) == a * b + c * d)
            #expect(Fp.differenceOfProducts(a, b, c, d) == a * b - c * d)
            #expect(Fp.differenceOfProducts(a, b, a, b) == .zero && Fp.sumOfProducts(a, b, a, b) == (a * b).doubled())
        }
        var fp2: [Fp2] = [.zero, .one, Fp2(c0: big, c1: big), Fp2(c0: .zero, c1: big), Fp2(c0: big, c1: .zero)]
        for _ in 0..<40 { fp2.append(randomFp2(&rng)) }
        for (i, a) in fp2.enumerated() {
            let b = fp2[(i * 7 + 3) % fp2.count], c = fp2[(i * 5 + 1) % fp2.count], d = fp2[(i * 3 + 2) % fp2.count]
            #expect(Fp2.sumOfProducts(a, b, c, d) == a * b + c * d)
            #expect(Fp2.differenceOfProducts(a, b, c, d) == a * b - c * d)
            #expect(Fp2.differenceOfProducts(a, b, a, b) == .zero)
        }
    }
}
