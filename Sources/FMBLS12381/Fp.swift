import CFMFieldArithmetic

/// An element of the BLS12-381 base field 𝔽p,
/// p = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab.
///
/// Stored in Montgomery form (value·2^384 mod p) in six little-endian 64-bit limbs, always fully reduced, so
/// equal elements have equal limbs. Arithmetic is constant time; only the byte decoders branch, on public data.
@frozen
public struct Fp: Hashable, Sendable {
    @usableFromInline var l0, l1, l2, l3, l4, l5: UInt64

    /// Wraps limbs that are already in Montgomery form and below p.
    @inlinable @inline(__always)
    init(montgomery l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64, _ l4: UInt64, _ l5: UInt64) {
        (self.l0, self.l1, self.l2, self.l3, self.l4, self.l5) = (l0, l1, l2, l3, l4, l5)
    }

    public static var zero: Fp { @inline(__always) get { Fp(montgomery: 0, 0, 0, 0, 0, 0) } }
    public static var one: Fp {
        @inline(__always) get {
            Fp(montgomery: 0x7609_0000_0002_fffd, 0xebf4_000b_c40c_0002, 0x5f48_9857_53c7_58ba,
               0x77ce_5853_7052_5745, 0x5c07_1a97_a256_ec6d, 0x15f6_5ec3_fa80_e493)
        }
    }
    /// 2^768 mod p: multiplying a canonical value by it converts into Montgomery form.
    @inlinable static var r2: Fp {
        Fp(montgomery: 0xf4df_1f34_1c34_1746, 0x0a76_e6a6_09d1_04f1, 0x8de5_476c_4c95_b6d5,
           0x67eb_88a9_939d_83c0, 0x9a79_3e85_b519_952d, 0x1198_8fe5_92ca_e3aa)
    }
    /// 2^1152 mod p: one Montgomery multiplication by it turns x·2^-384 into x·2^384, the Montgomery form of x.
    @inlinable static var r3: Fp {
        Fp(montgomery: 0xed48_ac6b_d94c_a1e0, 0x315f_831e_03a7_adf8, 0x9a53_352a_615e_29dd,
           0x34c0_4e5e_921e_1761, 0x2512_d435_6572_4728, 0x0aa6_3460_9175_5d4d)
    }
    /// The modulus p as little-endian limbs.
    @usableFromInline static let modulusLimbs: [UInt64] = [
        0xb9fe_ffff_ffff_aaab, 0x1eab_fffe_b153_ffff, 0x6730_d2a0_f6b0_f624,
        0x6477_4b84_f385_12bf, 0x4b1b_a7b6_434b_acd7, 0x1a01_11ea_397f_e69a,
    ]

    /// The element equal to a small integer.
    @inlinable
    public init(_ small: UInt64) {
        self = Fp(montgomery: small, 0, 0, 0, 0, 0).multiplied(by: Fp.r2)
    }

    /// Converts canonical little-endian limbs (value < p) into Montgomery form.
    @inlinable
    init(canonicalLimbs l: [UInt64]) {
        self = Fp(montgomery: l[0], l[1], l[2], l[3], l[4], l[5]).multiplied(by: Fp.r2)
    }

    /// The canonical integer value as little-endian limbs.
    @inlinable
    var canonicalLimbs: [UInt64] {
        let c = multiplied(by: Fp(montgomery: 1, 0, 0, 0, 0, 0))
        return [c.l0, c.l1, c.l2, c.l3, c.l4, c.l5]
    }

    /// Montgomery product: the assembly kernel where the CPU has BMI2 and ADX (CFMFieldArithmetic), else
    /// ``portableMultiplied(by:)``.
    @inlinable @inline(__always)
    public func multiplied(by b: Fp) -> Fp {
        #if arch(x86_64)
        if _fastPath(fm_fp_has_adx()) {
            var r = Fp.zero
            withUnsafePointer(to: self) { a in withUnsafePointer(to: b) { b in fm_fp_mul(&r, a, b) } }
            return r
        }
        #endif
        return portableMultiplied(by: b)
    }

