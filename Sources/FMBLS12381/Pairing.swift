// The optimal ate pairing on BLS12-381: e(P, Q) = (f_{|x|,Q}(P))^(-1 conjugated for x < 0) raised to the
// final exponent, with x = -0xd201000000010000 the curve parameter. G2 is the M-type sextic twist
// E': y² = x³ + 4ξ (ξ = u + 1), untwisted by (x', y') ↦ (x'/w², y'/w³); multiplied by w³, every line
// through twist points evaluated at P ∈ G1 has non-zero coefficients only at 1, v and v·w (positions 0, 1, 4).
// Factors in proper subfields of 𝔽p¹² are dropped since the final exponentiation sends them to 1.

/// |x| for the BLS12-381 parameter x = -0xd201000000010000.
@usableFromInline let curveParameterMagnitude: UInt64 = 0xd201_0000_0001_0000

extension ProjectivePoint where F == Fp2 {
    /// Doubles T in place and returns the tangent line at T as (position 0, position 1 / xP, position 4 / yP)
    /// (Costello–Lange–Naehrig formulas for homogeneous coordinates).
    @inlinable
    mutating func doublingStep() -> (Fp2, Fp2, Fp2) {
        let a = (x * y).halved()
        let b = y.squared()
        let c = z.squared()
        let e = c.timesCurveB3()
        let f = e.doubled() + e
        let g = (b + f).halved()
        let h = (y + z).squared() - (b + c)
        let xSquared = x.squared()
        let eSquared = e.squared()
        x = a * (b - f)
        y = g.squared() - (eSquared.doubled() + eSquared)
        z = b * h
        return (e - b, xSquared.doubled() + xSquared, -h)
    }

    /// Adds the affine point Q to T in place and returns the line through T and Q in the same shape.
    @inlinable
    mutating func additionStep(_ qx: Fp2, _ qy: Fp2) -> (Fp2, Fp2, Fp2) {
        let theta = y - qy * z
        let lambda = x - qx * z
        let c = theta.squared()
        let d = lambda.squared()
        let e = lambda * d
        let f = z * c
        let g = x * d
        let h = e + f - g.doubled()
        let newY = theta * (g - h) - y * e
        x = lambda * h
        y = newY
        z = z * e
        return (theta * qx - lambda * qy, -theta, lambda)
    }
}

/// The inverses of non-zero elements with a single field inversion (Montgomery's trick), variable time:
/// **public data only** (the pairing's points, the final exponentiation's values).
@usableFromInline
func batchInvertedVarTime(_ values: [Fp]) -> [Fp] {
    var prefix = [Fp]()
    prefix.reserveCapacity(values.count)
    var accumulator = Fp.one
    for value in values {
        prefix.append(accumulator)
        accumulator = accumulator * value
    }
    var inverse = accumulator.inverseVarTime()
    var result = [Fp](repeating: .zero, count: values.count)
    for i in stride(from: values.count - 1, through: 0, by: -1) {
        result[i] = inverse * prefix[i]
        inverse = inverse * values[i]
    }
    return result
}

/// The Miller-loop lines of a fixed G2 point (the generator, a guardian's public key), computed once: every
/// later pairing with it skips the G2 arithmetic and only evaluates the stored lines at the G1 point. The line
/// coefficients carry projective scale factors in 𝔽p², which the final exponentiation removes.
public struct G2Prepared: Sendable {
    /// (position 0, position 1 / xP, position 4 / yP) per step, doubling then (on set bits) addition; empty for
    /// the identity.
    @usableFromInline let lines: [(Fp2, Fp2, Fp2)]

    public init(_ q: G2Point) {
        guard let (qx, qy) = q.affine else { lines = []; return }
        var t = ProjectivePoint<Fp2>(x: qx, y: qy, z: .one)
        var lines = [(Fp2, Fp2, Fp2)]()
        lines.reserveCapacity(70)
        for bit in stride(from: 62, through: 0, by: -1) {
            lines.append(t.doublingStep())
            if (curveParameterMagnitude >> UInt64(bit)) & 1 == 1 { lines.append(t.additionStep(qx, qy)) }
        }
        self.lines = lines
    }

