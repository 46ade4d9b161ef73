import CFMFieldArithmetic

/// An element c0 + c1·v + c2·v² of 𝔽p⁶ = 𝔽p²[v]/(v³ - ξ), ξ = u + 1.
@frozen
public struct Fp6: Hashable, Sendable {
    public var c0: Fp2
    public var c1: Fp2
    public var c2: Fp2

    @inlinable @inline(__always)
    public init(c0: Fp2, c1: Fp2, c2: Fp2) { (self.c0, self.c1, self.c2) = (c0, c1, c2) }

    public static var zero: Fp6 { Fp6(c0: .zero, c1: .zero, c2: .zero) }
    public static var one: Fp6 { Fp6(c0: .one, c1: .zero, c2: .zero) }

    public var isZero: Bool { c0.isZero && c1.isZero && c2.isZero }

    @inlinable @inline(__always)
    public static func + (a: Fp6, b: Fp6) -> Fp6 { Fp6(c0: a.c0 + b.c0, c1: a.c1 + b.c1, c2: a.c2 + b.c2) }
    @inlinable @inline(__always)
    public static func - (a: Fp6, b: Fp6) -> Fp6 { Fp6(c0: a.c0 - b.c0, c1: a.c1 - b.c1, c2: a.c2 - b.c2) }
    @inlinable @inline(__always)
    public static prefix func - (a: Fp6) -> Fp6 { Fp6(c0: -a.c0, c1: -a.c1, c2: -a.c2) }

    /// Karatsuba-style multiplication: six 𝔽p² products kept double-width and combined before six Montgomery
    /// reductions (instead of twelve, FpWide.swift). The C kernel (TowerArithmetic.c) where the 𝔽p kernels run.
    @inlinable @inline(__always)
    public static func * (a: Fp6, b: Fp6) -> Fp6 {
        #if arch(x86_64)
        if _fastPath(fm_fp_has_adx()) {
            var r = a  // every limb is overwritten
            withUnsafePointer(to: a) { a in withUnsafePointer(to: b) { b in fm_fp6_mul(&r, a, b) } }
            return r
        }
        #endif
        return portableProduct(a, b)
    }

    /// ``*(_:_:)`` in Swift (out of line: the kernel's callers stay small).
    @usableFromInline @inline(never)
    static func portableProduct(_ a: Fp6, _ b: Fp6) -> Fp6 {
        let t0 = Fp2Wide(product: a.c0, b.c0)
        let t1 = Fp2Wide(product: a.c1, b.c1)
        let t2 = Fp2Wide(product: a.c2, b.c2)
        let c0 = (Fp2Wide(product: a.c1 + a.c2, b.c1 + b.c2) - t1 - t2).multipliedByNonResidue() + t0
        let c1 = Fp2Wide(product: a.c0 + a.c1, b.c0 + b.c1) - t0 - t1 + t2.multipliedByNonResidue()
        let c2 = Fp2Wide(product: a.c0 + a.c2, b.c0 + b.c2) - t0 - t2 + t1
        return Fp6(c0: c0.reduced(), c1: c1.reduced(), c2: c2.reduced())
    }

    /// Chung–Hasan SQR2 squaring.
    @inlinable
    public func squared() -> Fp6 {
        let s0 = c0.squared()
        let s1 = (c0 * c1).doubled()
        let s2 = (c0 - c1 + c2).squared()
        let s3 = (c1 * c2).doubled()
        let s4 = c2.squared()
        return Fp6(c0: s3.multipliedByNonResidue() + s0,
                   c1: s4.multipliedByNonResidue() + s1,
                   c2: s1 + s2 + s3 - s0 - s4)
    }

    /// Multiplication by v (a shift with a reduction by ξ).
    @inlinable @inline(__always)
    func multipliedByV() -> Fp6 { Fp6(c0: c2.multipliedByNonResidue(), c1: c0, c2: c1) }

    /// Multiplication by an 𝔽p² element.
    @inlinable @inline(__always)
    static func * (a: Fp6, b: Fp2) -> Fp6 { Fp6(c0: a.c0 * b, c1: a.c1 * b, c2: a.c2 * b) }

