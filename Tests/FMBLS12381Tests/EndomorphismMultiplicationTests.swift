import FMTesting
import Testing

@testable import FMBLS12381

/// The GLV (G1) and GLS (G2) constant-time multiplications against the plain double-and-add ones.
@Suite struct EndomorphismMultiplicationTests {
    /// r - 1, r (as raw limbs: Scalar cannot hold it) and other edges of the digit split in base m = |x|.
    static let edgeLimbs: [[UInt64]] = {
        let m = curveParameterMagnitude
        let r = Scalar.modulusLimbs
        var rMinusOne = r
        rMinusOne[0] -= 1
        return [
            [0, 0, 0, 0], [1, 0, 0, 0], rMinusOne, r, [m - 1, 0, 0, 0], [m, 0, 0, 0], [0, 1, 0, 0],
            [UInt64.max, UInt64.max, 0, 0], [0, 0, 1, 0],
        ]
    }()

    @Test func digitsRecomposeTheScalar() {
        var rng = SeededRandom(seed: 51)
        let m = curveParameterMagnitude
        var inputs = Self.edgeLimbs
        for _ in 0..<20 { inputs.append(Scalar.random(using: &rng).canonicalLimbs) }
        for k in inputs {
            let d = curveParameterDigits(k)
            #expect(d.allSatisfy { $0 < m })
            // Horner: ((d3·m + d2)·m + d1)·m + d0 in 320-bit arithmetic.
            var value = [UInt64](repeating: 0, count: 5)
            for digit in d.reversed() {
                var carry = digit
                for i in value.indices { (carry, value[i]) = mulAdd(value[i], m, carry) }
            }
            #expect(Array(value.prefix(4)) == k && value[4] == 0)
        }
    }

    /// The signed 5-bit digits recompose the integer and stay in -16…16, on lengths of one, two and four limbs
    /// (a window straddling two limbs, a carry out of every window, the top window's room for the last carry).
    @Test func signedWindowDigitsRecomposeTheInteger() {
        var rng = SeededRandom(seed: 55)
        var inputs: [[UInt64]] = [[0], [16], [17], [31], [UInt64.max], [0x8421_0842_1084_2108], [UInt64.max, UInt64.max],
                                  [0, 1 << 63], [0xf800_0000_0000_0000, 0x1f]]
        inputs += Self.edgeLimbs + [[UInt64.max, UInt64.max, UInt64.max, UInt64.max]]
        for _ in 0..<20 { inputs.append((0..<[1, 2, 4][Int(rng.next() % 3)]).map { _ in rng.next() }) }
        for k in inputs {
            let (magnitudes, negative) = signedWindowDigits(k)
            #expect(magnitudes.count == k.count * 64 / 5 + 1)
            #expect(magnitudes.allSatisfy { $0 <= 16 } && negative.allSatisfy { $0 == 0 || $0 == UInt64.max })
            // Horner from the top digit in (64·count + 64)-bit two's complement arithmetic.
            var value = [UInt64](repeating: 0, count: k.count + 1)
            for i in stride(from: magnitudes.count - 1, through: 0, by: -1) {
                var carry: UInt64 = 0
                for j in value.indices { (carry, value[j]) = mulAdd(value[j], 32, carry) }
                let digit = negative[i] == 0 ? Int64(magnitudes[i]) : -Int64(magnitudes[i])  // "-0" is 0
                let signExtension: UInt64 = digit < 0 ? .max : 0
                var c: UInt64 = 0
                for j in value.indices {
                    (value[j], c) = addWithCarry(value[j], j == 0 ? UInt64(bitPattern: digit) : signExtension, c)
                }
            }
            #expect(Array(value.prefix(k.count)) == k && value[k.count] == 0, "\(k)")
        }
    }