    /// The generator's lines (every verification equation pairs with g2).
    public static let generator = G2Prepared(.generator)
}

/// The product of the Miller functions f_{x,Qᵢ}(Pᵢ) sharing one accumulator (so the squarings are shared), for
/// G2 points given as points (their lines computed on the way) or prepared (lines read back).
/// Pairs with an identity point contribute 1 and are skipped.
@usableFromInline
func millerLoop(_ pairs: [(G1Point, G2Point)], prepared: [(G1Point, G2Prepared)] = []) -> Fp12 {
    // Affine coordinates for all inputs with one shared inversion (Montgomery's trick over 𝔽p; an 𝔽p²
    // denominator z is inverted as z̄ / N(z)).
    var inputs = [(p: ProjectivePoint<Fp>, q: ProjectivePoint<Fp2>)]()
    for (p, q) in pairs where !p.isIdentity && !q.isIdentity { inputs.append((p.point, q.point)) }
    let preparedInputs = prepared.filter { !$0.0.isIdentity && !$0.1.lines.isEmpty }
    if inputs.isEmpty && preparedInputs.isEmpty { return .one }
    var denominators = [Fp]()
    for (p, q) in inputs { denominators += [p.z, q.z.norm] }
    for (p, _) in preparedInputs { denominators.append(p.point.z) }
    let inverses = batchInvertedVarTime(denominators)
    var pAffine = [(x: Fp, y: Fp)]()
    var qAffine = [(x: Fp2, y: Fp2)]()
    for (i, (p, q)) in inputs.enumerated() {
        pAffine.append((p.x * inverses[2 * i], p.y * inverses[2 * i]))
        let qzInverse = q.z.conjugate() * inverses[2 * i + 1]
        qAffine.append((q.x * qzInverse, q.y * qzInverse))
    }
    let preparedP = preparedInputs.enumerated().map { i, pair in
        (x: pair.0.point.x * inverses[2 * inputs.count + i], y: pair.0.point.y * inverses[2 * inputs.count + i])
    }
    var t = qAffine.map { ProjectivePoint<Fp2>(x: $0.x, y: $0.y, z: .one) }
    var f = Fp12.one
    var step = 0
    // One doubling (and on set bits one addition) per bit of |x| below the top one; step counts the lines.
    func multiplyLines(_ line: (inout ProjectivePoint<Fp2>, Int) -> (Fp2, Fp2, Fp2)) {
        for j in t.indices {
            let (l0, l1, l4) = line(&t[j], j)
            f = f.multiplied(by014: l0, l1 * pAffine[j].x, l4 * pAffine[j].y)
        }
        for (j, pair) in preparedInputs.enumerated() {
            let (l0, l1, l4) = pair.1.lines[step]
            f = f.multiplied(by014: l0, l1 * preparedP[j].x, l4 * preparedP[j].y)
        }
        step += 1
    }
    for bit in stride(from: 62, through: 0, by: -1) {
        if step > 0 { f = f.squared() }
        multiplyLines { point, _ in point.doublingStep() }
        if (curveParameterMagnitude >> UInt64(bit)) & 1 == 1 {
            multiplyLines { point, j in point.additionStep(qAffine[j].x, qAffine[j].y) }
        }
    }
    // x is negative: f_{x,Q} = 1 / f_{|x|,Q} up to factors killed by the final exponentiation.
    return f.conjugate()
}

extension Fp12 {
    /// self^x for the negative parameter x (conjugation inverts in the cyclotomic subgroup).
    @inlinable
    func cyclotomicPowerOfParameter() -> Fp12 { cyclotomicPowerOfParameterMagnitude().conjugate() }

