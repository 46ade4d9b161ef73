import CFMFieldArithmetic

// Karabina's compressed cyclotomic squarings ("Squaring in cyclotomic subgroups", 2013) for the final
// exponentiation's powers by x. Write an element of 𝔽p¹² as Σ gᵢ over the 𝔽p² coordinates g0 = c0.c0,
// g1 = c0.c1, g2 = c0.c2, g3 = c1.c0, g4 = c1.c1, g5 = c1.c2. In the cyclotomic subgroup the Granger–Scott
// square's g1, g2, g3, g5 depend only on g1, g2, g3, g5 (two of its three 𝔽p⁴ squarings), so a run of squarings
// can drop g0 and g4 and cost two thirds of the full ones; g4 and then g0 come back from the four kept
// coordinates with one division (g3 ≠ 0):
//   g4 = (ξ·g5² + 3·g1² − 2·g2) / (4·g3),   g0 = ξ·(2·g4² + g3·g5 − 3·g1·g2) + 1.
// The power by |x| squares once through all 63 bits and decompresses the six powers g^(2^i) of its set bits
// together, so their six divisions share one inversion (Montgomery's trick). Public data only: the branches
// on zero denominators and the variable-time inversion.

/// An element of the cyclotomic subgroup of 𝔽p¹² without its coordinates g0 and g4.
@usableFromInline @frozen
struct CompressedCyclotomic {  // @frozen: the C kernel reads the four coordinates in this order
    @usableFromInline var g1, g2, g3, g5: Fp2

    @inlinable
    init(g1: Fp2, g2: Fp2, g3: Fp2, g5: Fp2) { (self.g1, self.g2, self.g3, self.g5) = (g1, g2, g3, g5) }

    /// Drops g0 and g4 (f must lie in the cyclotomic subgroup).
    @inlinable
    init(_ f: Fp12) { self.init(g1: f.c0.c1, g2: f.c0.c2, g3: f.c1.c0, g5: f.c1.c2) }

    /// The square: the g1, g2, g3, g5 rows of ``Fp12/cyclotomicSquared()``. The C kernel (TowerArithmetic.c)
    /// where the 𝔽p kernels run.
    @inlinable @inline(__always)
    func squared() -> CompressedCyclotomic {
        #if arch(x86_64)
        if _fastPath(fm_fp_has_adx()) {
            var r = self
            withUnsafePointer(to: self) { g in fm_cyclotomic_square_compressed(&r, g) }
            return r
        }
        #endif
        return portableSquared()
    }

    /// ``squared()`` in Swift (out of line).
    @usableFromInline @inline(never)
    func portableSquared() -> CompressedCyclotomic {
        let (b0, b1) = Fp12.fp4Square(g3, g2)
        let (c0, c1) = Fp12.fp4Square(g1, g5)
        let sc0 = c1.multipliedByNonResidue()
        return CompressedCyclotomic(g1: (b0 - g1).doubled() + b0, g2: (c0 - g2).doubled() + c0,
                                    g3: (sc0 + g3).doubled() + sc0, g5: (b1 + g5).doubled() + b1)
    }

    /// The full elements, with one variable-time 𝔽p inversion for all of them; nil if some g3 is zero (the
    /// identity is all zeros; for any other element the caller squares uncompressed instead).
    @usableFromInline
    static func decompressed(_ values: [CompressedCyclotomic]) -> [Fp12]? {
        // 1/g3 = conj(g3) / N(g3): the norms in 𝔽p share the inversion.
        let norms = values.map(\.g3.norm)
        if norms.contains(where: \.isZero) { return nil }
        let normInverses = batchInvertedVarTime(norms)
        return values.indices.map { i in
            let v = values[i]
            let g1Squared = v.g1.squared()
            let numerator = v.g5.squared().multipliedByNonResidue() + (g1Squared - v.g2).doubled() + g1Squared
            let g4 = (numerator * v.g3.inverse(normInverse: normInverses[i])).halved().halved()
            let g1g2 = v.g1 * v.g2
            let g0 = ((g4.squared() - g1g2).doubled() - g1g2 + v.g3 * v.g5).multipliedByNonResidue() + .one
            return Fp12(c0: Fp6(c0: g0, c1: v.g1, c2: v.g2), c1: Fp6(c0: v.g3, c1: g4, c2: v.g5))
        }
    }
}

extension Fp12 {
    /// self^|x| by compressed squarings (self in the cyclotomic subgroup; public data only).
    @inlinable
    func cyclotomicPowerOfParameterMagnitude() -> Fp12 {
        var g = CompressedCyclotomic(self)
        var kept = [CompressedCyclotomic]()
        kept.reserveCapacity(curveParameterMagnitude.nonzeroBitCount)
        for bit in 0..<64 {
            if bit > 0 { g = g.squared() }
            if (curveParameterMagnitude >> UInt64(bit)) & 1 == 1 { kept.append(g) }
        }
        guard let powers = CompressedCyclotomic.decompressed(kept) else {
            return grangerScottPowerOfParameterMagnitude()
        }
        return powers.dropFirst().reduce(powers[0], *)
    }

    /// self^|x| by full Granger–Scott squarings: the fallback when a compressed power has g3 = 0, and the
    /// reference the compressed path is tested against.
    @inlinable
    func grangerScottPowerOfParameterMagnitude() -> Fp12 {
        var result = self
        for bit in stride(from: 62, through: 0, by: -1) {
            result = result.cyclotomicSquared()
            if (curveParameterMagnitude >> UInt64(bit)) & 1 == 1 { result = result * self }
        }
        return result
    }
}
