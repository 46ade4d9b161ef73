import CFMFieldArithmetic

// Lazy reduction: double-width (768-bit) products added and subtracted unreduced, then one Montgomery reduction
// per output coefficient instead of one per product (𝔽p² multiplication: two instead of three; 𝔽p⁶
// multiplication: six instead of twelve; the 𝔽p⁴ squarings of the cyclotomic squaring: four instead of six).
// Sums and differences of several products stay in [0, p·2^384) by working modulo p·2^384 (`+`, `-`), which
// is a multiple of p, so the Montgomery reduction still returns the right residue.

/// An unreduced product of two 𝔽p values in Montgomery form: twelve little-endian limbs, below p·2^384.
@frozen @usableFromInline
struct FpWide {
    @usableFromInline var l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11: UInt64

    @inlinable @inline(__always)
    init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64, _ l4: UInt64, _ l5: UInt64,
         _ l6: UInt64, _ l7: UInt64, _ l8: UInt64, _ l9: UInt64, _ l10: UInt64, _ l11: UInt64) {
        (self.l0, self.l1, self.l2, self.l3, self.l4, self.l5) = (l0, l1, l2, l3, l4, l5)
        (self.l6, self.l7, self.l8, self.l9, self.l10, self.l11) = (l6, l7, l8, l9, l10, l11)
    }

    /// a·b as a 768-bit integer (schoolbook); a and b are six-limb values (they may exceed p, e.g. a sum of two
    /// elements, as long as the product stays below p·2^384). The assembly kernel where the CPU has it.
    @inlinable @inline(__always)
    init(product a: Fp, _ b: Fp) {
        #if arch(x86_64)
        if _fastPath(fm_fp_has_adx()) {
            self.init(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafePointer(to: a) { a in withUnsafePointer(to: b) { b in fm_fp_mul_wide(&self, a, b) } }
            return
        }
        #endif
        self.init(portableProduct: a, b)
    }

    /// ``init(product:_:)`` in Swift.
    @inlinable @inline(__always)
    init(portableProduct a: Fp, _ b: Fp) {
        var c: UInt64
        var t0: UInt64 = 0, t1: UInt64 = 0, t2: UInt64 = 0, t3: UInt64 = 0, t4: UInt64 = 0, t5: UInt64 = 0
        var t6: UInt64 = 0, t7: UInt64 = 0, t8: UInt64 = 0, t9: UInt64 = 0, t10: UInt64 = 0, t11: UInt64 = 0
        (c, t0) = a.l0.multipliedFullWidth(by: b.l0)
        (c, t1) = mulAdd(a.l0, b.l1, c)
        (c, t2) = mulAdd(a.l0, b.l2, c)
        (c, t3) = mulAdd(a.l0, b.l3, c)
        (c, t4) = mulAdd(a.l0, b.l4, c)
        (c, t5) = mulAdd(a.l0, b.l5, c)
        t6 = c
        (c, t1) = mulAdd(a.l1, b.l0, t1)
        (c, t2) = mulAdd(a.l1, b.l1, t2, c)
        (c, t3) = mulAdd(a.l1, b.l2, t3, c)
        (c, t4) = mulAdd(a.l1, b.l3, t4, c)
        (c, t5) = mulAdd(a.l1, b.l4, t5, c)
        (c, t6) = mulAdd(a.l1, b.l5, t6, c)
        t7 = c
        (c, t2) = mulAdd(a.l2, b.l0, t2)
        (c, t3) = mulAdd(a.l2, b.l1, t3, c)
        (c, t4) = mulAdd(a.l2, b.l2, t4, c)
        (c, t5) = mulAdd(a.l2, b.l3, t5, c)
        (c, t6) = mulAdd(a.l2, b.l4, t6, c)
        (c, t7) = mulAdd(a.l2, b.l5, t7, c)
        t8 = c
        (c, t3) = mulAdd(a.l3, b.l0, t3)
        (c, t4) = mulAdd(a.l3, b.l1, t4, c)
        (c, t5) = mulAdd(a.l3, b.l2, t5, c)
        (c, t6) = mulAdd(a.l3, b.l3, t6, c)
        (c, t7) = mulAdd(a.l3, b.l4, t7, c)
        (c, t8) = mulAdd(a.l3, b.l5, t8, c)
        t9 = c
        (c, t4) = mulAdd(a.l4, b.l0, t4)
        (c, t5) = mulAdd(a.l4, b.l1, t5, c)
        (c, t6) = mulAdd(a.l4, b.l2, t6, c)
        (c, t7) = mulAdd(a.l4, b.l3, t7, c)
        (c, t8) = mulAdd(a.l4, b.l4, t8, c)
        (c, t9) = mulAdd(a.l4, b.l5, t9, c)
        t10 = c
        (c, t5) = mulAdd(a.l5, b.l0, t5)
        (c, t6) = mulAdd(a.l5, b.l1, t6, c)
        (c, t7) = mulAdd(a.l5, b.l2, t7, c)
        (c, t8) = mulAdd(a.l5, b.l3, t8, c)
        (c, t9) = mulAdd(a.l5, b.l4, t9, c)
        (c, t10) = mulAdd(a.l5, b.l5, t10, c)
        t11 = c
        self.init(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11)
    }

    /// a² as a 768-bit integer: the fifteen cross products once, doubled by a shift, plus the six squares
    /// (21 word products instead of the schoolbook's 36).
    @inlinable @inline(__always)
    init(square a: Fp) {
        var c: UInt64, h: UInt64, l: UInt64
        var t1: UInt64, t2: UInt64, t3: UInt64, t4: UInt64, t5: UInt64, t6: UInt64
        var t7: UInt64, t8: UInt64, t9: UInt64, t10: UInt64, t11: UInt64
        (c, t1) = a.l0.multipliedFullWidth(by: a.l1)
        (c, t2) = mulAdd(a.l0, a.l2, c)
        (c, t3) = mulAdd(a.l0, a.l3, c)
        (c, t4) = mulAdd(a.l0, a.l4, c)
        (c, t5) = mulAdd(a.l0, a.l5, c)
        t6 = c
        (c, t3) = mulAdd(a.l1, a.l2, t3)
        (c, t4) = mulAdd(a.l1, a.l3, t4, c)
        (c, t5) = mulAdd(a.l1, a.l4, t5, c)
        (c, t6) = mulAdd(a.l1, a.l5, t6, c)
        t7 = c
        (c, t5) = mulAdd(a.l2, a.l3, t5)
        (c, t6) = mulAdd(a.l2, a.l4, t6, c)
        (c, t7) = mulAdd(a.l2, a.l5, t7, c)
        t8 = c
        (c, t7) = mulAdd(a.l3, a.l4, t7)
        (c, t8) = mulAdd(a.l3, a.l5, t8, c)
        t9 = c
        (c, t9) = mulAdd(a.l4, a.l5, t9)
        t10 = c
        // Double the cross products (they are below 2^703, so the shift loses nothing).
        t11 = t10 >> 63
        t10 = (t10 << 1) | (t9 >> 63)
        t9 = (t9 << 1) | (t8 >> 63)
        t8 = (t8 << 1) | (t7 >> 63)
        t7 = (t7 << 1) | (t6 >> 63)
        t6 = (t6 << 1) | (t5 >> 63)
        t5 = (t5 << 1) | (t4 >> 63)
        t4 = (t4 << 1) | (t3 >> 63)
        t3 = (t3 << 1) | (t2 >> 63)
        t2 = (t2 << 1) | (t1 >> 63)
        t1 = t1 << 1
        // Add the squares a_i² at limb 2i.
        let t0: UInt64
        (h, t0) = a.l0.multipliedFullWidth(by: a.l0)
        (t1, c) = addWithCarry(t1, h, 0)
        (h, l) = a.l1.multipliedFullWidth(by: a.l1)
        (t2, c) = addWithCarry(t2, l, c)
        (t3, c) = addWithCarry(t3, h, c)
        (h, l) = a.l2.multipliedFullWidth(by: a.l2)
        (t4, c) = addWithCarry(t4, l, c)
        (t5, c) = addWithCarry(t5, h, c)
        (h, l) = a.l3.multipliedFullWidth(by: a.l3)
        (t6, c) = addWithCarry(t6, l, c)
        (t7, c) = addWithCarry(t7, h, c)
        (h, l) = a.l4.multipliedFullWidth(by: a.l4)
        (t8, c) = addWithCarry(t8, l, c)
        (t9, c) = addWithCarry(t9, h, c)
        (h, l) = a.l5.multipliedFullWidth(by: a.l5)
        (t10, c) = addWithCarry(t10, l, c)
        (t11, _) = addWithCarry(t11, h, c)
        self.init(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11)
    }

    /// a + b modulo p·2^384 (both below p·2^384, so the sum is below 2p·2^384 < 2^766 and one conditional
    /// subtraction of p from its upper half brings it back into [0, p·2^384)).
    @inlinable @inline(__always)
    static func + (_ a: FpWide, _ b: FpWide) -> FpWide {
        var c: UInt64 = 0
        let r0: UInt64; (r0, c) = addWithCarry(a.l0, b.l0, c)
        let r1: UInt64; (r1, c) = addWithCarry(a.l1, b.l1, c)
        let r2: UInt64; (r2, c) = addWithCarry(a.l2, b.l2, c)
        let r3: UInt64; (r3, c) = addWithCarry(a.l3, b.l3, c)
        let r4: UInt64; (r4, c) = addWithCarry(a.l4, b.l4, c)
        let r5: UInt64; (r5, c) = addWithCarry(a.l5, b.l5, c)
        let r6: UInt64; (r6, c) = addWithCarry(a.l6, b.l6, c)
        let r7: UInt64; (r7, c) = addWithCarry(a.l7, b.l7, c)
        let r8: UInt64; (r8, c) = addWithCarry(a.l8, b.l8, c)
        let r9: UInt64; (r9, c) = addWithCarry(a.l9, b.l9, c)
        let r10: UInt64; (r10, c) = addWithCarry(a.l10, b.l10, c)
        let r11: UInt64; (r11, _) = addWithCarry(a.l11, b.l11, c)
        let top = Fp.reducedOnce(r6, r7, r8, r9, r10, r11)  // the upper half is below 2p: subtract p·2^384 once
        return FpWide(r0, r1, r2, r3, r4, r5, top.l0, top.l1, top.l2, top.l3, top.l4, top.l5)
    }

    /// a - b modulo p·2^384: plus p·2^384 if that is negative; a and b must be below p·2^384.
    @inlinable @inline(__always)
    static func - (_ a: FpWide, _ b: FpWide) -> FpWide {
        var c: UInt64 = 0
        let r0: UInt64; (r0, c) = subtractWithBorrow(a.l0, b.l0, c)
        let r1: UInt64; (r1, c) = subtractWithBorrow(a.l1, b.l1, c)
        let r2: UInt64; (r2, c) = subtractWithBorrow(a.l2, b.l2, c)
        let r3: UInt64; (r3, c) = subtractWithBorrow(a.l3, b.l3, c)
        let r4: UInt64; (r4, c) = subtractWithBorrow(a.l4, b.l4, c)
        let r5: UInt64; (r5, c) = subtractWithBorrow(a.l5, b.l5, c)
        let r6: UInt64; (r6, c) = subtractWithBorrow(a.l6, b.l6, c)
        let r7: UInt64; (r7, c) = subtractWithBorrow(a.l7, b.l7, c)
        let r8: UInt64; (r8, c) = subtractWithBorrow(a.l8, b.l8, c)
        let r9: UInt64; (r9, c) = subtractWithBorrow(a.l9, b.l9, c)
        let r10: UInt64; (r10, c) = subtractWithBorrow(a.l10, b.l10, c)
        let r11: UInt64; (r11, c) = subtractWithBorrow(a.l11, b.l11, c)
        let mask = 0 &- c  // all ones on a borrow: add p at limb 6
        var d: UInt64 = 0
        let s0: UInt64; (s0, d) = addWithCarry(r6, 0xb9fe_ffff_ffff_aaab & mask, d)
        let s1: UInt64; (s1, d) = addWithCarry(r7, 0x1eab_fffe_b153_ffff & mask, d)
        let s2: UInt64; (s2, d) = addWithCarry(r8, 0x6730_d2a0_f6b0_f624 & mask, d)
        let s3: UInt64; (s3, d) = addWithCarry(r9, 0x6477_4b84_f385_12bf & mask, d)
        let s4: UInt64; (s4, d) = addWithCarry(r10, 0x4b1b_a7b6_434b_acd7 & mask, d)
        let s5: UInt64; (s5, d) = addWithCarry(r11, 0x1a01_11ea_397f_e69a & mask, d)
        return FpWide(r0, r1, r2, r3, r4, r5, s0, s1, s2, s3, s4, s5)
    }

    /// Montgomery reduction: self·2^-384 mod p, fully reduced (self < p·2^384). The assembly kernel where the CPU
    /// has it.
    @inlinable @inline(__always)
    func reduced() -> Fp {
        #if arch(x86_64)
        if _fastPath(fm_fp_has_adx()) {
            var r = Fp.zero
            withUnsafePointer(to: self) { t in fm_fp_reduce(&r, t) }
            return r
        }
        #endif
        return portableReduced()
    }

    /// ``reduced()`` in Swift (self < p·2^384 gives a value below 2p before the final subtraction).
    @inlinable @inline(__always)
    func portableReduced() -> Fp {
        var (t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11) = (l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11)
        var m: UInt64, c: UInt64, top: UInt64 = 0
        m = t0 &* 0x89f3_fffc_fffc_fffd
        c = mulAddHigh(m, 0xb9fe_ffff_ffff_aaab, t0)
        (c, t1) = mulAdd(m, 0x1eab_fffe_b153_ffff, t1, c)
        (c, t2) = mulAdd(m, 0x6730_d2a0_f6b0_f624, t2, c)
        (c, t3) = mulAdd(m, 0x6477_4b84_f385_12bf, t3, c)
        (c, t4) = mulAdd(m, 0x4b1b_a7b6_434b_acd7, t4, c)
        (c, t5) = mulAdd(m, 0x1a01_11ea_397f_e69a, t5, c)
        (t6, top) = addWithCarry(t6, c, top)
        m = t1 &* 0x89f3_fffc_fffc_fffd
        c = mulAddHigh(m, 0xb9fe_ffff_ffff_aaab, t1)
        (c, t2) = mulAdd(m, 0x1eab_fffe_b153_ffff, t2, c)
        (c, t3) = mulAdd(m, 0x6730_d2a0_f6b0_f624, t3, c)
        (c, t4) = mulAdd(m, 0x6477_4b84_f385_12bf, t4, c)
        (c, t5) = mulAdd(m, 0x4b1b_a7b6_434b_acd7, t5, c)
        (c, t6) = mulAdd(m, 0x1a01_11ea_397f_e69a, t6, c)
        (t7, top) = addWithCarry(t7, c, top)
        m = t2 &* 0x89f3_fffc_fffc_fffd
        c = mulAddHigh(m, 0xb9fe_ffff_ffff_aaab, t2)
        (c, t3) = mulAdd(m, 0x1eab_fffe_b153_ffff, t3, c)
        (c, t4) = mulAdd(m, 0x6730_d2a0_f6b0_f624, t4, c)
        (c, t5) = mulAdd(m, 0x6477_4b84_f385_12bf, t5, c)
        (c, t6) = mulAdd(m, 0x4b1b_a7b6_434b_acd7, t6, c)
        (c, t7) = mulAdd(m, 0x1a01_11ea_397f_e69a, t7, c)
        (t8, top) = addWithCarry(t8, c, top)
        m = t3 &* 0x89f3_fffc_fffc_fffd
        c = mulAddHigh(m, 0xb9fe_ffff_ffff_aaab, t3)
        (c, t4) = mulAdd(m, 0x1eab_fffe_b153_ffff, t4, c)
        (c, t5) = mulAdd(m, 0x6730_d2a0_f6b0_f624, t5, c)
        (c, t6) = mulAdd(m, 0x6477_4b84_f385_12bf, t6, c)
        (c, t7) = mulAdd(m, 0x4b1b_a7b6_434b_acd7, t7, c)
        (c, t8) = mulAdd(m, 0x1a01_11ea_397f_e69a, t8, c)
        (t9, top) = addWithCarry(t9, c, top)
        m = t4 &* 0x89f3_fffc_fffc_fffd
        c = mulAddHigh(m, 0xb9fe_ffff_ffff_aaab, t4)
        (c, t5) = mulAdd(m, 0x1eab_fffe_b153_ffff, t5, c)
        (c, t6) = mulAdd(m, 0x6730_d2a0_f6b0_f624, t6, c)
        (c, t7) = mulAdd(m, 0x6477_4b84_f385_12bf, t7, c)
        (c, t8) = mulAdd(m, 0x4b1b_a7b6_434b_acd7, t8, c)
        (c, t9) = mulAdd(m, 0x1a01_11ea_397f_e69a, t9, c)
        (t10, top) = addWithCarry(t10, c, top)
        m = t5 &* 0x89f3_fffc_fffc_fffd
        c = mulAddHigh(m, 0xb9fe_ffff_ffff_aaab, t5)
        (c, t6) = mulAdd(m, 0x1eab_fffe_b153_ffff, t6, c)
        (c, t7) = mulAdd(m, 0x6730_d2a0_f6b0_f624, t7, c)
        (c, t8) = mulAdd(m, 0x6477_4b84_f385_12bf, t8, c)
        (c, t9) = mulAdd(m, 0x4b1b_a7b6_434b_acd7, t9, c)
        (c, t10) = mulAdd(m, 0x1a01_11ea_397f_e69a, t10, c)
        (t11, top) = addWithCarry(t11, c, top)
        return Fp.reducedOnce(t6, t7, t8, t9, t10, t11)
    }
}

