import CFMFieldArithmetic

/// An element c0 + c1·w of 𝔽p¹² = 𝔽p⁶[w]/(w² - v), where pairing values live.
@frozen
public struct Fp12: Hashable, Sendable {
    public var c0: Fp6
    public var c1: Fp6

    @inlinable @inline(__always)
    public init(c0: Fp6, c1: Fp6) { (self.c0, self.c1) = (c0, c1) }

    public static var zero: Fp12 { Fp12(c0: .zero, c1: .zero) }
    public static var one: Fp12 { Fp12(c0: .one, c1: .zero) }

    public var isZero: Bool { c0.isZero && c1.isZero }
    public var isOne: Bool { self == .one }

    @inlinable @inline(__always)
    public static func + (a: Fp12, b: Fp12) -> Fp12 { Fp12(c0: a.c0 + b.c0, c1: a.c1 + b.c1) }
    @inlinable @inline(__always)
    public static func - (a: Fp12, b: Fp12) -> Fp12 { Fp12(c0: a.c0 - b.c0, c1: a.c1 - b.c1) }

    /// Karatsuba over 𝔽p⁶: three 𝔽p⁶ multiplications.
    @inlinable
    public static func * (a: Fp12, b: Fp12) -> Fp12 {
        let t0 = a.c0 * b.c0
        let t1 = a.c1 * b.c1
        return Fp12(c0: t0 + t1.multipliedByV(), c1: (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1)
    }

    /// Complex squaring: two 𝔽p⁶ multiplications.
    @inlinable
    public func squared() -> Fp12 {
        let t = c0 * c1
        let c0New = (c0 + c1) * (c0 + c1.multipliedByV()) - t - t.multipliedByV()
        return Fp12(c0: c0New, c1: t + t)
    }

    /// Conjugation over 𝔽p⁶ (x ↦ x^(p⁶)); the inverse for elements of the cyclotomic subgroup.
    @inlinable @inline(__always)
    public func conjugate() -> Fp12 { Fp12(c0: c0, c1: -c1) }

    /// Constant time.
    public func inverse() -> Fp12 { inverse { $0.inverse() } }

    /// The inverse through the norm to 𝔽p⁶, with `invert` for the one 𝔽p² inversion inside 𝔽p⁶'s.
    @inlinable
    func inverse(_ invert: (Fp2) -> Fp2) -> Fp12 {
        let t = (c0.squared() - c1.squared().multipliedByV()).inverse(invert)
        return Fp12(c0: c0 * t, c1: -(c1 * t))
    }

    /// Multiplication by a line value with non-zero 𝔽p² coefficients only at positions 0 (c0.c0), 1 (c0.c1)
    /// and 4 (c1.c1): thirteen 𝔽p² multiplications instead of eighteen. The C kernel (TowerArithmetic.c) where
    /// the 𝔽p kernels run.
    @inlinable @inline(__always)
    func multiplied(by014 b0: Fp2, _ b1: Fp2, _ b4: Fp2) -> Fp12 {
        #if arch(x86_64)
        if _fastPath(fm_fp_has_adx()) {
            var r = self  // every limb is overwritten
            withUnsafePointer(to: self) { a in
                withUnsafePointer(to: b0) { b0 in
                    withUnsafePointer(to: b1) { b1 in withUnsafePointer(to: b4) { b4 in fm_fp12_mul_by_014(&r, a, b0, b1, b4) } }
                }
            }
            return r
        }
        #endif
        return portableMultiplied(by014: b0, b1, b4)
    }

    /// ``multiplied(by014:_:_:)`` in Swift (out of line).
    @usableFromInline @inline(never)
    func portableMultiplied(by014 b0: Fp2, _ b1: Fp2, _ b4: Fp2) -> Fp12 {
        let t0 = c0.multiplied(by01: b0, b1)
        let t1 = c1.multiplied(by1: b4)
        let sum = (c0 + c1).multiplied(by01: b0, b1 + b4)
        return Fp12(c0: t0 + t1.multipliedByV(), c1: sum - t0 - t1)
    }

    /// x ↦ x^p.
    @inlinable
    func frobenius() -> Fp12 {
        Fp12(c0: c0.frobenius(), c1: c1.frobenius() * Fp12.frobeniusW1)
    }

    /// x ↦ x^(p²).
    @inlinable
    func frobenius2() -> Fp12 {
        Fp12(c0: c0.frobenius2(), c1: c1.frobenius2() * Fp12.frobenius2W1)
    }

    /// ξ^((p-1)/6)
    @inlinable static var frobeniusW1: Fp2 {
        Fp2(c0: Fp(montgomery: 0x0708_9552_b319_d465, 0xc669_5f92_b50a_8313, 0x97e8_3ccc_d117_228f,
                   0xa35b_aeca_b2dc_29ee, 0x1ce3_93ea_5daa_ce4d, 0x08f2_220f_b0fb_66eb),
            c1: Fp(montgomery: 0xb2f6_6aad_4ce5_d646, 0x5842_a06b_fc49_7cec, 0xcf48_95d4_2599_d394,
                   0xc11b_9cba_40a8_e8d0, 0x2e38_13cb_e5a0_de89, 0x110e_efda_8884_7faf))
    }
    /// ξ^((p²-1)/6), an element of 𝔽p.
    @inlinable static var frobenius2W1: Fp {
        Fp(montgomery: 0xecfb_361b_798d_ba3a, 0xc100_ddb8_9186_5a2c, 0x0ec0_8ff1_232b_da8e,
           0xd5c1_3cc6_f1ca_4721, 0x4722_2a47_bf7b_5c04, 0x0110_f184_e51c_5f59)
    }

    /// Granger–Scott squaring, valid only in the cyclotomic subgroup (after the easy part of the final
    /// exponentiation). Viewing 𝔽p¹² as 𝔽p⁴[w]/(w³ - s) with s = w³, f = A + B·w + C·w² squares to
    /// (3A² - 2Ā) + (3sC² + 2B̄)·w + (3B² - 2C̄)·w².
    @inlinable
    func cyclotomicSquared() -> Fp12 {
        // A = c0.c0 + c1.c1·s, B = c1.c0 + c0.c2·s, C = c0.c1 + c1.c2·s
        let (a0, a1) = Fp12.fp4Square(c0.c0, c1.c1)
        let (b0, b1) = Fp12.fp4Square(c1.c0, c0.c2)
        let (cc0, cc1) = Fp12.fp4Square(c0.c1, c1.c2)
        // A' = 3A² - 2Ā
        let newA0 = (a0 - c0.c0).doubled() + a0
        let newA1 = (a1 + c1.c1).doubled() + a1
        // B' = 3sC² + 2B̄, with s·(x + y·s) = ξy + x·s
        let sc0 = cc1.multipliedByNonResidue()
        let newB0 = (sc0 + c1.c0).doubled() + sc0
        let newB1 = (cc0 - c0.c2).doubled() + cc0
        // C' = 3B² - 2C̄
        let newC0 = (b0 - c0.c1).doubled() + b0
        let newC1 = (b1 + c1.c2).doubled() + b1
        return Fp12(c0: Fp6(c0: newA0, c1: newC0, c2: newB1), c1: Fp6(c0: newB0, c1: newA1, c2: newC1))
    }

    /// (x + y·s)² in 𝔽p⁴ = 𝔽p²[s]/(s² - ξ), as (x² + ξy², (x + y)² - x² - y²): the three 𝔽p² squares are
    /// combined double-width, four Montgomery reductions instead of six (FpWide.swift).
    @inlinable @inline(__always)
    static func fp4Square(_ x: Fp2, _ y: Fp2) -> (Fp2, Fp2) {
        let t0 = Fp2Wide(square: x)
        let t1 = Fp2Wide(square: y)
        let sum = Fp2Wide(square: x + y)
        return ((t1.multipliedByNonResidue() + t0).reduced(), (sum - t0 - t1).reduced())
    }
}
