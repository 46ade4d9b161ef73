/// An element of the BLS12-381 scalar field 𝔽r (the order of G1, G2 and Gt),
/// r = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001.
///
/// Stored in Montgomery form (value·2^256 mod r) in four little-endian 64-bit limbs, always fully reduced.
/// Arithmetic is constant time; only the byte decoders branch, on public data.
@frozen
public struct Scalar: Hashable, Sendable {
    @usableFromInline var l0, l1, l2, l3: UInt64

    /// Wraps limbs that are already in Montgomery form and below r.
    @inlinable @inline(__always)
    init(montgomery l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64) {
        (self.l0, self.l1, self.l2, self.l3) = (l0, l1, l2, l3)
    }

    public static var zero: Scalar { Scalar(montgomery: 0, 0, 0, 0) }
    public static var one: Scalar {
        Scalar(montgomery: 0x0000_0001_ffff_fffe, 0x5884_b7fa_0003_4802, 0x998c_4fef_ecbc_4ff5, 0x1824_b159_acc5_056f)
    }
    /// 2^512 mod r: multiplying a canonical value by it converts into Montgomery form.
    @inlinable static var r2: Scalar {
        Scalar(montgomery: 0xc999_e990_f3f2_9c6d, 0x2b6c_edcb_8792_5c23, 0x05d3_1496_7254_398f, 0x0748_d9d9_9f59_ff11)
    }
    /// The group order r as little-endian limbs.
    public static let modulusLimbs: [UInt64] = [
        0xffff_ffff_0000_0001, 0x53bd_a402_fffe_5bfe, 0x3339_d808_09a1_d805, 0x73ed_a753_299d_7d48,
    ]

    /// The scalar equal to a small integer.
    @inlinable
    public init(_ small: UInt64) {
        self = Scalar(montgomery: small, 0, 0, 0).multiplied(by: Scalar.r2)
    }

    /// Converts canonical little-endian limbs (value < r) into Montgomery form.
    @inlinable
    init(canonicalLimbs l: [UInt64]) {
        self = Scalar(montgomery: l[0], l[1], l[2], l[3]).multiplied(by: Scalar.r2)
    }

    /// The canonical integer value as four little-endian 64-bit limbs (what scalar multiplication walks over).
    public var canonicalLimbs: [UInt64] {
        let c = multiplied(by: Scalar(montgomery: 1, 0, 0, 0))
        return [c.l0, c.l1, c.l2, c.l3]
    }

    /// Montgomery product (CIOS, fully unrolled; the modulus' top limb leaves a spare bit so no final carry word is needed).
    @inlinable @inline(__always)
    public func multiplied(by b: Scalar) -> Scalar {
        let a = self
        var A: UInt64, C: UInt64, m: UInt64
        var t0: UInt64, t1: UInt64, t2: UInt64, t3: UInt64
        (A, t0) = a.l0.multipliedFullWidth(by: b.l0)
        m = t0 &* 0xffff_fffe_ffff_ffff
        C = mulAddHigh(m, 0xffff_ffff_0000_0001, t0)
        (A, t1) = mulAdd(a.l1, b.l0, A)
        (C, t0) = mulAdd(m, 0x53bd_a402_fffe_5bfe, t1, C)
        (A, t2) = mulAdd(a.l2, b.l0, A)
        (C, t1) = mulAdd(m, 0x3339_d808_09a1_d805, t2, C)
        (A, t3) = mulAdd(a.l3, b.l0, A)
        (C, t2) = mulAdd(m, 0x73ed_a753_299d_7d48, t3, C)
        t3 = C &+ A
        (A, t0) = mulAdd(a.l0, b.l1, t0)
        m = t0 &* 0xffff_fffe_ffff_ffff
        C = mulAddHigh(m, 0xffff_ffff_0000_0001, t0)
        (A, t1) = mulAdd(a.l1, b.l1, t1, A)
        (C, t0) = mulAdd(m, 0x53bd_a402_fffe_5bfe, t1, C)
        (A, t2) = mulAdd(a.l2, b.l1, t2, A)
        (C, t1) = mulAdd(m, 0x3339_d808_09a1_d805, t2, C)
        (A, t3) = mulAdd(a.l3, b.l1, t3, A)
        (C, t2) = mulAdd(m, 0x73ed_a753_299d_7d48, t3, C)
        t3 = C &+ A
        (A, t0) = mulAdd(a.l0, b.l2, t0)
        m = t0 &* 0xffff_fffe_ffff_ffff
        C = mulAddHigh(m, 0xffff_ffff_0000_0001, t0)
        (A, t1) = mulAdd(a.l1, b.l2, t1, A)
        (C, t0) = mulAdd(m, 0x53bd_a402_fffe_5bfe, t1, C)
        (A, t2) = mulAdd(a.l2, b.l2, t2, A)
        (C, t1) = mulAdd(m, 0x3339_d808_09a1_d805, t2, C)
        (A, t3) = mulAdd(a.l3, b.l2, t3, A)
        (C, t2) = mulAdd(m, 0x73ed_a753_299d_7d48, t3, C)
        t3 = C &+ A
        (A, t0) = mulAdd(a.l0, b.l3, t0)
        m = t0 &* 0xffff_fffe_ffff_ffff
        C = mulAddHigh(m, 0xffff_ffff_0000_0001, t0)
        (A, t1) = mulAdd(a.l1, b.l3, t1, A)
        (C, t0) = mulAdd(m, 0x53bd_a402_fffe_5bfe, t1, C)
        (A, t2) = mulAdd(a.l2, b.l3, t2, A)
        (C, t1) = mulAdd(m, 0x3339_d808_09a1_d805, t2, C)
        (A, t3) = mulAdd(a.l3, b.l3, t3, A)
        (C, t2) = mulAdd(m, 0x73ed_a753_299d_7d48, t3, C)
        t3 = C &+ A
        return Scalar.reducedOnce(t0, t1, t2, t3)
    }