extension Fp {
    /// self + b without the reduction: below 2p < 2^382, an input to ``FpWide/init(product:_:)`` only.
    @inlinable @inline(__always)
    func addedUnreduced(_ b: Fp) -> Fp {
        var c: UInt64 = 0
        let t0: UInt64; (t0, c) = addWithCarry(l0, b.l0, c)
        let t1: UInt64; (t1, c) = addWithCarry(l1, b.l1, c)
        let t2: UInt64; (t2, c) = addWithCarry(l2, b.l2, c)
        let t3: UInt64; (t3, c) = addWithCarry(l3, b.l3, c)
        let t4: UInt64; (t4, c) = addWithCarry(l4, b.l4, c)
        let t5: UInt64; (t5, c) = addWithCarry(l5, b.l5, c)
        return Fp(montgomery: t0, t1, t2, t3, t4, t5)
    }
}

/// An unreduced 𝔽p² value: two ``FpWide`` coefficients in [0, p·2^384).
@frozen @usableFromInline
struct Fp2Wide {
    @usableFromInline var c0, c1: FpWide

    @inlinable @inline(__always)
    init(c0: FpWide, c1: FpWide) { (self.c0, self.c1) = (c0, c1) }

    /// a·b by Karatsuba: three double-width products, no reduction (a and b reduced).
    @inlinable @inline(__always)
    init(product a: Fp2, _ b: Fp2) {
        let v0 = FpWide(product: a.c0, b.c0)
        let v1 = FpWide(product: a.c1, b.c1)
        let sum = FpWide(product: a.c0.addedUnreduced(a.c1), b.c0.addedUnreduced(b.c1))  // below 4p² < p·2^384
        self.init(c0: v0 - v1, c1: sum - v0 - v1)
    }

    /// a² as ((a0 + a1)(a0 - a1), 2·a0·a1): two double-width products, each below 2p² (a reduced).
    @inlinable @inline(__always)
    init(square a: Fp2) {
        self.init(c0: FpWide(product: a.c0.addedUnreduced(a.c1), a.c0 - a.c1),
                  c1: FpWide(product: a.c0.addedUnreduced(a.c0), a.c1))
    }

    @inlinable @inline(__always)
    static func + (a: Fp2Wide, b: Fp2Wide) -> Fp2Wide { Fp2Wide(c0: a.c0 + b.c0, c1: a.c1 + b.c1) }
    @inlinable @inline(__always)
    static func - (a: Fp2Wide, b: Fp2Wide) -> Fp2Wide { Fp2Wide(c0: a.c0 - b.c0, c1: a.c1 - b.c1) }

    /// Multiplication by ξ = u + 1.
    @inlinable @inline(__always)
    func multipliedByNonResidue() -> Fp2Wide { Fp2Wide(c0: c0 - c1, c1: c0 + c1) }

    /// Two Montgomery reductions.
    @inlinable @inline(__always)
    func reduced() -> Fp2 { Fp2(c0: c0.reduced(), c1: c1.reduced()) }
}
