import CFMFieldArithmetic
import FMTesting
import Foundation
import Testing

@testable import FMBLS12381

/// The assembly kernels (CFMFieldArithmetic) against the portable Swift they replace. On a CPU with BMI2 and ADX
/// `multiplied(by:)`, `FpWide(product:_:)` and `reduced()` run the kernels, so these compare the two paths; run the
/// suite again with FM_BLS_PORTABLE=1 to test the portable path everywhere else (both agree then, trivially, here).
@Suite struct FieldKernelTests {
    /// Montgomery limbs of reduced values at the edges: 0, 1, 2, p − 1, p − 2, 2^320 − 1 (five full low words), the
    /// modulus' top limb alone, a single bit at the top, 𝔽p's one and random ones.
    static func edgeFps(_ rng: inout SeededRandom) -> [Fp] {
        var values: [Fp] = [
            .zero, Fp(montgomery: 1, 0, 0, 0, 0, 0), Fp(montgomery: 2, 0, 0, 0, 0, 0), LazyReductionTests.largest,
            Fp(montgomery: 0xb9fe_ffff_ffff_aaa9, 0x1eab_fffe_b153_ffff, 0x6730_d2a0_f6b0_f624,
               0x6477_4b84_f385_12bf, 0x4b1b_a7b6_434b_acd7, 0x1a01_11ea_397f_e69a),
            Fp(montgomery: .max, .max, .max, .max, .max, 0), Fp(montgomery: 0, 0, 0, 0, 0, 0x1a01_11ea_397f_e69a),
            Fp(montgomery: 0, 0, 0, 0, 0, 1 << 60), .one, Fp.r2,
        ]
        for _ in 0..<6 { values.append(randomFp(&rng)) }
        return values
    }

    static func limbs(_ x: Fp) -> [UInt64] { [x.l0, x.l1, x.l2, x.l3, x.l4, x.l5] }
    static func limbs(_ x: FpWide) -> [UInt64] {
        [x.l0, x.l1, x.l2, x.l3, x.l4, x.l5, x.l6, x.l7, x.l8, x.l9, x.l10, x.l11]
    }
    /// True if the limbs are a reduced value (below p).
    static func isReduced(_ x: Fp) -> Bool { limbsLessThan(limbs(x), Fp.modulusLimbs) }

    /// The dispatch follows the CPU and the environment: kernels exactly where /proc/cpuinfo lists bmi2 and adx
    /// and FM_BLS_PORTABLE is not 1 (fails if the load-time check did not run or read the CPU wrongly).
    @Test func kernelsAreUsedExactlyWhereTheCPUHasThem() throws {
        #if arch(x86_64) && os(Linux)
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = Set(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ") ?? [])
        let forcedPortable = ProcessInfo.processInfo.environment["FM_BLS_PORTABLE"] == "1"
        #expect(fm_fp_has_adx() == (flags.contains("bmi2") && flags.contains("adx") && !forcedPortable))
        #elseif !arch(x86_64)
        #expect(!fm_fp_has_adx())
        #endif
    }

    @Test func montgomeryProductMatchesPortable() {
        var rng = SeededRandom(seed: 170)
        let edges = FieldKernelTests.edgeFps(&rng)
        for a in edges {
            for b in edges {
                let product = a.multiplied(by: b)
                #expect(product == a.portableMultiplied(by: b), "\(a) · \(b)")
                #expect(FieldKernelTests.isReduced(product))
            }
        }
        for _ in 0..<20_000 {
            let (a, b) = (randomFp(&rng), randomFp(&rng))
            #expect(a.multiplied(by: b) == a.portableMultiplied(by: b), "\(a) · \(b)")
            #expect(a.multiplied(by: a) == a.portableMultiplied(by: a), "\(a)²")
            #expect(a.squared() == FpWide(square: a).portableReduced(), "\(a)²")
        }
    }

    /// The wide product takes any six limbs (the tower passes unreduced sums): all ones, sums of two and of four
    /// reduced values, and the reduced edges.
    @Test func wideProductMatchesPortable() {
        var rng = SeededRandom(seed: 171)
        let big = LazyReductionTests.largest
        var edges = FieldKernelTests.edgeFps(&rng)
        edges += [Fp(montgomery: .max, .max, .max, .max, .max, .max), big.addedUnreduced(big),
                  big.addedUnreduced(big).addedUnreduced(big.addedUnreduced(big))]
        for a in edges {
            for b in edges {
                #expect(FieldKernelTests.limbs(FpWide(product: a, b)) == FieldKernelTests.limbs(FpWide(portableProduct: a, b)),
                        "\(a) · \(b)")
            }
        }
        for _ in 0..<20_000 {
            let a = Fp(montgomery: rng.next(), rng.next(), rng.next(), rng.next(), rng.next(), rng.next())
            let b = Fp(montgomery: rng.next(), rng.next(), rng.next(), rng.next(), rng.next(), rng.next())
            #expect(FieldKernelTests.limbs(FpWide(product: a, b)) == FieldKernelTests.limbs(FpWide(portableProduct: a, b)),
                    "\(a) · \(b)")
        }
    }

    /// The reduction takes any value below p·2^384: the largest (p·2^384 − 1), a high half of p − 1 over any low
    /// half, products of the edges and of sums, and random ones.
    @Test func reductionMatchesPortable() {
        var rng = SeededRandom(seed: 172)
        let big = LazyReductionTests.largest
        let ones = UInt64.max
        var wides: [FpWide] = [
            FpWide(ones, ones, ones, ones, ones, ones, big.l0, big.l1, big.l2, big.l3, big.l4, big.l5),
            FpWide(0, 0, 0, 0, 0, 0, big.l0, big.l1, big.l2, big.l3, big.l4, big.l5),
            FpWide(ones, ones, ones, ones, ones, ones, 0, 0, 0, 0, 0, 0),
            FpWide(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), FpWide(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            FpWide(product: big.addedUnreduced(big), big.addedUnreduced(big)),
        ]
        // Low half k·p (its reduction is exactly p) under a high half of p − 1: 2p − 1 before the final subtraction,
        // the largest value the kernel's last carry chain meets (review 15).
        var multiple = [UInt64](repeating: 0, count: 6)
        for _ in 1...9 {
            var carry = false
            for i in 0..<6 {
                let (sum, overflow) = multiple[i].addingReportingOverflow(Fp.modulusLimbs[i])
                let (withCarry, overflow2) = sum.addingReportingOverflow(carry ? 1 : 0)
                multiple[i] = withCarry
                carry = overflow || overflow2
            }
            let m = multiple
            wides.append(FpWide(m[0], m[1], m[2], m[3], m[4], m[5], big.l0, big.l1, big.l2, big.l3, big.l4, big.l5))
        }
        let edges = FieldKernelTests.edgeFps(&rng)
        for a in edges { for b in edges { wides.append(FpWide(portableProduct: a, b)) } }
        for _ in 0..<20_000 {
            let high = randomFp(&rng)
            wides.append(FpWide(rng.next(), rng.next(), rng.next(), rng.next(), rng.next(), rng.next(),
                                high.l0, high.l1, high.l2, high.l3, high.l4, high.l5))
        }
        for t in wides {
            let reduced = t.reduced()
            #expect(reduced == t.portableReduced(), "\(FieldKernelTests.limbs(t))")
            #expect(FieldKernelTests.isReduced(reduced))
        }
    }
}