    /// Subtracts the modulus once if the value (known < 2·modulus) is not below it; constant time.
    @inlinable @inline(__always)
    static func reducedOnce(_ t0: UInt64, _ t1: UInt64, _ t2: UInt64, _ t3: UInt64) -> Scalar {
        var carry: UInt64 = 0
        let s0: UInt64; (s0, carry) = addWithCarry(t0, 0x0000_0000_ffff_ffff, carry)
        let s1: UInt64; (s1, carry) = addWithCarry(t1, 0xac42_5bfd_0001_a401, carry)
        let s2: UInt64; (s2, carry) = addWithCarry(t2, 0xccc6_27f7_f65e_27fa, carry)
        let s3: UInt64; (s3, carry) = addWithCarry(t3, 0x8c12_58ac_d662_82b7, carry)
        let useDifference = 0 &- carry  // all ones if t ≥ modulus
        return Scalar(montgomery: (s0 & useDifference) | (t0 & ~useDifference), (s1 & useDifference) | (t1 & ~useDifference), (s2 & useDifference) | (t2 & ~useDifference), (s3 & useDifference) | (t3 & ~useDifference))
    }

    @inlinable @inline(__always)
    public static func + (a: Scalar, b: Scalar) -> Scalar {
        var carry: UInt64 = 0
        let t0: UInt64; (t0, carry) = addWithCarry(a.l0, b.l0, carry)
        let t1: UInt64; (t1, carry) = addWithCarry(a.l1, b.l1, carry)
        let t2: UInt64; (t2, carry) = addWithCarry(a.l2, b.l2, carry)
        let t3: UInt64; (t3, carry) = addWithCarry(a.l3, b.l3, carry)
        return reducedOnce(t0, t1, t2, t3)
    }

    @inlinable @inline(__always)
    public static func - (a: Scalar, b: Scalar) -> Scalar {
        var carry: UInt64 = 1
        let t0: UInt64; (t0, carry) = addWithCarry(a.l0, ~b.l0, carry)
        let t1: UInt64; (t1, carry) = addWithCarry(a.l1, ~b.l1, carry)
        let t2: UInt64; (t2, carry) = addWithCarry(a.l2, ~b.l2, carry)
        let t3: UInt64; (t3, carry) = addWithCarry(a.l3, ~b.l3, carry)
        let mask = carry &- 1  // all ones if a < b: add the modulus back
        carry = 0
        let u0: UInt64; (u0, carry) = addWithCarry(t0, 0xffff_ffff_0000_0001 & mask, carry)
        let u1: UInt64; (u1, carry) = addWithCarry(t1, 0x53bd_a402_fffe_5bfe & mask, carry)
        let u2: UInt64; (u2, carry) = addWithCarry(t2, 0x3339_d808_09a1_d805 & mask, carry)
        let u3: UInt64; (u3, carry) = addWithCarry(t3, 0x73ed_a753_299d_7d48 & mask, carry)
        return Scalar(montgomery: u0, u1, u2, u3)
    }