    /// f^(3(p¹² - 1)/r): easy part f^((p⁶ - 1)(p² + 1)), then the hard part through the decomposition
    /// 3(p⁴ - p² + 1)/r = (x - 1)²(x + p)(x² + p² - 1) + 3 (Hayashida–Hayasaka–Teruya). The extra factor 3 is
    /// coprime to r, so this is still a non-degenerate bilinear pairing; it is the normalisation of blst and
    /// zkcrypto/bls12_381. Variable time (inversions, compressed squarings): public data only.
    @usableFromInline
    func finalExponentiation() -> Fp12 {
        let t = conjugate() * inverseVarTime()
        let f = t.frobenius2() * t
        var a = f.cyclotomicPowerOfParameter() * f.conjugate()     // f^(x-1)
        a = a.cyclotomicPowerOfParameter() * a.conjugate()         // f^((x-1)²)
        let b = a.cyclotomicPowerOfParameter() * a.frobenius()     // ·(x + p)
        let c = b.cyclotomicPowerOfParameter().cyclotomicPowerOfParameter() * b.frobenius2() * b.conjugate()
        return c * f.cyclotomicSquared() * f                       // · f³
    }
}

/// An element of Gt, the order-r subgroup of 𝔽p¹²* where pairing values live.
public struct Gt: Hashable, Sendable {
    @usableFromInline var value: Fp12

    @inlinable init(_ value: Fp12) { self.value = value }

    public static var one: Gt { Gt(.one) }
    public var isOne: Bool { value.isOne }

    public static func * (a: Gt, b: Gt) -> Gt { Gt(a.value * b.value) }

    /// The inverse (conjugation, since Gt lies in the cyclotomic subgroup).
    public func inverse() -> Gt { Gt(value.conjugate()) }

    /// self^s (variable time in s).
    public func pow(_ s: Scalar) -> Gt {
        var result = Fp12.one
        for limb in s.canonicalLimbs.reversed() {
            for bit in stride(from: 63, through: 0, by: -1) {
                result = result.cyclotomicSquared()
                if (limb >> UInt64(bit)) & 1 == 1 { result = result * value }
            }
        }
        return Gt(result)
    }

    /// The twelve 𝔽p coefficients in tower order c0.c0.c0, c0.c0.c1, c0.c1.c0, …, c1.c2.c1 (the memory order
    /// of blst and zkcrypto).
    public var coefficients: [Fp] {
        [value.c0, value.c1].flatMap { [$0.c0, $0.c1, $0.c2] }.flatMap { [$0.c0, $0.c1] }
    }
}

/// The optimal ate pairing e(P, Q), normalised as blst and zkcrypto/bls12_381 do: the Miller loop value for
/// x = -0xd201000000010000 raised to 3(p¹² - 1)/r, i.e. the cube of the textbook value. e(P, O) = e(O, Q) = 1.
/// Variable time: pairings run on public data (signatures, messages, public keys).
public func pairing(_ p: G1Point, _ q: G2Point) -> Gt {
    Gt(millerLoop([(p, q)]).finalExponentiation())
}

/// Π e(Pᵢ, Qᵢ) with one shared Miller loop and a single final exponentiation.
public func multiPairing(_ pairs: [(G1Point, G2Point)]) -> Gt {
    Gt(millerLoop(pairs).finalExponentiation())
}

/// Π e(Pᵢ, Qᵢ) over both lists, the prepared G2 points reusing their stored lines.
public func multiPairing(_ pairs: [(G1Point, G2Point)], prepared: [(G1Point, G2Prepared)]) -> Gt {
    Gt(millerLoop(pairs, prepared: prepared).finalExponentiation())
}

/// True if Π e(Pᵢ, Qᵢ) = 1 (over both lists), the shape of every pairing verification equation. Pairing checks
/// run on public data and may take variable time.
public func pairingProductIsOne(_ pairs: [(G1Point, G2Point)], prepared: [(G1Point, G2Prepared)] = []) -> Bool {
    multiPairing(pairs, prepared: prepared).isOne
}
