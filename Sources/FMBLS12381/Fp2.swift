/// An element c0 + c1·u of 𝔽p² = 𝔽p[u]/(u² + 1), the field of G2 coordinates.
@frozen
public struct Fp2: Hashable, Sendable {
    public var c0: Fp
    public var c1: Fp

    @inlinable @inline(__always)
    public init(c0: Fp, c1: Fp) { (self.c0, self.c1) = (c0, c1) }

    /// Embeds a base-field element.
    @inlinable @inline(__always)
    public init(_ c0: Fp) { (self.c0, self.c1) = (c0, .zero) }

    public static var zero: Fp2 { @inline(__always) get { Fp2(c0: .zero, c1: .zero) } }
    public static var one: Fp2 { @inline(__always) get { Fp2(c0: .one, c1: .zero) } }

    public var isZero: Bool { c0.isZero && c1.isZero }

    @inlinable @inline(__always)
    public static func + (a: Fp2, b: Fp2) -> Fp2 { Fp2(c0: a.c0 + b.c0, c1: a.c1 + b.c1) }
    @inlinable @inline(__always)
    public static func - (a: Fp2, b: Fp2) -> Fp2 { Fp2(c0: a.c0 - b.c0, c1: a.c1 - b.c1) }
    @inlinable @inline(__always)
    public static prefix func - (a: Fp2) -> Fp2 { Fp2(c0: -a.c0, c1: -a.c1) }
    @inlinable @inline(__always)
    public static func += (a: inout Fp2, b: Fp2) { a = a + b }
    @inlinable @inline(__always)
    public static func -= (a: inout Fp2, b: Fp2) { a = a - b }
    @inlinable @inline(__always)
    public static func *= (a: inout Fp2, b: Fp2) { a = a * b }

    /// Karatsuba with lazy reduction: three double-width products, two Montgomery reductions (FpWide.swift).
    @inlinable @inline(__always)
    public static func * (a: Fp2, b: Fp2) -> Fp2 { Fp2Wide(product: a, b).reduced() }

    /// Multiplication by a base-field element.
    @inlinable @inline(__always)
    public static func * (a: Fp2, b: Fp) -> Fp2 { Fp2(c0: a.c0 * b, c1: a.c1 * b) }

    /// Complex squaring: two base-field multiplications.
    @inlinable @inline(__always)
    public func squared() -> Fp2 {
        let t = c0 * c1
        return Fp2(c0: (c0 + c1) * (c0 - c1), c1: t + t)
    }

    @inlinable @inline(__always)
    public func doubled() -> Fp2 { Fp2(c0: c0.doubled(), c1: c1.doubled()) }

    @inlinable @inline(__always)
    public func halved() -> Fp2 { Fp2(c0: c0.halved(), c1: c1.halved()) }

    /// The Frobenius map x ↦ x^p, which is conjugation u ↦ -u.
    @inlinable @inline(__always)
    public func conjugate() -> Fp2 { Fp2(c0: c0, c1: -c1) }

    /// Multiplication by ξ = u + 1, the non-residue defining 𝔽p⁶ and the twist.
    @inlinable @inline(__always)
    func multipliedByNonResidue() -> Fp2 { Fp2(c0: c0 - c1, c1: c0 + c1) }

    /// The inverse via the norm; zero maps to zero. Constant time.
    @inlinable
    public func inverse() -> Fp2 { inverse(normInverse: norm.inverse()) }

    /// The norm c0² + c1² (an element of 𝔽p, zero only for zero).
    @inlinable
    var norm: Fp { c0.squared() + c1.squared() }

    /// The inverse given the inverse of ``norm``: the conjugate divided by the norm.
    @inlinable
    func inverse(normInverse t: Fp) -> Fp2 { Fp2(c0: c0 * t, c1: -(c1 * t)) }

    @inlinable @inline(__always)
    static func select(_ a: Fp2, _ b: Fp2, mask: UInt64) -> Fp2 {
        Fp2(c0: Fp.select(a.c0, b.c0, mask: mask), c1: Fp.select(a.c1, b.c1, mask: mask))
    }

    /// self^e for a public exponent given as little-endian limbs (the base may be secret).
    @inlinable
    func pow(limbs e: [UInt64]) -> Fp2 { power(limbs: e) }

    /// True if self is a square in 𝔽p² (exactly when its norm is a square in 𝔽p).
    public var isSquare: Bool { norm.isSquare }

    /// A square root, or nil if none exists (p ≡ 3 mod 4 method, RFC 9380 appendix I.3 style).
    public func sqrt() -> Fp2? {
        // a1 = self^((p-3)/4); alpha = a1²·self; x0 = a1·self.
        let a1 = pow(limbs: [0xee7f_bfff_ffff_eaaa, 0x07aa_ffff_ac54_ffff, 0xd9cc_34a8_3dac_3d89,
                             0xd91d_d2e1_3ce1_44af, 0x92c6_e9ed_90d2_eb35, 0x0680_447a_8e5f_f9a6])
        let alpha = a1.squared() * self
        let x0 = a1 * self
        let root: Fp2
        if alpha == -Fp2.one {
            root = Fp2(c0: -x0.c1, c1: x0.c0)  // u·x0
        } else {
            root = (alpha + .one).pow(limbs: Fp.halfModulusLimbs) * x0
        }
        return root.squared() == self ? root : nil
    }

    /// RFC 9380 sgn0 for m = 2.
    public var sgn0: Bool {
        let sign0 = c0.sgn0
        return sign0 || (c0.isZero && c1.sgn0)
    }

    /// ZCash sign flag: c1 > (p-1)/2, or c1 = 0 and c0 > (p-1)/2.
    public func isLexicographicallyLargest() -> Bool {
        c1.isZero ? c0.isLexicographicallyLargest() : c1.isLexicographicallyLargest()
    }
}

extension Fp2: CustomStringConvertible {
    public var description: String { "(\(c0) + \(c1)·u)" }
}