    /// self / 2: adds the modulus when odd, then shifts; constant time.
    @inlinable @inline(__always)
    public func halved() -> Scalar {
        let mask = 0 &- (l0 & 1)
        var carry: UInt64 = 0
        let t0: UInt64; (t0, carry) = addWithCarry(l0, 0xffff_ffff_0000_0001 & mask, carry)
        let t1: UInt64; (t1, carry) = addWithCarry(l1, 0x53bd_a402_fffe_5bfe & mask, carry)
        let t2: UInt64; (t2, carry) = addWithCarry(l2, 0x3339_d808_09a1_d805 & mask, carry)
        let t3: UInt64; (t3, carry) = addWithCarry(l3, 0x73ed_a753_299d_7d48 & mask, carry)
        return Scalar(montgomery: (t0 >> 1) | (t1 << 63), (t1 >> 1) | (t2 << 63), (t2 >> 1) | (t3 << 63), (t3 >> 1) | (carry << 63))
    }

    @inlinable @inline(__always)
    public static func * (a: Scalar, b: Scalar) -> Scalar { a.multiplied(by: b) }

    @inlinable @inline(__always)
    public static prefix func - (a: Scalar) -> Scalar { Scalar.zero - a }

    @inlinable public static func += (a: inout Scalar, b: Scalar) { a = a + b }
    @inlinable public static func -= (a: inout Scalar, b: Scalar) { a = a - b }
    @inlinable public static func *= (a: inout Scalar, b: Scalar) { a = a * b }

    @inlinable
    public func squared() -> Scalar { multiplied(by: self) }

    public var isZero: Bool { (l0 | l1 | l2 | l3) == 0 }

    /// self^e for a public exponent given as little-endian limbs.
    @inlinable
    func pow(limbs e: [UInt64]) -> Scalar {
        var result = Scalar.one
        for limb in e.reversed() {
            for bit in stride(from: 63, through: 0, by: -1) {
                result = result.squared()
                if (limb >> UInt64(bit)) & 1 == 1 { result = result * self }
            }
        }
        return result
    }

    /// self^exponent.
    public func pow(_ exponent: UInt64) -> Scalar { pow(limbs: [exponent]) }

    /// The multiplicative inverse (self^(r-2)), or nil for zero.
    public func inverse() -> Scalar? {
        if isZero { return nil }
        return pow(limbs: [0xffff_fffe_ffff_ffff, 0x53bd_a402_fffe_5bfe, 0x3339_d808_09a1_d805, 0x73ed_a753_299d_7d48])
    }

    /// Decodes a canonical 32-byte big-endian integer; nil if the length is wrong or the value is ≥ r.
    public init?(bigEndianBytes: some Collection<UInt8>) {
        guard bigEndianBytes.count == 32 else { return nil }
        let limbs = limbsFromBigEndian(bigEndianBytes, count: 4)
        guard limbsLessThan(limbs, Scalar.modulusLimbs) else { return nil }
        self.init(canonicalLimbs: limbs)
    }

    /// Interprets up to 64 big-endian bytes as an integer and reduces it mod r (uniform scalars from 64 random bytes).
    public init(reducingBigEndianBytes bytes: [UInt8]) {
        precondition(bytes.count <= 64, "at most 64 bytes can be reduced into a scalar")
        let shift = Scalar(montgomery: 0xc98d_a28e_0121_c884, 0xe6f4_f4a0_c736_3c67,
                           0xb2d6_ebc4_e92e_7df1, 0x19ae_5794_9d26_242a)  // 2^64
        var acc = Scalar.zero
        for limb in limbsFromBigEndian(bytes, count: 8).reversed() { acc = acc * shift + Scalar(limb) }
        self = acc
    }

    /// A uniformly random scalar: 64 random bytes reduced mod r (bias below 2^-250).
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> Scalar {
        var bytes = [UInt8]()
        bytes.reserveCapacity(64)
        for _ in 0..<8 {
            let word = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return Scalar(reducingBigEndianBytes: bytes)
    }

    /// The canonical 32-byte big-endian encoding.
    public var bigEndianBytes: [UInt8] { FMBLS12381.bigEndianBytes(ofLimbs: canonicalLimbs) }
}

extension Scalar: CustomStringConvertible {
    public var description: String { "0x" + hexString(bigEndianBytes) }
}