    /// Montgomery product in Swift (CIOS, fully unrolled; the modulus' top limb leaves a spare bit so no final carry
    /// word is needed).
    @inlinable @inline(__always)
    func portableMultiplied(by b: Fp) -> Fp {
        let a = self
        var A: UInt64, C: UInt64, m: UInt64
        var t0: UInt64, t1: UInt64, t2: UInt64, t3: UInt64, t4: UInt64, t5: UInt64
        (A, t0) = a.l0.multipliedFullWidth(by: b.l0)
        m = t0 &* 0x89f3_fffc_fffc_fffd
        C = mulAddHigh(m, 0xb9fe_ffff_ffff_aaab, t0)
        (A, t1) = mulAdd(a.l1, b.l0, A)
        (C, t0) = mulAdd(m, 0x1eab_fffe_b153_ffff, t1, C)
        (A, t2) = mulAdd(a.l2, b.l0, A)
        (C, t1) = mulAdd(m, 0x6730_d2a0_f6b0_f624, t2, C)
        (A, t3) = mulAdd(a.l3, b.l0, A)
        (C, t2) = mulAdd(m, 0x6477_4b84_f385_12bf, t3, C)
        (A, t4) = mulAdd(a.l4, b.l0, A)
        (C, t3) = mulAdd(m, 0x4b1b_a7b6_434b_acd7, t4, C)
        (A, t5) = mulAdd(a.l5, b.l0, A)
        (C, t4) = mulAdd(m, 0x1a01_11ea_397f_e69a, t5, C)
        t5 = C &+ A
        (A, t0) = mulAdd(a.l0, b.l1, t0)
        m = t0 &* 0x89f3_fffc_fffc_fffd
        C = mulAddHigh(m, 0xb9fe_ffff_ffff_aaab, t0)
        (A, t1) = mulAdd(a.l1, b.l1, t1, A)
        (C, t0) = mulAdd(m, 0x1eab_fffe_b153_ffff, t1, C)
        (A, t2) = mulAdd(a.l2, b.l1, t2, A)
        (C, t1) = mulAdd(m, 0x6730_d2a0_f6b0_f624, t2, C)
        (A, t3) = mulAdd(a.l3, b.l1, t3, A)
        (C, t2) = mulAdd(m, 0x6477_4b84_f385_12bf, t3, C)
        (A, t4) = mulAdd(a.l4, b.l1, t4, A)
        (C, t3) = mulAdd(m, 0x4b1b_a7b6_434b_acd7, t4, C)
        (A, t5) = mulAdd(a.l5, b.l1, t5, A)
        (C, t4) = mulAdd(m, 0x1a01_11ea_397f_e69a, t5, C)
        t5 = C &+ A
        (A, t0) = mulAdd(a.l0, b.l2, t0)
        m = t0 &* 0x89f3_fffc_fffc_fffd
        C = mulAddHigh(m, 0xb9fe_ffff_ffff_aaab, t0)
        (A, t1) = mulAdd(a.l1, b.l2, t1, A)
        (C, t0) = mulAdd(m, 0x1eab_fffe_b153_ffff, t1, C)
        (A, t2) = mulAdd(a.l2, b.l2, t2, A)
        (C, t1) = mulAdd(m, 0x6730_d2a0_f6b0_f624, t2, C)
        (A, t3) = mulAdd(a.l3, b.l2, t3, A)
        (C, t2) = mulAdd(m, 0x6477_4b84_f385_12bf, t3, C)
        (A, t4) = mulAdd(a.l4, b.l2, t4, A)
        (C, t3) = mulAdd(m, 0x4b1b_a7b6_434b_acd7, t4, C)
        (A, t5) = mulAdd(a.l5, b.l2, t5, A)
        (C, t4) = mulAdd(m, 0x1a01_11ea_397f_e69a, t5, C)
        t5 = C &+ A
        (A, t0) = mulAdd(a.l0, b.l3, t0)
        m = t0 &* 0x89f3_fffc_fffc_fffd
        C = mulAddHigh(m, 0xb9fe_ffff_ffff_aaab, t0)
        (A, t1) = mulAdd(a.l1, b.l3, t1, A)
        (C, t0) = mulAdd(m, 0x1eab_fffe_b153_ffff, t1, C)
        (A, t2) = mulAdd(a.l2, b.l3, t2, A)
        (C, t1) = mulAdd(m, 0x6730_d2a0_f6b0_f624, t2, C)
        (A, t3) = mulAdd(a.l3, b.l3, t3, A)
        (C, t2) = mulAdd(m, 0x6477_4b84_f385_12bf, t3, C)
        (A, t4) = mulAdd(a.l4, b.l3, t4, A)
        (C, t3) = mulAdd(m, 0x4b1b_a7b6_434b_acd7, t4, C)
        (A, t5) = mulAdd(a.l5, b.l3, t5, A)
        (C, t4) = mulAdd(m, 0x1a01_11ea_397f_e69a, t5, C)
        t5 = C &+ A
        (A, t0) = mulAdd(a.l0, b.l4, t0)
        m = t0 &* 0x89f3_fffc_fffc_fffd
        C = mulAddHigh(m, 0xb9fe_ffff_ffff_aaab, t0)
        (A, t1) = mulAdd(a.l1, b.l4, t1, A)
        (C, t0) = mulAdd(m, 0x1eab_fffe_b153_ffff, t1, C)
        (A, t2) = mulAdd(a.l2, b.l4, t2, A)
        (C, t1) = mulAdd(m, 0x6730_d2a0_f6b0_f624, t2, C)
        (A, t3) = mulAdd(a.l3, b.l4, t3, A)
        (C, t2) = mulAdd(m, 0x6477_4b84_f385_12bf, t3, C)
        (A, t4) = mulAdd(a.l4, b.l4, t4, A)
        (C, t3) = mulAdd(m, 0x4b1b_a7b6_434b_acd7, t4, C)
        (A, t5) = mulAdd(a.l5, b.l4, t5, A)
        (C, t4) = mulAdd(m, 0x1a01_11ea_397f_e69a, t5, C)
        t5 = C &+ A
        (A, t0) = mulAdd(a.l0, b.l5, t0)
        m = t0 &* 0x89f3_fffc_fffc_fffd
        C = mulAddHigh(m, 0xb9fe_ffff_ffff_aaab, t0)
        (A, t1) = mulAdd(a.l1, b.l5, t1, A)
        (C, t0) = mulAdd(m, 0x1eab_fffe_b153_ffff, t1, C)
        (A, t2) = mulAdd(a.l2, b.l5, t2, A)
        (C, t1) = mulAdd(m, 0x6730_d2a0_f6b0_f624, t2, C)
        (A, t3) = mulAdd(a.l3, b.l5, t3, A)
        (C, t2) = mulAdd(m, 0x6477_4b84_f385_12bf, t3, C)
        (A, t4) = mulAdd(a.l4, b.l5, t4, A)
        (C, t3) = mulAdd(m, 0x4b1b_a7b6_434b_acd7, t4, C)
        (A, t5) = mulAdd(a.l5, b.l5, t5, A)
        (C, t4) = mulAdd(m, 0x1a01_11ea_397f_e69a, t5, C)
        t5 = C &+ A
        return Fp.reducedOnce(t0, t1, t2, t3, t4, t5)
    }

