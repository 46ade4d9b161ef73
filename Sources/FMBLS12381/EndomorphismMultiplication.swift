// Constant-time scalar multiplication through the curve endomorphisms (GLV on G1, GLS on G2).
//
// With m = |x| = 0xd201000000010000, every k < r < m⁴ splits as k = d0 + d1·m + d2·m² + d3·m³ (0 ≤ dᵢ < m).
// On G2, ψ acts as multiplication by x = -m, so k·P = d0·P + d1·(-ψP) + d2·ψ²P + d3·(-ψ³P): four 64-bit
// scalars sharing 60 doublings instead of 256. On G1, σ acts as -x² = -m², so k·P = k0·P + k1·(-σP) with
// k0 = d0 + d1·m and k1 = d2 + d3·m below m² < 2^128: 125 doublings. Both identities hold on the order-r
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

/// Signed 5-bit window digits of a little-endian integer, least significant first, in constant time: k =
/// Σ (-1)^negative[i]·magnitude[i]·32^i with magnitudes in 0…16 (negative is all ones or zero). One more
/// window than 5 divides the bit length, so the top window always has room for the last carry.
@inlinable
func signedWindowDigits(_ k: [UInt64]) -> (magnitudes: [UInt64], negative: [UInt64]) {
    let windows = k.count * 64 / 5 + 1
    var magnitudes = [UInt64](repeating: 0, count: windows), negative = magnitudes
    var carry: UInt64 = 0
    for i in 0..<windows {
        let position = 5 * i, limb = position / 64, offset = position % 64  // public: branching on them is fine
        var bits = limb < k.count ? k[limb] >> UInt64(offset) : 0
        if offset > 59 && limb + 1 < k.count { bits |= k[limb + 1] << UInt64(64 - offset) }
        let d = (bits & 31) + carry  // 0…32
        let big = ((16 &- d) >> 63) & 1  // 1 iff d > 16: use d - 32 and carry one
        let mask = 0 &- big
        magnitudes[i] = (d & ~mask) | ((32 &- d) & mask)
        negative[i] = mask
        carry = big
    }
    return (magnitudes, negative)
}

extension ProjectivePoint {
    /// 0·P, 1·P, …, 16·P: the table of a signed 5-bit window.
    @inlinable
    func windowTable() -> [ProjectivePoint] {
        var table = [ProjectivePoint](repeating: .identity, count: 17)
        table[1] = self
        for i in 2...16 { table[i] = i & 1 == 0 ? table[i / 2].doubled() : table[i - 1] + self }
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
    /// ``windowTable()`` of P_j: one shared run of doublings, signed 5-bit windows (a negative digit negates
    /// the looked-up point by a masked select), complete formulas. The sequence of operations depends only
    /// on the number of scalars and limbs.
    @inlinable
    static func jointMultipliedConstantTime(tables: [[ProjectivePoint]], scalars: [[UInt64]]) -> ProjectivePoint {
        let digits = scalars.map(signedWindowDigits)
        var result = ProjectivePoint.identity
        let top = digits[0].magnitudes.count - 1
        for window in stride(from: top, through: 0, by: -1) {
            if window != top {  // the top window starts from the identity
                result = result.doubled().doubled().doubled().doubled().doubled()
            }
            for j in tables.indices {
                let chosen = lookup(tables[j], digits[j].magnitudes[window])
                let signed = ProjectivePoint.select(chosen, -chosen, mask: digits[j].negative[window])
                // The first lookup is the sum so far: one addition fewer (a branch on public indices only).
                result = window == top && j == 0 ? signed : result + signed
            }
        }
        return result
    }
}

/// The GLV halves of k < m⁴ for G1: (d0 + d1·m, d2 + d3·m), each below m² < 2^128, so k·P = k0·P + k1·(-σP).
@inlinable
func endomorphismHalves(_ k: [UInt64]) -> [[UInt64]] {
    let d = curveParameterDigits(k)
    func combined(_ low: UInt64, _ high: UInt64) -> [UInt64] {  // low + high·m < m² < 2^128
        let (hi, lo) = high.multipliedFullWidth(by: curveParameterMagnitude)
        let (sum, carry) = addWithCarry(lo, low, 0)
        return [sum, hi &+ carry]
    }
    return [combined(d[0], d[1]), combined(d[2], d[3])]
}

/// The bit length of a little-endian integer.
@inlinable
func bitLength(_ limbs: [UInt64]) -> Int {
    guard let top = limbs.lastIndex(where: { $0 != 0 }) else { return 0 }
    return 64 * top + 64 - limbs[top].leadingZeroBitCount
}

extension ProjectivePoint where F == Fp {
    /// self·k for a secret k < 2^256 and self in G1 (GLV with σ): constant time.
    @inlinable
    func multipliedByEndomorphism(byLimbs k: [UInt64]) -> ProjectivePoint {
        let table = windowTable()
        let minusSigma = table.map { -$0.sigma() }  // multiplication by m²
        return .jointMultipliedConstantTime(tables: [table, minusSigma], scalars: endomorphismHalves(k))
    }

    /// Σ kᵢ·Pᵢ for public scalars (four limbs each) and points in G1, in variable time: scalars longer than 128 bits
    /// split by GLV into two halves on Pᵢ and -σPᵢ, then one shared run of doublings over all of them (Straus).
    @inlinable
    static func jointMultipliedByEndomorphismVarTime(_ points: [ProjectivePoint], _ scalars: [[UInt64]]) -> ProjectivePoint {
        var split: [ProjectivePoint] = [], halves: [[UInt64]] = []
        for (point, k) in zip(points, scalars) {
            if bitLength(k) > 128 {
                let parts = endomorphismHalves(k)
                split += [point, -point.sigma()]
                halves += parts
            } else {
                split.append(point)
                halves.append(k)
            }
        }
        return jointMultipliedVarTime(split, halves)
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

    /// Σ kᵢ·Pᵢ for public scalars (four limbs each) and points in G2, in variable time: scalars longer than 64 bits
    /// split by GLS into four 64-bit digits on Pᵢ, -ψPᵢ, ψ²Pᵢ, -ψ³Pᵢ, then one shared run of doublings (Straus).
    @inlinable
    static func jointMultipliedByEndomorphismVarTime(_ points: [ProjectivePoint], _ scalars: [[UInt64]]) -> ProjectivePoint {
        var split: [ProjectivePoint] = [], digits: [[UInt64]] = []
        for (point, k) in zip(points, scalars) {
            if bitLength(k) > 64 {
                var power = point
                for digit in curveParameterDigits(k) {
                    split.append(power)
                    digits.append([digit])
                    power = -power.psi()  // multiplication by m
                }
            } else {
                split.append(point)
                digits.append(k)
            }
        }
        return jointMultipliedVarTime(split, digits)
    }
}
