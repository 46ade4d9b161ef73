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
        let (q0, q1) = mapToCurve(u0, u1)
        return (q0 + q1).clearingCofactor()
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
        // Homogenise the isogeny's rational maps in x' = xn/xd:
        // x = Nx(xn, xd) / (Dx(xn, xd) · xd) and y = y' · Ny(xn, xd) / Dy(xn, xd).
        var xdPowers = [Fp](repeating: .one, count: 16)
        for i in 1..<16 { xdPowers[i] = xdPowers[i - 1] * xd }
        func homogeneous(_ coefficients: [Fp]) -> Fp {
            let degree = coefficients.count - 1
            var acc = coefficients[degree]
            for i in stride(from: degree - 1, through: 0, by: -1) {
                acc = acc * xn + coefficients[i] * xdPowers[degree - i]
            }
            return acc
        }
        xNumerator = homogeneous(SSWUConstants.xNumerator)
        xDenominator = homogeneous(SSWUConstants.xDenominator) * xd
        yNumerator = y * homogeneous(SSWUConstants.yNumerator)
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