    /// Subtracts the modulus once if the value (known < 2·modulus) is not below it; constant time.
    @inlinable @inline(__always)
    static func reducedOnce(_ t0: UInt64, _ t1: UInt64, _ t2: UInt64, _ t3: UInt64, _ t4: UInt64, _ t5: UInt64) -> Fp {
        var carry: UInt64 = 0
        let s0: UInt64; (s0, carry) = addWithCarry(t0, 0x4601_0000_0000_5555, carry)
        let s1: UInt64; (s1, carry) = addWithCarry(t1, 0xe154_0001_4eac_0000, carry)
        let s2: UInt64; (s2, carry) = addWithCarry(t2, 0x98cf_2d5f_094f_09db, carry)
        let s3: UInt64; (s3, carry) = addWithCarry(t3, 0x9b88_b47b_0c7a_ed40, carry)
        let s4: UInt64; (s4, carry) = addWithCarry(t4, 0xb4e4_5849_bcb4_5328, carry)
        let s5: UInt64; (s5, carry) = addWithCarry(t5, 0xe5fe_ee15_c680_1965, carry)
        let useDifference = 0 &- carry  // all ones if t ≥ modulus
        return Fp(montgomery: (s0 & useDifference) | (t0 & ~useDifference), (s1 & useDifference) | (t1 & ~useDifference), (s2 & useDifference) | (t2 & ~useDifference), (s3 & useDifference) | (t3 & ~useDifference), (s4 & useDifference) | (t4 & ~useDifference), (s5 & useDifference) | (t5 & ~useDifference))
    }

    @inlinable @inline(__always)
    public static func + (a: Fp, b: Fp) -> Fp {
        var carry: UInt64 = 0
        let t0: UInt64; (t0, carry) = addWithCarry(a.l0, b.l0, carry)
        let t1: UInt64; (t1, carry) = addWithCarry(a.l1, b.l1, carry)
        let t2: UInt64; (t2, carry) = addWithCarry(a.l2, b.l2, carry)
        let t3: UInt64; (t3, carry) = addWithCarry(a.l3, b.l3, carry)
        let t4: UInt64; (t4, carry) = addWithCarry(a.l4, b.l4, carry)
        let t5: UInt64; (t5, carry) = addWithCarry(a.l5, b.l5, carry)
        return reducedOnce(t0, t1, t2, t3, t4, t5)
    }

