// Constant-time scalar multiplication through the curve endomorphisms (GLV on G1, GLS on G2).
//
// With m = |x| = 0xd201000000010000, every k < r < m⁴ splits as k = d0 + d1·m + d2·m² + d3·m³ (0 ≤ dᵢ < m).
// On G2, ψ acts as multiplication by x = -m, so k·P = d0·P + d1·(-ψP) + d2·ψ²P + d3·(-ψ³P): four 64-bit
// scalars sharing 64 doublings instead of 256. On G1, σ acts as -x² = -m², so k·P = k0·P + k1·(-σP) with
// k0 = d0 + d1·m and k1 = d2 + d3·m below m² < 2^128: 128 doublings. Both identities hold on the order-r
// subgroups only (the subgroup tests in SubgroupCheck.swift rely on the same facts), so only G1Point and
// G2Point use them; the digits, the table lookups and the sequence of operations do not depend on k.

/// The base-m digits (d0, d1, d2, d3) of k < m⁴ (four little-endian limbs), by constant-time long division.
@inlinable
func curveParameterDigits(_ k: [UInt64]) -> [UInt64] {
    precondition(k.count == 4, "a scalar has four limbs")
    var digits = [UInt64]()
    var n = k
    for _ in 0..<3 {
        var remainder: UInt64 = 0
        var quotient = [UInt64](repeating: 0, count: 4)
        for limb in stride(from: 3, through: 0, by: -1) {
            for bit in stride(from: 63, through: 0, by: -1) {
                // remainder < m, so 2·remainder + 1 < 2m needs at most one subtraction (65 bits: top + shifted).
                let top = remainder >> 63
                let shifted = (remainder << 1) | ((n[limb] >> UInt64(bit)) & 1)
                let (difference, borrow) = subtractWithBorrow(shifted, curveParameterMagnitude, 0)
                let subtract = 0 &- (top | (borrow ^ 1))  // all ones iff shifted + top·2^64 ≥ m
                remainder = (difference & subtract) | (shifted & ~subtract)
                quotient[limb] |= (subtract & 1) << UInt64(bit)
            }
        }
        digits.append(remainder)
        n = quotient
    }
    digits.append(n[0])  // k < m⁴ leaves a last quotient below m
    return digits
}

extension ProjectivePoint {
    /// 0·P, 1·P, …, 15·P: the table of a fixed 4-bit window.
    @inlinable
    func windowTable() -> [ProjectivePoint] {
        var table = [ProjectivePoint](repeating: .identity, count: 16)
        table[1] = self
        for i in 2..<16 { table[i] = i & 1 == 0 ? table[i / 2].doubled() : table[i - 1] + self }
        return table
    }

    /// table[digit], reading every entry so the memory access pattern does not depend on the digit.
    @inlinable
    static func lookup(_ table: [ProjectivePoint], _ digit: UInt64) -> ProjectivePoint {
        var chosen = ProjectivePoint.identity
        for i in 0..<table.count {
            let difference = UInt64(i) ^ digit
            let mask = ((difference | (0 &- difference)) >> 63) &- 1  // all ones iff i == digit
            chosen = .select(chosen, table[i], mask: mask)
        }
        return chosen
    }

    /// Σ scalars[j]·P_j for secret scalars (little-endian limbs, all of the same length), with tables[j] the
    /// ``windowTable()`` of P_j: one shared run of doublings, fixed 4-bit windows, complete formulas. The
    /// sequence of operations depends only on the number of scalars and limbs.
    @inlinable
    static func jointMultipliedConstantTime(tables: [[ProjectivePoint]], scalars: [[UInt64]]) -> ProjectivePoint {
        var result = ProjectivePoint.identity
        for limb in stride(from: scalars[0].count - 1, through: 0, by: -1) {
            for shift in stride(from: 60, through: 0, by: -4) {
                result = result.doubled().doubled().doubled().doubled()
                for j in tables.indices {
                    result = result + lookup(tables[j], (scalars[j][limb] >> UInt64(shift)) & 15)
                }
            }
        }
        return result
    }
}

extension ProjectivePoint where F == Fp {
    /// self·k for a secret k < 2^256 and self in G1 (GLV with σ): constant time.
    @inlinable
    func multipliedByEndomorphism(byLimbs k: [UInt64]) -> ProjectivePoint {
        let d = curveParameterDigits(k)
        func combined(_ low: UInt64, _ high: UInt64) -> [UInt64] {  // low + high·m < m² < 2^128
            let (hi, lo) = high.multipliedFullWidth(by: curveParameterMagnitude)
            let (sum, carry) = addWithCarry(lo, low, 0)
            return [sum, hi &+ carry]
        }
        let table = windowTable()
        let minusSigma = table.map { -$0.sigma() }  // multiplication by m²
        return .jointMultipliedConstantTime(tables: [table, minusSigma], scalars: [combined(d[0], d[1]), combined(d[2], d[3])])
    }
}

extension ProjectivePoint where F == Fp2 {
    /// self·k for a secret k < 2^256 and self in G2 (GLS with ψ): constant time.
    @inlinable
    func multipliedByEndomorphism(byLimbs k: [UInt64]) -> ProjectivePoint {
        let d = curveParameterDigits(k)
        var tables = [windowTable()]
        for _ in 1..<4 { tables.append(tables[tables.count - 1].map { -$0.psi() }) }  // multiplication by m
        return .jointMultipliedConstantTime(tables: tables, scalars: d.map { [$0] })
    }
}