    /// Multiplication by the sparse element b0 + b1·v: five 𝔽p² products kept double-width, six Montgomery
    /// reductions instead of ten (FpWide.swift).
    @inlinable
    func multiplied(by01 b0: Fp2, _ b1: Fp2) -> Fp6 {
        let t0 = Fp2Wide(product: c0, b0)
        let t1 = Fp2Wide(product: c1, b1)
        return Fp6(c0: (Fp2Wide(product: c2, b1).multipliedByNonResidue() + t0).reduced(),
                   c1: (Fp2Wide(product: c0 + c1, b0 + b1) - t0 - t1).reduced(),
                   c2: (Fp2Wide(product: c2, b0) + t1).reduced())
    }

    /// Multiplication by the sparse element b1·v.
    @inlinable
    func multiplied(by1 b1: Fp2) -> Fp6 {
        Fp6(c0: (c2 * b1).multipliedByNonResidue(), c1: c0 * b1, c2: c1 * b1)
    }

    /// Constant time.
    public func inverse() -> Fp6 { inverse { $0.inverse() } }

    /// The inverse through the adjugate, with `invert` for the one 𝔽p² inversion of the determinant.
    @inlinable
    func inverse(_ invert: (Fp2) -> Fp2) -> Fp6 {
        let t0 = c0.squared() - (c1 * c2).multipliedByNonResidue()
        let t1 = c2.squared().multipliedByNonResidue() - c0 * c1
        let t2 = c1.squared() - c0 * c2
        let determinant = c0 * t0 + (c2 * t1 + c1 * t2).multipliedByNonResidue()
        let inv = invert(determinant)
        return Fp6(c0: t0 * inv, c1: t1 * inv, c2: t2 * inv)
    }

    /// x ↦ x^p: conjugate the coefficients, then scale by v^(p-1) = ξ^((p-1)/3) and its square.
    @inlinable
    func frobenius() -> Fp6 {
        Fp6(c0: c0.conjugate(), c1: c1.conjugate() * Fp6.frobeniusV1, c2: c2.conjugate() * Fp6.frobeniusV2)
    }

    /// x ↦ x^(p²): coefficients are fixed; scale by ξ^((p²-1)/3) and its square (both in 𝔽p).
    @inlinable
    func frobenius2() -> Fp6 {
        Fp6(c0: c0, c1: c1 * Fp6.frobenius2V1, c2: c2 * Fp6.frobenius2V2)
    }

    /// ξ^((p-1)/3)
    @inlinable static var frobeniusV1: Fp2 {
        Fp2(c0: .zero,
            c1: Fp(montgomery: 0xcd03_c9e4_8671_f071, 0x5dab_2246_1fcd_a5d2, 0x5870_42af_d385_1b95,
                   0x8eb6_0ebe_01ba_cb9e, 0x03f9_7d6e_83d0_50d2, 0x18f0_2065_5463_8741))
    }
    /// ξ^(2(p-1)/3)
    @inlinable static var frobeniusV2: Fp2 {
        Fp2(c0: Fp(montgomery: 0x890d_c9e4_8675_45c3, 0x2af3_2253_3285_a5d5, 0x5088_0866_309b_7e2c,
                   0xa20d_1b8c_7e88_1024, 0x14e4_f04f_e2db_9068, 0x14e5_6d3f_1564_853a),
            c1: .zero)
    }
    /// ξ^((p²-1)/3), an element of 𝔽p.
    @inlinable static var frobenius2V1: Fp {
        Fp(montgomery: 0x30f1_361b_798a_64e8, 0xf3b8_ddab_7ece_5a2a, 0x16a8_ca3a_c615_77f7,
           0xc26a_2ff8_74fd_029b, 0x3636_b766_6070_1c6e, 0x051b_a4ab_241b_6160)
    }
    /// ξ^(2(p²-1)/3), an element of 𝔽p.
    @inlinable static var frobenius2V2: Fp {
        Fp(montgomery: 0xcd03_c9e4_8671_f071, 0x5dab_2246_1fcd_a5d2, 0x5870_42af_d385_1b95,
           0x8eb6_0ebe_01ba_cb9e, 0x03f9_7d6e_83d0_50d2, 0x18f0_2065_5463_8741)
    }
}

extension Fp6 {
    @inlinable @inline(__always)
    static func * (a: Fp6, b: Fp) -> Fp6 { Fp6(c0: a.c0 * b, c1: a.c1 * b, c2: a.c2 * b) }
}
