/// A point of G1: the order-r subgroup of E(𝔽p), E: y² = x³ + 4 (or, for decoded or constructed
/// affine points before a subgroup check, any point of E).
///
/// `==` compares group elements whatever their projective representation.
public struct G1Point: Hashable, Sendable, CustomStringConvertible {
    @usableFromInline var point: ProjectivePoint<Fp>

    @inlinable init(_ point: ProjectivePoint<Fp>) { self.point = point }

    /// The standard generator (ZCash/IETF).
    public static let generator = G1Point(ProjectivePoint(
        x: Fp(bigEndianBytes: bytesFromHex("17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"))!,
        y: Fp(bigEndianBytes: bytesFromHex("08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1"))!,
        z: .one))

    public static var identity: G1Point { G1Point(.identity) }

    public var isIdentity: Bool { point.isIdentity }

    /// The affine point (x, y); throws ``BLSError/notOnCurve`` if y² ≠ x³ + 4. No subgroup check.
    public init(x: Fp, y: Fp) throws(BLSError) {
        let candidate = ProjectivePoint(x: x, y: y, z: .one)
        guard candidate.isOnCurve else { throw .notOnCurve }
        point = candidate
    }

    /// The point (X : Y : Z) in homogeneous coordinates (x = X/Z, y = Y/Z), which saves a caller holding
    /// fractions an inversion; throws ``BLSError/notOnCurve`` if Y²Z ≠ X³ + 4Z³ (or Z = 0 but X ≠ 0 or Y = 0).
    /// No subgroup check.
    public init(x: Fp, y: Fp, z: Fp) throws(BLSError) {
        let candidate = ProjectivePoint(x: x, y: y, z: z)
        guard candidate.isOnCurve else { throw .notOnCurve }
        point = candidate
    }

    /// Affine coordinates; nil for the identity.
    public var affine: (x: Fp, y: Fp)? { point.affine }

    public static func == (a: G1Point, b: G1Point) -> Bool { a.point == b.point }

    public func hash(into hasher: inout Hasher) {
        if let (x, y) = affine { hasher.combine(x); hasher.combine(y) } else { hasher.combine(0) }
    }

    public static func + (a: G1Point, b: G1Point) -> G1Point { G1Point(a.point + b.point) }
    public static func - (a: G1Point, b: G1Point) -> G1Point { G1Point(a.point + (-b.point)) }
    public static prefix func - (a: G1Point) -> G1Point { G1Point(-a.point) }
    public static func += (a: inout G1Point, b: G1Point) { a = a + b }

    public func doubled() -> G1Point { G1Point(point.doubled()) }

    /// Scalar multiplication in constant time with respect to the scalar (for secret scalars), through the
    /// σ (GLV) endomorphism: `p` must lie in G1, as every decoded, generated or hashed point does.
    public static func * (p: G1Point, k: Scalar) -> G1Point {
        G1Point(p.point.multipliedByEndomorphism(byLimbs: k.canonicalLimbs))
    }

    /// Scalar multiplication that leaks the scalar through timing; only for public scalars (GLV split, like `*`): `p`
    /// must lie in the subgroup, as every decoded, generated or hashed point does.
    public func multipliedVarTime(by k: Scalar) -> G1Point {
        assert(point.isInG1, "the endomorphism split holds on the subgroup only")
        return G1Point(.jointMultipliedByEndomorphismVarTime([point], [k.canonicalLimbs]))
    }

    /// Σ scalars[i]·points[i] in variable time (public data only): fewer than 8 points share one run of doublings
    /// over their GLV halves, more take Pippenger's method. The points must lie in the subgroup (see `*`).
    public static func multiScalarMultiply(_ points: [G1Point], _ scalars: [Scalar]) -> G1Point {
        precondition(points.count == scalars.count, "one scalar per point")
        let limbs = scalars.map(\.canonicalLimbs)
        guard points.count >= 8 else { return G1Point(.jointMultipliedByEndomorphismVarTime(points.map(\.point), limbs)) }
        return G1Point(ProjectivePoint.multiScalarMultiply(points.map(\.point), limbs))
    }

    /// Multiplication by h_eff = 0xd201000000010001 = 1 - x, mapping any point of E into G1 (RFC 9380 §8.8.1).
    public func clearingCofactor() -> G1Point {
        G1Point(point.multipliedBySparseConstant(0xd201_0000_0001_0001))
    }

    public var isOnCurve: Bool { point.isOnCurve }

    /// True if the point lies in the order-r subgroup (Scott's endomorphism test, equivalent to r·P = O).
    public var isInSubgroup: Bool { point.isInG1 }

    /// The 48-byte compressed encoding.
    public var compressed: [UInt8] { point.compressedEncoding }

    /// Decodes a 48-byte compressed encoding, rejecting bad lengths and flags, x ≥ p, points off the curve
    /// and points outside G1.
    public init(compressed bytes: some Collection<UInt8>) throws(BLSError) {
        let candidate = G1Point(try ProjectivePoint<Fp>.decodeCompressed(bytes))
        guard candidate.isInSubgroup else { throw .notInSubgroup }
        self = candidate
    }

    /// The 96-byte uncompressed encoding x || y.
    public var uncompressed: [UInt8] { point.uncompressedEncoding }

    /// Decodes a 96-byte uncompressed encoding with the same checks as the compressed form.
    public init(uncompressed bytes: some Collection<UInt8>) throws(BLSError) {
        let candidate = G1Point(try ProjectivePoint<Fp>.decodeUncompressed(bytes))
        guard candidate.isInSubgroup else { throw .notInSubgroup }
        self = candidate
    }

    public var description: String { "G1(" + hexString(compressed) + ")" }
}

/// Parses a hex constant of this module (valid by construction).
func bytesFromHex(_ hex: String) -> [UInt8] {
    var out = [UInt8]()
    var high: UInt8?
    for c in hex.utf8 {
        let v = c <= 57 ? c - 48 : (c | 0x20) - 87
        if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
    }
    return out
}
