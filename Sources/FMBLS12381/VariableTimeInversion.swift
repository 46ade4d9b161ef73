// Inversion for PUBLIC data only: the binary extended Euclidean algorithm branches and loops on the value, so
// its running time leaks it. The pairing's inputs (signatures, messages, public keys) and everything derived
// from them in the Miller loop and the final exponentiation are public; anything that can touch a secret
// (affine conversion after a secret scalar multiplication, hashing a secret) keeps the constant-time Fermat
// `inverse()`. The variable-time one costs a fraction of Fermat's 380 squarings and 80 multiplications
// (docs/benchmarks/bls.md, session 12).

extension Fp {
    /// The inverse by Kaliski's almost-Montgomery-inverse (a binary extended Euclidean algorithm whose loop has
    /// no modular reductions) and a correction by powers of two; zero maps to zero like ``inverse()``.
    /// **Variable time: public data only.**
    @usableFromInline
    func inverseVarTime() -> Fp {
        if isZero { return .zero }
        // On the Montgomery limbs A = a·2^384 mod p as a plain integer: from u = p, v = A, r = 0, s = 1, k = 0
        // every step keeps p = u·s + v·r (so r, s ≤ p until the last step doubles r: 2p fits six limbs),
        // A·r ≡ -u·2^k and A·s ≡ v·2^k (mod p). At v = 0, u = gcd = 1, so p - r is A⁻¹·2^k mod p, where
        // k ≤ 762 counts the halvings.
        var u = Words.modulus
        var v = Words(self)
        var r = Words(l0: 0, l1: 0, l2: 0, l3: 0, l4: 0, l5: 0)
        var s = Words(l0: 1, l1: 0, l2: 0, l3: 0, l4: 0, l5: 0)
        var k = 0
        while !v.isZero {
            if u.l0 & 1 == 0 {
                let t = min(u.l0.trailingZeroBitCount, 63)
                u.shiftRight(t); s.shiftLeft(t); k += t
            } else if v.l0 & 1 == 0 {
                let t = min(v.l0.trailingZeroBitCount, 63)
                v.shiftRight(t); r.shiftLeft(t); k += t
            } else if u.subtractIfAbove(v) {
                u.shiftRight(1); r.add(s); s.shiftLeft(1); k += 1
            } else {
                v.subtract(u); v.shiftRight(1); s.add(r); r.shiftLeft(1); k += 1
            }
        }
        _ = r.subtractIfAbove(Words.modulus)  // r ≤ 2p, and r ≠ p since A·r ≡ -2^k is not 0
        var x = Words.modulus
        x.subtract(r)  // A⁻¹·2^k, in (0, p)
        // A⁻¹·2^k·2^1152·2^-384 = A⁻¹·2^(768+k), then k Montgomery halvings leave A⁻¹·2^768 = a⁻¹·2^384.
        var result = Fp(montgomery: x.l0, x.l1, x.l2, x.l3, x.l4, x.l5) * Fp.r3
        while k > 0 {
            let t = min(k, 64)
            result = result.dividedByPowerOfTwo(t)
            k -= t
        }
        return result
    }

    /// self / 2^t mod p for 1 ≤ t ≤ 64: adds the multiple m·p (m < 2^t) that clears the low t bits, then shifts
    /// (one step of a Montgomery reduction). Constant time in self, variable in t.
    @inlinable
    func dividedByPowerOfTwo(_ t: Int) -> Fp {
        let mask: UInt64 = t == 64 ? ~0 : (1 << UInt64(t)) &- 1
        let m = (l0 &* 0x89f3_fffc_fffc_fffd) & mask
        var c: UInt64
        let z0, z1, z2, z3, z4, z5: UInt64
        (c, z0) = mulAdd(m, 0xb9fe_ffff_ffff_aaab, l0)
        (c, z1) = mulAdd(m, 0x1eab_fffe_b153_ffff, l1, c)
        (c, z2) = mulAdd(m, 0x6730_d2a0_f6b0_f624, l2, c)
        (c, z3) = mulAdd(m, 0x6477_4b84_f385_12bf, l3, c)
        (c, z4) = mulAdd(m, 0x4b1b_a7b6_434b_acd7, l4, c)
        (c, z5) = mulAdd(m, 0x1a01_11ea_397f_e69a, l5, c)
        let z6 = c
        // (self + m·p) / 2^t < p·(1 + 2^t) / 2^t < 2p: one conditional subtraction.
        if t == 64 { return Fp.reducedOnce(z1, z2, z3, z4, z5, z6) }
        let sh = UInt64(t), back = UInt64(64 - t)
        return Fp.reducedOnce((z0 >> sh) | (z1 << back), (z1 >> sh) | (z2 << back), (z2 >> sh) | (z3 << back),
                              (z3 >> sh) | (z4 << back), (z4 >> sh) | (z5 << back), (z5 >> sh) | (z6 << back))
    }

    /// A 384-bit unsigned integer (no modulus), for the Euclidean algorithm.
    @usableFromInline
    struct Words {
        @usableFromInline var l0, l1, l2, l3, l4, l5: UInt64