    @inlinable @inline(__always)
    public static func - (a: Fp, b: Fp) -> Fp {
        var carry: UInt64 = 1
        let t0: UInt64; (t0, carry) = addWithCarry(a.l0, ~b.l0, carry)
        let t1: UInt64; (t1, carry) = addWithCarry(a.l1, ~b.l1, carry)
        let t2: UInt64; (t2, carry) = addWithCarry(a.l2, ~b.l2, carry)
        let t3: UInt64; (t3, carry) = addWithCarry(a.l3, ~b.l3, carry)
        let t4: UInt64; (t4, carry) = addWithCarry(a.l4, ~b.l4, carry)
        let t5: UInt64; (t5, carry) = addWithCarry(a.l5, ~b.l5, carry)
        let mask = carry &- 1  // all ones if a < b: add the modulus back
        carry = 0
        let u0: UInt64; (u0, carry) = addWithCarry(t0, 0xb9fe_ffff_ffff_aaab & mask, carry)
        let u1: UInt64; (u1, carry) = addWithCarry(t1, 0x1eab_fffe_b153_ffff & mask, carry)
        let u2: UInt64; (u2, carry) = addWithCarry(t2, 0x6730_d2a0_f6b0_f624 & mask, carry)
        let u3: UInt64; (u3, carry) = addWithCarry(t3, 0x6477_4b84_f385_12bf & mask, carry)
        let u4: UInt64; (u4, carry) = addWithCarry(t4, 0x4b1b_a7b6_434b_acd7 & mask, carry)
        let u5: UInt64; (u5, carry) = addWithCarry(t5, 0x1a01_11ea_397f_e69a & mask, carry)
        return Fp(montgomery: u0, u1, u2, u3, u4, u5)
    }

    /// self / 2: adds the modulus when odd, then shifts; constant time.
    @inlinable @inline(__always)
    public func halved() -> Fp {
        let mask = 0 &- (l0 & 1)
        var carry: UInt64 = 0
        let t0: UInt64; (t0, carry) = addWithCarry(l0, 0xb9fe_ffff_ffff_aaab & mask, carry)
        let t1: UInt64; (t1, carry) = addWithCarry(l1, 0x1eab_fffe_b153_ffff & mask, carry)
        let t2: UInt64; (t2, carry) = addWithCarry(l2, 0x6730_d2a0_f6b0_f624 & mask, carry)
        let t3: UInt64; (t3, carry) = addWithCarry(l3, 0x6477_4b84_f385_12bf & mask, carry)
        let t4: UInt64; (t4, carry) = addWithCarry(l4, 0x4b1b_a7b6_434b_acd7 & mask, carry)
        let t5: UInt64; (t5, carry) = addWithCarry(l5, 0x1a01_11ea_397f_e69a & mask, carry)
        return Fp(montgomery: (t0 >> 1) | (t1 << 63), (t1 >> 1) | (t2 << 63), (t2 >> 1) | (t3 << 63), (t3 >> 1) | (t4 << 63), (t4 >> 1) | (t5 << 63), (t5 >> 1) | (carry << 63))
    }

    @inlinable @inline(__always)
    public static func * (a: Fp, b: Fp) -> Fp { a.multiplied(by: b) }

    @inlinable @inline(__always)
    public static prefix func - (a: Fp) -> Fp { Fp.zero - a }

    @inlinable @inline(__always)
    public static func += (a: inout Fp, b: Fp) { a = a + b }
    @inlinable @inline(__always)
    public static func -= (a: inout Fp, b: Fp) { a = a - b }
    @inlinable @inline(__always)
    public static func *= (a: inout Fp, b: Fp) { a = a.multiplied(by: b) }

    /// Dedicated squaring: 21 word products instead of 36 before the Montgomery reduction (FpWide.swift); with the
    /// assembly kernel, its Montgomery product is faster.
    @inlinable @inline(__always)
    public func squared() -> Fp {
        #if arch(x86_64)
        if _fastPath(fm_fp_has_adx()) { return multiplied(by: self) }
        #endif
        return FpWide(square: self).portableReduced()
    }

    @inlinable @inline(__always)
    public func doubled() -> Fp { self + self }

