import FMBLS12381

/// Hashing to G1 with the RFC 9380 suite `BLS12381G1_XMD:SHA-256_SSWU_RO_`:
/// `expand_message_xmd` → two field elements → simplified SWU on the
/// 11-isogenous curve E' → 11-isogeny to E → add → clear the cofactor.
public enum HashToG1 {
    /// The suite identifier (RFC 9380 §8.8.1), the tail of every domain tag for this suite.
    public static let suiteID = "BLS12381G1_XMD:SHA-256_SSWU_RO_"

    /// Hashes `message` to a point of the order-r subgroup of G1 (`hash_to_curve`).
    /// - Parameter domain: the domain separation tag; the mint uses ``DomainTags/mintMessage``.
    public static func hash(_ message: some Collection<UInt8>, domain: some Collection<UInt8>) -> G1Point {
        let (u0, u1) = hashToField(message, domain: domain)
        return mapToCurveSum(u0, u1).clearingCofactor()
    }

    /// `hash_to_field` with m = 1, L = 64, count = 2: two elements of Fp.
    public static func hashToField(
        _ message: some Collection<UInt8>, domain: some Collection<UInt8>
    ) -> (Fp, Fp) {
        // 128 bytes is far below the expander's limit, so it cannot throw.
        let uniform = try! ExpandMessageXMD.expand(message, domain: domain, length: 128)
        return (
            Fp(reducingBigEndianBytes: Array(uniform[0..<64])),
            Fp(reducingBigEndianBytes: Array(uniform[64..<128]))
        )
    }

    /// `map_to_curve` for one field element: simplified SWU onto E', then the
    /// 11-isogeny onto E. The result is on E but not yet in the subgroup.
    public static func mapToCurve(_ u: Fp) -> G1Point { IsogenyFraction(mappingToE: u).point }

    /// `map_to_curve` for both field elements.
    static func mapToCurve(_ u0: Fp, _ u1: Fp) -> (G1Point, G1Point) {
        (IsogenyFraction(mappingToE: u0).point, IsogenyFraction(mappingToE: u1).point)
    }

    /// map_to_curve(u0) + map_to_curve(u1), with the two SWU points added on E' and the isogeny (a group
    /// homomorphism) evaluated once on the sum (RFC 9380 §6.6.3 allows this): one isogeny, about 115 field
    /// multiplications, instead of two, for an addition on E' that costs five more than the one on E.
    static func mapToCurveSum(_ u0: Fp, _ u1: Fp) -> G1Point {
        let sum = IsogenousPoint(mapping: u0) + IsogenousPoint(mapping: u1)
        return IsogenyFraction(x: sum.x, y: sum.y, z: sum.z).point
    }
}

/// A point (X : Y : Z) of the 11-isogenous curve E': y² = x³ + A'x + B' in homogeneous coordinates.
struct IsogenousPoint {
    var x: Fp
    var y: Fp
    var z: Fp

    /// The simplified SWU image of u: (xn : y·xd : xd).
    init(mapping u: Fp) {
        let (xn, xd, y) = IsogenyFraction.simplifiedSWU(u)
        (x, self.y, z) = (xn, y * xd, xd)
    }

    init(x: Fp, y: Fp, z: Fp) { (self.x, self.y, self.z) = (x, y, z) }

    /// Complete addition for any a (Renes–Costello–Batina 2016, algorithm 1): 12 multiplications, 3 by A' and
    /// 2 by 3B'. Complete because E'(𝔽p) has odd order (that of E), so no point of order 2: equal and opposite
    /// inputs and the identity (0 : 1 : 0) need no branch.
    static func + (p: IsogenousPoint, q: IsogenousPoint) -> IsogenousPoint {
        let a = SSWUConstants.a, b3 = SSWUConstants.b3
        var t0 = p.x * q.x, t1 = p.y * q.y, t2 = p.z * q.z
        let t3 = (p.x + p.y) * (q.x + q.y) - (t0 + t1)
        var t4 = (p.x + p.z) * (q.x + q.z) - (t0 + t2)
        let t5 = (p.y + p.z) * (q.y + q.z) - (t1 + t2)
        var z3 = a * t4 + b3 * t2
        var x3 = t1 - z3
        z3 = t1 + z3
        var y3 = x3 * z3
        t1 = t0.doubled() + t0
        t2 = a * t2
        t4 = b3 * t4
        t1 = t1 + t2
        t2 = a * (t0 - t2)
        t4 = t4 + t2
        t0 = t1 * t4
        y3 = y3 + t0
        t0 = t5 * t4
        x3 = t3 * x3 - t0
        t0 = t3 * t1
        z3 = t5 * z3 + t0
        return IsogenousPoint(x: x3, y: y3, z: z3)
    }
}