    @Test func g1MatchesPlainMultiplication() {
        var rng = SeededRandom(seed: 52)
        let points = [G1Point.generator, G1Point.generator * Scalar.random(using: &rng), .identity]
        var scalars = Self.edgeLimbs
        for _ in 0..<8 { scalars.append(Scalar.random(using: &rng).canonicalLimbs) }
        for p in points {
            for k in scalars {
                #expect(p.point.multipliedByEndomorphism(byLimbs: k) == p.point.multipliedVarTime(byLimbs: k))
            }
        }
        let r = Scalar.modulusLimbs
        #expect(G1Point.generator.point.multipliedByEndomorphism(byLimbs: r).isIdentity)
        let k = Scalar.random(using: &rng)
        #expect(G1Point.generator * k == G1Point.generator.multipliedVarTime(by: k))
    }

    @Test func g2MatchesPlainMultiplication() {
        var rng = SeededRandom(seed: 53)
        let points = [G2Point.generator, G2Point.generator * Scalar.random(using: &rng), .identity]
        var scalars = Self.edgeLimbs
        for _ in 0..<6 { scalars.append(Scalar.random(using: &rng).canonicalLimbs) }
        for p in points {
            for k in scalars {
                #expect(p.point.multipliedByEndomorphism(byLimbs: k) == p.point.multipliedVarTime(byLimbs: k))
            }
        }
        #expect(G2Point.generator.point.multipliedByEndomorphism(byLimbs: Scalar.modulusLimbs).isIdentity)
        let k = Scalar.random(using: &rng)
        #expect(G2Point.generator * k == G2Point.generator.multipliedVarTime(by: k))
    }

    /// The variable-time GLV (G1) and GLS (G2) products and joint sums (fewer than 8 points share their doublings)
    /// against the plain width-5 NAF product of each point, which uses no endomorphism: edge scalars of the splits
    /// (below r), short batch coefficients beside full scalars, the identity and repeated points.
    @Test func variableTimeEndomorphismSumsMatchPlainProducts() {
        var rng = SeededRandom(seed: 55)
        var scalars = Self.edgeLimbs.filter { $0 != Scalar.modulusLimbs }
        scalars += [[UInt64.max, 0, 0, 0], [0, 0, 0, 0], [1 << 63, 0, 0, 0], [0, 1 << 63, 0, 0]]
        for _ in 0..<4 { scalars.append(Scalar.random(using: &rng).canonicalLimbs) }
        let g1 = [G1Point.generator, G1Point.generator * Scalar.random(using: &rng), .identity]
        let g2 = [G2Point.generator, G2Point.generator * Scalar.random(using: &rng), .identity]
        for k in scalars {
            let scalar = Scalar(canonicalLimbs: k)
            for p in g1 { #expect(p.multipliedVarTime(by: scalar).point == p.point.multipliedVarTime(byLimbs: k), "\(k)") }
            for q in g2 { #expect(q.multipliedVarTime(by: scalar).point == q.point.multipliedVarTime(byLimbs: k), "\(k)") }
        }
        for count in 1...7 {
            let chosen = (0..<count).map { _ in scalars[Int.random(in: 0..<scalars.count, using: &rng)] }
            let points1 = (0..<count).map { g1[$0 % g1.count] }
            let points2 = (0..<count).map { g2[$0 % g2.count] }
            let naive1 = zip(points1, chosen).reduce(ProjectivePoint<Fp>.identity) { $0 + $1.0.point.multipliedVarTime(byLimbs: $1.1) }
            let naive2 = zip(points2, chosen).reduce(ProjectivePoint<Fp2>.identity) { $0 + $1.0.point.multipliedVarTime(byLimbs: $1.1) }
            let scalarValues = chosen.map { Scalar(canonicalLimbs: $0) }
            #expect(G1Point.multiScalarMultiply(points1, scalarValues).point == naive1, "\(chosen)")
            #expect(G2Point.multiScalarMultiply(points2, scalarValues).point == naive2, "\(chosen)")
        }
    }

    /// The generic fixed-window multiplication (any curve point) still agrees with the variable-time one.
    @Test func plainConstantTimeMatchesVariableTime() {
        var rng = SeededRandom(seed: 54)
        for k in Self.edgeLimbs + [Scalar.random(using: &rng).canonicalLimbs] {
            #expect(G1Point.generator.point.multipliedConstantTime(byLimbs: k) == G1Point.generator.point.multipliedVarTime(byLimbs: k))
        }
    }
}