    public var isZero: Bool { (l0 | l1 | l2 | l3 | l4 | l5) == 0 }

    /// Returns `b` where `choose` is all ones and `a` where it is zero, without branching.
    @inlinable @inline(__always)
    static func select(_ a: Fp, _ b: Fp, mask choose: UInt64) -> Fp {
        Fp(montgomery: (a.l0 & ~choose) | (b.l0 & choose), (a.l1 & ~choose) | (b.l1 & choose),
           (a.l2 & ~choose) | (b.l2 & choose), (a.l3 & ~choose) | (b.l3 & choose),
           (a.l4 & ~choose) | (b.l4 & choose), (a.l5 & ~choose) | (b.l5 & choose))
    }

    /// self^e for a public exponent given as little-endian limbs (the base may be secret; sliding windows).
    @inlinable
    public func pow(limbs e: [UInt64]) -> Fp { power(limbs: e) }

    /// The multiplicative inverse by Fermat (self^(p-2)); the inverse of zero is zero (RFC 9380 inv0).
    @inlinable
    public func inverse() -> Fp {
        pow(limbs: [0xb9fe_ffff_ffff_aaa9, 0x1eab_fffe_b153_ffff, 0x6730_d2a0_f6b0_f624,
                    0x6477_4b84_f385_12bf, 0x4b1b_a7b6_434b_acd7, 0x1a01_11ea_397f_e69a])
    }

    /// A square root (self^((p+1)/4), valid since p ≡ 3 mod 4), or nil if self is not a square.
    @inlinable
    public func sqrt() -> Fp? {
        let root = pow(limbs: [0xee7f_bfff_ffff_eaab, 0x07aa_ffff_ac54_ffff, 0xd9cc_34a8_3dac_3d89,
                               0xd91d_d2e1_3ce1_44af, 0x92c6_e9ed_90d2_eb35, 0x0680_447a_8e5f_f9a6])
        return root.squared() == self ? root : nil
    }

    /// The Legendre symbol as an exponentiation: self^((p-1)/2) is 1 for non-zero squares, 0 for zero.
    public var isSquare: Bool {
        let symbol = pow(limbs: Fp.halfModulusLimbs)
        return symbol == .one || symbol.isZero
    }

    /// (p-1)/2 as little-endian limbs.
    @usableFromInline static let halfModulusLimbs: [UInt64] = [
        0xdcff_7fff_ffff_d555, 0x0f55_ffff_58a9_ffff, 0xb398_6950_7b58_7b12,
        0xb23b_a5c2_79c2_895f, 0x258d_d3db_21a5_d66b, 0x0d00_88f5_1cbf_f34d,
    ]

    /// RFC 9380 sgn0: the parity of the canonical integer.
    public var sgn0: Bool { canonicalLimbs[0] & 1 == 1 }

    /// True if the canonical value is greater than (p-1)/2 (the ZCash compression sign flag).
    public func isLexicographicallyLargest() -> Bool { limbsLessThan(Fp.halfModulusLimbs, canonicalLimbs) }

    /// Decodes a canonical 48-byte big-endian integer; nil if the length is wrong or the value is ≥ p.
    public init?(bigEndianBytes: some Collection<UInt8>) {
        guard bigEndianBytes.count == 48 else { return nil }
        let limbs = limbsFromBigEndian(bigEndianBytes, count: 6)
        guard limbsLessThan(limbs, Fp.modulusLimbs) else { return nil }
        self.init(canonicalLimbs: limbs)
    }

    /// Interprets up to 64 big-endian bytes as an integer and reduces it mod p (RFC 9380 hash_to_field).
    public init(reducingBigEndianBytes bytes: [UInt8]) {
        precondition(bytes.count <= 64, "at most 64 bytes can be reduced into Fp")
        // X < 2^512 < p·2^384 is a valid input to the Montgomery reduction, which returns X·2^-384; one Montgomery
        // multiplication by 2^(3·384) mod p then gives X·2^384, the Montgomery form of X mod p (two reductions
        // where limb-by-limb Horner took sixteen multiplications).
        let l = limbsFromBigEndian(bytes, count: 8)
        self = FpWide(l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7], 0, 0, 0, 0).reduced() * Fp.r3
    }

    /// The canonical 48-byte big-endian encoding.
    public var bigEndianBytes: [UInt8] { FMBLS12381.bigEndianBytes(ofLimbs: canonicalLimbs) }
}

extension Fp: CustomStringConvertible {
    public var description: String { "0x" + hexString(bigEndianBytes) }
}
