/// A point of G2: the order-r subgroup of E'(𝔽p²), E': y² = x³ + 4(u + 1) (or, for decoded or constructed
/// affine points before a subgroup check, any point of E).
///
/// `==` compares group elements whatever their projective representation.
public struct G2Point: Hashable, Sendable, CustomStringConvertible {
    @usableFromInline var point: ProjectivePoint<Fp2>

    @inlinable init(_ point: ProjectivePoint<Fp2>) { self.point = point }

    /// The standard generator (ZCash/IETF).
    public static let generator = G2Point(ProjectivePoint(
        x: Fp2.decode(bytesFromHex(
            "13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e"
            + "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8")[...])!,
        y: Fp2.decode(bytesFromHex(
            "0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be"
            + "0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801")[...])!,
        z: .one))

    public static var identity: G2Point { G2Point(.identity) }

    public var isIdentity: Bool { point.isIdentity }

    /// The affine point (x, y); throws ``BLSError/notOnCurve`` if y² ≠ x³ + 4(u + 1). No subgroup check.
    public init(x: Fp2, y: Fp2) throws(BLSError) {
        let candidate = ProjectivePoint(x: x, y: y, z: .one)
        guard candidate.isOnCurve else { throw .notOnCurve }
        point = candidate
    }

    /// Affine coordinates; nil for the identity.
    public var affine: (x: Fp2, y: Fp2)? { point.affine }

    public static func == (a: G2Point, b: G2Point) -> Bool { a.point == b.point }

    public func hash(into hasher: inout Hasher) {
        if let (x, y) = affine { hasher.combine(x); hasher.combine(y) } else { hasher.combine(0) }
    }

    public static func + (a: G2Point, b: G2Point) -> G2Point { G2Point(a.point + b.point) }
    public static func - (a: G2Point, b: G2Point) -> G2Point { G2Point(a.point + (-b.point)) }
    public static prefix func - (a: G2Point) -> G2Point { G2Point(-a.point) }
    public static func += (a: inout G2Point, b: G2Point) { a = a + b }

    public func doubled() -> G2Point { G2Point(point.doubled()) }

    /// Scalar multiplication in constant time with respect to the scalar (for secret scalars), through the
    /// ψ (GLS) endomorphism: `p` must lie in G2, as every decoded, generated or hashed point does.
    public static func * (p: G2Point, k: Scalar) -> G2Point {
        G2Point(p.point.multipliedByEndomorphism(byLimbs: k.canonicalLimbs))
    }

    /// Scalar multiplication that leaks the scalar through timing; only for public scalars (GLS split, like `*`): `p`
    /// must lie in the subgroup, as every decoded, generated or hashed point does.
    public func multipliedVarTime(by k: Scalar) -> G2Point {
        assert(point.isInG2, "the endomorphism split holds on the subgroup only")
        return G2Point(.jointMultipliedByEndomorphismVarTime([point], [k.canonicalLimbs]))
    }

    /// Σ scalars[i]·points[i] in variable time (public data only): fewer than 8 points share one run of doublings
    /// over their GLS halves, more take Pippenger's method. The points must lie in the subgroup (see `*`).
    public static func multiScalarMultiply(_ points: [G2Point], _ scalars: [Scalar]) -> G2Point {
        precondition(points.count == scalars.count, "one scalar per point")
        let limbs = scalars.map(\.canonicalLimbs)
        guard points.count >= 8 else { return G2Point(.jointMultipliedByEndomorphismVarTime(points.map(\.point), limbs)) }
        return G2Point(ProjectivePoint.multiScalarMultiply(points.map(\.point), limbs))
    }

    public var isOnCurve: Bool { point.isOnCurve }

    /// True if the point lies in the order-r subgroup (Scott's endomorphism test, equivalent to r·P = O).
    public var isInSubgroup: Bool { point.isInG2 }

    /// The 96-byte compressed encoding.
    public var compressed: [UInt8] { point.compressedEncoding }

    /// Decodes a 96-byte compressed encoding, rejecting bad lengths and flags, x ≥ p, points off the curve
    /// and points outside G1.
    public init(compressed bytes: some Collection<UInt8>) throws(BLSError) {
        let candidate = G2Point(try ProjectivePoint<Fp2>.decodeCompressed(bytes))
        guard candidate.isInSubgroup else { throw .notInSubgroup }
        self = candidate
    }

    /// The 192-byte uncompressed encoding x || y (each imaginary part first).
    public var uncompressed: [UInt8] { point.uncompressedEncoding }

    /// Decodes a 96-byte uncompressed encoding with the same checks as the compressed form.
    public init(uncompressed bytes: some Collection<UInt8>) throws(BLSError) {
        let candidate = G2Point(try ProjectivePoint<Fp2>.decodeUncompressed(bytes))
        guard candidate.isInSubgroup else { throw .notInSubgroup }
        self = candidate
    }

    public var description: String { "G2(" + hexString(compressed) + ")" }
}
