/// A point (X : Y : Z) on y² = x³ + b in Jacobian coordinates (x = X/Z², y = Y/Z³), for multiplications of
/// public points by public constants only: doubling costs 2 multiplications and 5 squarings (Lange's
/// dbl-2009-l for a = 0) where the complete projective formula costs 6 and 2 plus the 3b product, but
/// addition has exceptional cases, taken by branches (variable time). Z = 0 is the identity.
@usableFromInline @frozen
struct JacobianPoint<F: CurveField>: Sendable {
    @usableFromInline var x: F
    @usableFromInline var y: F
    @usableFromInline var z: F

    @inlinable init(x: F, y: F, z: F) { (self.x, self.y, self.z) = (x, y, z) }

    /// (X : Y : Z) projective is (XZ : YZ² : Z) Jacobian.
    @inlinable init(_ p: ProjectivePoint<F>) {
        self.init(x: p.x * p.z, y: p.y * p.z.squared(), z: p.z)
    }

    /// (X : Y : Z) Jacobian is (XZ : Y : Z³) projective.
    @inlinable var projective: ProjectivePoint<F> {
        if z.isZero { return .identity }
        return ProjectivePoint(x: x * z, y: y, z: z.squared() * z)
    }

    /// dbl-2009-l. E(𝔽p) and the twist's G2 cofactor group have no points of order 2, so a finite point never
    /// doubles to the identity; the identity (Z = 0) stays Z = 0.
    @inlinable
    func doubled() -> JacobianPoint {
        let a = x.squared(), b = y.squared(), c = b.squared()
        let d = ((x + b).squared() - a - c).doubled()
        let e = a.doubled() + a
        let x3 = e.squared() - d.doubled()
        let y3 = e * (d - x3) - c.doubled().doubled().doubled()
        return JacobianPoint(x: x3, y: y3, z: (y * z).doubled())
    }

    /// add-2007-bl, with the identity, equal and opposite inputs handled by branches.
    @inlinable
    func adding(_ q: JacobianPoint) -> JacobianPoint {
        if z.isZero { return q }
        if q.z.isZero { return self }
        let z1z1 = z.squared(), z2z2 = q.z.squared()
        let u1 = x * z2z2, u2 = q.x * z1z1
        let s1 = y * q.z * z2z2, s2 = q.y * z * z1z1
        let h = u2 - u1, r = (s2 - s1).doubled()
        if h.isZero { return r.isZero ? doubled() : JacobianPoint(x: .one, y: .one, z: .zero) }
        let i = h.doubled().squared()
        let j = h * i, v = u1 * i
        let x3 = r.squared() - j - v.doubled()
        let y3 = r * (v - x3) - (s1 * j).doubled()
        return JacobianPoint(x: x3, y: y3, z: ((z + q.z).squared() - z1z1 - z2z2) * h)
    }
}