/// A point of E as x = xNumerator/xDenominator, y = yNumerator/yDenominator,
/// so that the SWU map and the isogeny need no inversion of their own.
struct IsogenyFraction {
    var xNumerator: Fp
    var xDenominator: Fp
    var yNumerator: Fp
    var yDenominator: Fp

    init(mappingToE u: Fp) {
        let (xn, xd, y) = IsogenyFraction.simplifiedSWU(u)
        // x' = xn/xd, y' = y: the isogeny of one SWU point, with one multiplication less than through (xn : y·xd : xd).
        self.init(xNumerator: xn, xDenominator: xd)
        yNumerator = y * yNumerator
    }

    /// The isogeny's image of the E' point (X : Y : Z), x' = X/Z and y' = Y/Z: with the rational maps
    /// homogenised in (X, Z), x = Nx(X, Z) / (Dx(X, Z) · Z) and y = Y · Ny(X, Z) / (Z · Dy(X, Z)). Z = 0 (the
    /// identity of E') gives a zero x denominator, hence the identity.
    init(x: Fp, y: Fp, z: Fp) {
        self.init(xNumerator: x, xDenominator: z)
        yNumerator = y * yNumerator
        yDenominator = z * yDenominator
    }

    /// Nx, Dx·xd, Ny and Dy homogenised in (xn, xd); the callers finish the y fraction.
    private init(xNumerator xn: Fp, xDenominator xd: Fp) {
        var xdPowers = [Fp](repeating: .one, count: 16)
        for i in 1..<16 { xdPowers[i] = xdPowers[i - 1] * xd }
        func homogeneous(_ coefficients: [Fp]) -> Fp {
            let degree = coefficients.count - 1
            var acc = coefficients[degree]
            for i in stride(from: degree - 1, through: 0, by: -1) {
                acc = .sumOfProducts(acc, xn, coefficients[i], xdPowers[degree - i])  // one reduction (lazy)
            }
            return acc
        }
        xNumerator = homogeneous(SSWUConstants.xNumerator)
        xDenominator = homogeneous(SSWUConstants.xDenominator) * xd
        yNumerator = homogeneous(SSWUConstants.yNumerator)
        yDenominator = homogeneous(SSWUConstants.yDenominator)
    }

    /// The point in homogeneous coordinates (xN·yD : yN·xD : xD·yD), with no field inversion. A zero
    /// denominator (the isogeny's kernel) yields the identity, as RFC 9380 requires. The point is on the curve
    /// for every input (the RFC vectors pin the constants), so the trap below is reachable only through wrong
    /// constants.
    var point: G1Point {
        if xDenominator.isZero || yDenominator.isZero { return .identity }
        let x = xNumerator * yDenominator
        let y = yNumerator * xDenominator
        guard let point = try? G1Point(x: x, y: y, z: xDenominator * yDenominator) else {
            preconditionFailure("SWU/isogeny produced a point off the curve: constants are wrong")
        }
        return point
    }

    /// Simplified SWU onto E' (RFC 9380 appendix F.2, straight-line form for
    /// p ≡ 3 mod 4): returns x' = xn/xd and the affine y'.
    static func simplifiedSWU(_ u: Fp) -> (xn: Fp, xd: Fp, y: Fp) {
        let a = SSWUConstants.a, b = SSWUConstants.b, z = SSWUConstants.z
        var tv1 = z * u.squared()
        var tv2 = tv1.squared() + tv1
        let tv3 = b * (tv2 + .one)
        let tv4 = a * (tv2.isZero ? z : -tv2)
        tv2 = tv3.squared()
        var tv6 = tv4.squared()
        tv2 = (tv2 + a * tv6) * tv3
        tv6 = tv6 * tv4
        tv2 = tv2 + b * tv6
        // gx1 = tv2 / tv6; x1 = tv3 / tv4, x2 = Z·u²·x1.
        let (isSquare, y1) = sqrtRatio(tv2, tv6)
        let x = isSquare ? tv3 : tv1 * tv3
        tv1 = tv1 * u
        var y = isSquare ? y1 : tv1 * y1
        if u.sgn0 != y.sgn0 { y = -y }
        return (x, tv4, y)
    }

    /// `sqrt_ratio(u, v)` for p ≡ 3 (mod 4): (true, sqrt(u/v)) if u/v is a
    /// square, else (false, sqrt(Z·u/v)), with one exponentiation.
    static func sqrtRatio(_ u: Fp, _ v: Fp) -> (Bool, Fp) {
        let uv = u * v
        let y1 = (v.squared() * uv).pow(limbs: SSWUConstants.sqrtRatioExponent) * uv
        let isSquare = y1.squared() * v == u
        return (isSquare, isSquare ? y1 : y1 * SSWUConstants.sqrtMinusZ)
    }
}
