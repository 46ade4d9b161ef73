import CFMFieldArithmetic

/// What the shared short-Weierstrass code (y² = x³ + b) needs from a coordinate field: 𝔽p for G1, 𝔽p² for G2.
@usableFromInline
protocol CurveField: Hashable, Sendable {
    static var zero: Self { get }
    static var one: Self { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    func squared() -> Self
    func doubled() -> Self
    func inverse() -> Self
    func sqrt() -> Self?
    var isZero: Bool { get }
    func isLexicographicallyLargest() -> Bool
    static func select(_ a: Self, _ b: Self, mask: UInt64) -> Self
    /// a·b + c·d with one Montgomery reduction per coefficient instead of two (lazy reduction).
    static func sumOfProducts(_ a: Self, _ b: Self, _ c: Self, _ d: Self) -> Self
    /// a·b - c·d with one Montgomery reduction per coefficient instead of two.
    static func differenceOfProducts(_ a: Self, _ b: Self, _ c: Self, _ d: Self) -> Self

    /// The curve constant b of the curve over this field.
    static var curveB: Self { get }
    /// self·3b, used by the complete addition formulas.
    func timesCurveB3() -> Self
    /// p + q and 2p on the curve over this field: ProjectivePoint's complete formulas (`completeSum`,
    /// `completeDoubled`), or a C kernel computing them bit for bit.
    static func pointSum(_ p: ProjectivePoint<Self>, _ q: ProjectivePoint<Self>) -> ProjectivePoint<Self>
    static func pointDoubled(_ p: ProjectivePoint<Self>) -> ProjectivePoint<Self>

    /// Bytes per encoded field element (48 or 96).
    static var encodedLength: Int { get }
    /// Decodes a canonical big-endian encoding (𝔽p²: imaginary part first); nil if a part is ≥ p.
    static func decode(_ bytes: ArraySlice<UInt8>) -> Self?
    /// The canonical big-endian encoding (𝔽p²: imaginary part first).
    var encoded: [UInt8] { get }
}

extension Fp: CurveField {
    @usableFromInline static var curveB: Fp { Fp(montgomery: 0xaa27_0000_000c_fff3, 0x53cc_0032_fc34_000a,
                                                   0x478f_e97a_6b0a_807f, 0xb1d3_7ebe_e6ba_24d7,
                                                   0x8ec9_733b_bf78_ab2f, 0x09d6_4551_3d83_de7e) }
    @inlinable @inline(__always)
    func timesCurveB3() -> Fp {
        // 3b = 12, computed as 4·(3a) with additions.
        let three = self.doubled() + self
        return three.doubled().doubled()
    }
    /// a·b + c·d with one Montgomery reduction instead of two (public for hash to G1's isogeny).
    @inlinable @inline(__always)
    public static func sumOfProducts(_ a: Fp, _ b: Fp, _ c: Fp, _ d: Fp) -> Fp {
        (FpWide(product: a, b) + FpWide(product: c, d)).reduced()
    }
    @inlinable @inline(__always)
    static func differenceOfProducts(_ a: Fp, _ b: Fp, _ c: Fp, _ d: Fp) -> Fp {
        (FpWide(product: a, b) - FpWide(product: c, d)).reduced()
    }
    @inlinable @inline(__always)
    static func pointSum(_ p: ProjectivePoint<Fp>, _ q: ProjectivePoint<Fp>) -> ProjectivePoint<Fp> { .completeSum(p, q) }
    @inlinable @inline(__always)
    static func pointDoubled(_ p: ProjectivePoint<Fp>) -> ProjectivePoint<Fp> { p.completeDoubled() }
    @usableFromInline static var encodedLength: Int { 48 }
    @usableFromInline static func decode(_ bytes: ArraySlice<UInt8>) -> Fp? { Fp(bigEndianBytes: bytes) }
    @usableFromInline var encoded: [UInt8] { bigEndianBytes }
}

extension Fp2: CurveField {
    @usableFromInline static var curveB: Fp2 { Fp2(c0: Fp.curveB, c1: Fp.curveB) }
    @inlinable @inline(__always)
    func timesCurveB3() -> Fp2 {
        // (c0 + c1·u)·12(1 + u) = 12(c0 - c1) + 12(c0 + c1)·u
        multipliedByNonResidue().timesTwelve()
    }
    @inlinable @inline(__always)
    func timesTwelve() -> Fp2 { Fp2(c0: c0.timesCurveB3(), c1: c1.timesCurveB3()) }
    @inlinable @inline(__always)
    static func sumOfProducts(_ a: Fp2, _ b: Fp2, _ c: Fp2, _ d: Fp2) -> Fp2 {
        (Fp2Wide(product: a, b) + Fp2Wide(product: c, d)).reduced()
    }
    @inlinable @inline(__always)
    static func differenceOfProducts(_ a: Fp2, _ b: Fp2, _ c: Fp2, _ d: Fp2) -> Fp2 {
        (Fp2Wide(product: a, b) - Fp2Wide(product: c, d)).reduced()
    }
    /// G2 addition: the C kernel (TowerArithmetic.c) where the 𝔽p kernels run; in Swift, each 𝔽p product costs
    /// as much glue as arithmetic there (docs/benchmarks/bls.md). The Swift formula stays out of line beside it.
    @inlinable @inline(__always)
    static func pointSum(_ p: ProjectivePoint<Fp2>, _ q: ProjectivePoint<Fp2>) -> ProjectivePoint<Fp2> {
        #if arch(x86_64)
        if _fastPath(fm_fp_has_adx()) {
            var r = p  // every limb is overwritten
            withUnsafePointer(to: p) { p in withUnsafePointer(to: q) { q in fm_g2_add(&r, p, q) } }
            return r
        }
        #endif
        return portablePointSum(p, q)
    }
    @inlinable @inline(__always)
    static func pointDoubled(_ p: ProjectivePoint<Fp2>) -> ProjectivePoint<Fp2> {
        #if arch(x86_64)
        if _fastPath(fm_fp_has_adx()) {
            var r = p
            withUnsafePointer(to: p) { p in fm_g2_double(&r, p) }
            return r
        }
        #endif
        return portablePointDoubled(p)
    }
    @usableFromInline @inline(never)
    static func portablePointSum(_ p: ProjectivePoint<Fp2>, _ q: ProjectivePoint<Fp2>) -> ProjectivePoint<Fp2> {
        .completeSum(p, q)
    }
    @usableFromInline @inline(never)
    static func portablePointDoubled(_ p: ProjectivePoint<Fp2>) -> ProjectivePoint<Fp2> { p.completeDoubled() }
    @usableFromInline static var encodedLength: Int { 96 }
    @usableFromInline static func decode(_ bytes: ArraySlice<UInt8>) -> Fp2? {
        guard bytes.count == 96, let c1 = Fp(bigEndianBytes: bytes.prefix(48)),
              let c0 = Fp(bigEndianBytes: bytes.suffix(48)) else { return nil }
        return Fp2(c0: c0, c1: c1)
    }
    @usableFromInline var encoded: [UInt8] { c1.bigEndianBytes + c0.bigEndianBytes }
}

extension CurveField {
    /// self^e for a public exponent given as little-endian limbs, with sliding windows of up to five bits over
    /// a table of the odd powers self^1 … self^31 (the exponent is public, so branching on it is fine; the base
    /// may be secret). For the 381-bit exponents of p this takes about 80 multiplications besides the
    /// squarings, where fixed 4-bit windows took about 110.
    @inlinable
    func power(limbs e: [UInt64]) -> Self {
        func bit(_ i: Int) -> Bool { (e[i >> 6] >> UInt64(i & 63)) & 1 == 1 }
        var top = e.count * 64 - 1
        while top >= 0 && !bit(top) { top -= 1 }
        guard top >= 0 else { return .one }
        let square = squared()
        var odd = [self]  // odd[i] = self^(2i + 1)
        odd.reserveCapacity(16)
        for i in 1..<16 { odd.append(odd[i - 1] * square) }
        var result = Self.one
        var started = false
        var i = top
        while i >= 0 {
            guard bit(i) else {
                result = result.squared()
                i -= 1
                continue
            }
            var low = max(i - 4, 0)  // the window is bits i…low, ending on a set bit
            while !bit(low) { low += 1 }
            var digit = 0
            for j in stride(from: i, through: low, by: -1) {
                digit = digit << 1 | (bit(j) ? 1 : 0)
                if started { result = result.squared() }
            }
            result = started ? result * odd[digit >> 1] : odd[digit >> 1]
            started = true
            i = low - 1
        }
        return result
    }
}