        @inlinable init(l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64, l4: UInt64, l5: UInt64) {
            (self.l0, self.l1, self.l2, self.l3, self.l4, self.l5) = (l0, l1, l2, l3, l4, l5)
        }
        @inlinable init(_ a: Fp) { self.init(l0: a.l0, l1: a.l1, l2: a.l2, l3: a.l3, l4: a.l4, l5: a.l5) }

        @inlinable static var modulus: Words {
            Words(l0: 0xb9fe_ffff_ffff_aaab, l1: 0x1eab_fffe_b153_ffff, l2: 0x6730_d2a0_f6b0_f624,
                  l3: 0x6477_4b84_f385_12bf, l4: 0x4b1b_a7b6_434b_acd7, l5: 0x1a01_11ea_397f_e69a)
        }

        @inlinable @inline(__always) var isZero: Bool { (l0 | l1 | l2 | l3 | l4 | l5) == 0 }

        /// self >>= t, 1 ≤ t ≤ 63.
        @inlinable @inline(__always) mutating func shiftRight(_ t: Int) {
            let sh = UInt64(t), back = UInt64(64 - t)
            l0 = (l0 >> sh) | (l1 << back)
            l1 = (l1 >> sh) | (l2 << back)
            l2 = (l2 >> sh) | (l3 << back)
            l3 = (l3 >> sh) | (l4 << back)
            l4 = (l4 >> sh) | (l5 << back)
            l5 >>= sh
        }

        /// self <<= t, 1 ≤ t ≤ 63 (the caller knows the result fits).
        @inlinable @inline(__always) mutating func shiftLeft(_ t: Int) {
            let sh = UInt64(t), back = UInt64(64 - t)
            l5 = (l5 << sh) | (l4 >> back)
            l4 = (l4 << sh) | (l3 >> back)
            l3 = (l3 << sh) | (l2 >> back)
            l2 = (l2 << sh) | (l1 >> back)
            l1 = (l1 << sh) | (l0 >> back)
            l0 <<= sh
        }

        /// self += b (the caller knows the sum fits).
        @inlinable @inline(__always) mutating func add(_ b: Words) {
            var carry: UInt64 = 0
            (l0, carry) = addWithCarry(l0, b.l0, carry)
            (l1, carry) = addWithCarry(l1, b.l1, carry)
            (l2, carry) = addWithCarry(l2, b.l2, carry)
            (l3, carry) = addWithCarry(l3, b.l3, carry)
            (l4, carry) = addWithCarry(l4, b.l4, carry)
            (l5, _) = addWithCarry(l5, b.l5, carry)
        }

        /// self -= b (b ≤ self).
        @inlinable @inline(__always) mutating func subtract(_ b: Words) {
            var borrow: UInt64 = 0
            (l0, borrow) = subtractWithBorrow(l0, b.l0, borrow)
            (l1, borrow) = subtractWithBorrow(l1, b.l1, borrow)
            (l2, borrow) = subtractWithBorrow(l2, b.l2, borrow)
            (l3, borrow) = subtractWithBorrow(l3, b.l3, borrow)
            (l4, borrow) = subtractWithBorrow(l4, b.l4, borrow)
            (l5, _) = subtractWithBorrow(l5, b.l5, borrow)
        }

        /// self -= b if self > b (returns true), else leaves self unchanged (returns false).
        @inlinable @inline(__always) mutating func subtractIfAbove(_ b: Words) -> Bool {
            var borrow: UInt64 = 0
            let d0, d1, d2, d3, d4, d5: UInt64
            (d0, borrow) = subtractWithBorrow(l0, b.l0, borrow)
            (d1, borrow) = subtractWithBorrow(l1, b.l1, borrow)
            (d2, borrow) = subtractWithBorrow(l2, b.l2, borrow)
            (d3, borrow) = subtractWithBorrow(l3, b.l3, borrow)
            (d4, borrow) = subtractWithBorrow(l4, b.l4, borrow)
            (d5, borrow) = subtractWithBorrow(l5, b.l5, borrow)
            if borrow != 0 || (d0 | d1 | d2 | d3 | d4 | d5) == 0 { return false }
            (l0, l1, l2, l3, l4, l5) = (d0, d1, d2, d3, d4, d5)
            return true
        }
    }
}

extension Fp2 {
    /// The inverse via the norm, with the variable-time 𝔽p inversion. **Public data only.**
    @usableFromInline
    func inverseVarTime() -> Fp2 { inverse(normInverse: norm.inverseVarTime()) }
}

extension Fp6 {
    /// **Public data only** (variable-time 𝔽p inversion inside).
    @usableFromInline
    func inverseVarTime() -> Fp6 { inverse { $0.inverseVarTime() } }
}

extension Fp12 {
    /// **Public data only** (variable-time 𝔽p inversion inside); the final exponentiation's easy part.
    @usableFromInline
    func inverseVarTime() -> Fp12 { inverse { $0.inverseVarTime() } }
}
