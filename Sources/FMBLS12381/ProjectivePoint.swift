/// A point (X : Y : Z) on y² = x³ + b in homogeneous projective coordinates (x = X/Z, y = Y/Z), the shared
/// arithmetic behind ``G1Point`` and ``G2Point``.
///
/// Addition and doubling use the complete formulas of Renes, Costello and Batina (2016, algorithms 7 and 9 for
/// a = 0): no special cases for the identity (0 : 1 : 0), equal or opposite inputs, so they run in constant time.
@usableFromInline @frozen
struct ProjectivePoint<F: CurveField>: Sendable {
    @usableFromInline var x: F
    @usableFromInline var y: F
    @usableFromInline var z: F

    @inlinable init(x: F, y: F, z: F) { (self.x, self.y, self.z) = (x, y, z) }

    @inlinable static var identity: ProjectivePoint { ProjectivePoint(x: .zero, y: .one, z: .zero) }

    @inlinable var isIdentity: Bool { z.isZero }

    /// y² = x³ + b in projective form (Y²Z = X³ + bZ³); true for the identity.
    @inlinable var isOnCurve: Bool {
        if isIdentity { return x.isZero && !y.isZero }
        let z2 = z.squared()
        return y.squared() * z == x.squared() * x + F.curveB * z2 * z
    }

    @inlinable static func == (a: ProjectivePoint, b: ProjectivePoint) -> Bool {
        a.x * b.z == b.x * a.z && a.y * b.z == b.y * a.z
    }

    @inlinable var affine: (x: F, y: F)? {
        if isIdentity { return nil }
        if z == .one { return (x, y) }  // decoded points: skip the inversion
        let zInverse = z.inverse()
        return (x * zInverse, y * zInverse)
    }

    @inlinable static prefix func - (p: ProjectivePoint) -> ProjectivePoint { ProjectivePoint(x: p.x, y: -p.y, z: p.z) }

    /// p + q (on G2 by the C kernel where the 𝔽p kernels run: `CurveField.pointSum`).
    @inlinable @inline(__always)
    static func + (p: ProjectivePoint, q: ProjectivePoint) -> ProjectivePoint { F.pointSum(p, q) }

    /// 2·self (on G2 by the C kernel where the 𝔽p kernels run: `CurveField.pointDoubled`).
    @inlinable @inline(__always)
    func doubled() -> ProjectivePoint { F.pointDoubled(self) }

    /// Complete addition (RCB algorithm 7): 12 multiplications (six of them in three sums with one reduction each)
    /// and 2 multiplications by 3b.
    @inlinable
    static func completeSum(_ p: ProjectivePoint, _ q: ProjectivePoint) -> ProjectivePoint {
        var t0 = p.x * q.x
        var t1 = p.y * q.y
        var t2 = p.z * q.z
        var t3 = (p.x + p.y) * (q.x + q.y)
        var t4 = t0 + t1
        t3 = t3 - t4
        t4 = (p.y + p.z) * (q.y + q.z)
        var x3 = t1 + t2
        t4 = t4 - x3
        x3 = (p.x + p.z) * (q.x + q.z)
        var y3 = t0 + t2
        y3 = x3 - y3
        x3 = t0.doubled()
        t0 = x3 + t0
        t2 = t2.timesCurveB3()
        let z3 = t1 + t2
        t1 = t1 - t2
        y3 = y3.timesCurveB3()
        // t3·t1 - t4·y3, t1·z3 + y3·t0, z3·t4 + t0·t3, each with one reduction (lazy).
        return ProjectivePoint(x: .differenceOfProducts(t3, t1, t4, y3), y: .sumOfProducts(t1, z3, y3, t0),
                               z: .sumOfProducts(z3, t4, t0, t3))
    }

    /// Mixed addition with an affine point (RCB algorithm 8); `q` must not be the identity.
    @inlinable
    func adding(affineX qx: F, _ qy: F) -> ProjectivePoint {
        var t0 = x * qx
        var t1 = y * qy
        var t3 = (qx + qy) * (x + y)
        var t4 = t0 + t1
        t3 = t3 - t4
        t4 = qy * z + y
        var y3 = qx * z + x
        let x3 = t0.doubled()
        t0 = x3 + t0
        let t2 = z.timesCurveB3()
        let z3 = t1 + t2
        t1 = t1 - t2
        y3 = y3.timesCurveB3()
        // t3·t1 - t4·y3, t1·z3 + y3·t0, z3·t4 + t0·t3, each with one reduction (lazy).
        return ProjectivePoint(x: .differenceOfProducts(t3, t1, t4, y3), y: .sumOfProducts(t1, z3, y3, t0),
                               z: .sumOfProducts(z3, t4, t0, t3))
    }

    /// Complete doubling (RCB algorithm 9): 6 multiplications (two of them summed with one reduction), 2 squarings,
    /// 1 multiplication by 3b.
    @inlinable
    func completeDoubled() -> ProjectivePoint {
        let t0 = y.squared()
        let y8 = t0.doubled().doubled().doubled()  // 8y²
        let t2 = z.squared().timesCurveB3()  // 3b·z²
        let t0m = t0 - (t2.doubled() + t2)  // y² - 9b·z²
        // Y3 = 3bz²·8y² + (y² - 9bz²)(y² + 3bz²), with one reduction (lazy).
        let y3 = F.sumOfProducts(t2, y8, t0m, t0 + t2)
        return ProjectivePoint(x: (t0m * (x * y)).doubled(), y: y3, z: (y * z) * y8)
    }

    @inlinable
    static func select(_ a: ProjectivePoint, _ b: ProjectivePoint, mask: UInt64) -> ProjectivePoint {
        ProjectivePoint(x: F.select(a.x, b.x, mask: mask), y: F.select(a.y, b.y, mask: mask),
                        z: F.select(a.z, b.z, mask: mask))
    }

    /// self·k for a secret k given as little-endian limbs: signed 5-bit windows, every table entry read on
    /// every lookup, complete formulas; the sequence of operations depends only on the number of limbs.
    /// Works for any point of the curve (G1Point and G2Point use the faster endomorphism versions).
    @inlinable
    func multipliedConstantTime(byLimbs k: [UInt64]) -> ProjectivePoint {
        .jointMultipliedConstantTime(tables: [windowTable()], scalars: [k])
    }

    /// Width-w NAF digits of a little-endian integer, least significant first (odd digits in ±(2^(w-1) - 1)).
    @inlinable
    static func wnafDigits(_ limbs: [UInt64], width: Int) -> [Int8] {
        var k = limbs + [0]
        var digits = [Int8]()
        digits.reserveCapacity(64 * limbs.count + 1)
        let window = UInt64(1) << UInt64(width)
        while k.contains(where: { $0 != 0 }) {
            var digit: Int64 = 0
            if k[0] & 1 == 1 {
                let low = k[0] & (window - 1)
                if low >= window / 2 {
                    digit = Int64(low) - Int64(window)
                    // k += |digit|
                    var carry = UInt64(-digit)
                    for i in k.indices where carry != 0 { (k[i], carry) = addWithCarry(k[i], carry, 0) }
                } else {
                    digit = Int64(low)
                    k[0] -= low
                }
            }
            digits.append(Int8(digit))
            // k >>= 1
            for i in 0..<(k.count - 1) { k[i] = (k[i] >> 1) | (k[i + 1] << 63) }
            k[k.count - 1] >>= 1
        }
        return digits
    }

    /// self·k for a public k (variable time, width-5 NAF), for any point of the curve: no endomorphism, so also
    /// outside the subgroups (G1Point and G2Point multiply through theirs).
    @inlinable
    func multipliedVarTime(byLimbs k: [UInt64]) -> ProjectivePoint { multipliedVarTime(byLimbs: k, width: 5) }

    /// self·k for one of the sparse curve constants (|x| and h_eff, six or seven set bits), public data only:
    /// binary double-and-add in Jacobian coordinates, whose doubling is about a fifth cheaper than the complete
    /// projective one (a width-5 table's seven additions would cost more than the few digits they save).
    @inlinable
    func multipliedBySparseConstant(_ k: UInt64) -> ProjectivePoint {
        guard k != 0 else { return .identity }
        let base = JacobianPoint(self)
        var result = base
        for bit in stride(from: 62 - k.leadingZeroBitCount, through: 0, by: -1) {
            result = result.doubled()
            if (k >> UInt64(bit)) & 1 == 1 { result = result.adding(base) }
        }
        return result.projective
    }

    /// self·k for a public k with width-`width` NAF digits (variable time).
    @inlinable
    func multipliedVarTime(byLimbs k: [UInt64], width: Int) -> ProjectivePoint {
        let digits = ProjectivePoint.wnafDigits(k, width: width)
        // Odd multiples P, 3P, ..., (2^(width-1) - 1)P.
        var odd = [self]
        if width > 2 {
            let twice = doubled()
            for i in 1..<(1 << (width - 2)) { odd.append(odd[i - 1] + twice) }
        }
        var result = ProjectivePoint.identity
        for digit in digits.reversed() {
            result = result.doubled()
            if digit > 0 { result = result + odd[Int(digit) / 2] } else if digit < 0 { result = result + (-odd[Int(-digit) / 2]) }
        }
        return result
    }

    /// Σ kᵢ·Pᵢ for public scalars with one shared run of doublings (Straus): width-w NAF digits per scalar (w = 4 up
    /// to 64 bits, where a larger table costs more than it saves, else 5) and a table of odd multiples per point.
    /// For a few points; ``multiScalarMultiply(_:_:)`` takes Pippenger's method beyond.
    @inlinable
    static func jointMultipliedVarTime(_ points: [ProjectivePoint], _ scalars: [[UInt64]]) -> ProjectivePoint {
        precondition(points.count == scalars.count, "one scalar per point")
        let digits = scalars.map { wnafDigits($0, width: bitLength($0) <= 64 ? 4 : 5) }
        var tables: [[ProjectivePoint]] = []
        for (point, d) in zip(points, digits) {
            // Odd multiples P, 3P, …, up to the largest digit magnitude used.
            let largest = d.map { Int($0.magnitude) }.max() ?? 0
            var odd = [point]
            if largest > 1 {
                let twice = point.doubled()
                while 2 * odd.count - 1 < largest { odd.append(odd[odd.count - 1] + twice) }
            }
            tables.append(odd)
        }
        var result = ProjectivePoint.identity
        var started = false
        for i in stride(from: (digits.map(\.count).max() ?? 0) - 1, through: 0, by: -1) {
            if started { result = result.doubled() }
            for j in digits.indices where i < digits[j].count && digits[j][i] != 0 {
                let digit = Int(digits[j][i])
                let term = digit > 0 ? tables[j][digit / 2] : -tables[j][-digit / 2]
                result = started ? result + term : term
                started = true
            }
        }
        return result
    }

    /// Σ kᵢ·Pᵢ for public scalars (Pippenger's bucket method; fewer than 8 points take ``jointMultipliedVarTime(_:_:)``).
    @inlinable
    static func multiScalarMultiply(_ points: [ProjectivePoint], _ scalars: [[UInt64]]) -> ProjectivePoint {
        precondition(points.count == scalars.count, "one scalar per point")
        let n = points.count
        if n < 8 { return jointMultipliedVarTime(points, scalars) }
        let log2n = Int.bitWidth - n.leadingZeroBitCount
        let c = max(3, min(16, log2n * 2 / 3 + 1))
        // Windows up to the highest set bit only: a batch check's 64-bit coefficients need a quarter of a full scalar's.
        let bitCount = scalars.map(bitLength).max() ?? 0
        let windowCount = (bitCount + c - 1) / c
        var result = ProjectivePoint.identity
        var buckets = [ProjectivePoint](repeating: .identity, count: (1 << c) - 1)
        for window in stride(from: windowCount - 1, through: 0, by: -1) {
            for _ in 0..<c { result = result.doubled() }
            for j in buckets.indices { buckets[j] = .identity }
            let start = window * c
            for i in 0..<n {
                let digit = bits(of: scalars[i], from: start, count: c)
                if digit != 0 { buckets[digit - 1] = buckets[digit - 1] + points[i] }
            }
            var running = ProjectivePoint.identity
            var windowSum = ProjectivePoint.identity
            for j in stride(from: buckets.count - 1, through: 0, by: -1) {
                running = running + buckets[j]
                windowSum = windowSum + running
            }
            result = result + windowSum
        }
        return result
    }

    /// `count` bits of little-endian limbs starting at bit `start` (zero beyond the end).
    @inlinable
    static func bits(of limbs: [UInt64], from start: Int, count: Int) -> Int {
        var value = 0
        for b in 0..<count {
            let index = start + b
            let limb = index / 64
            if limb < limbs.count && (limbs[limb] >> UInt64(index % 64)) & 1 == 1 { value |= 1 << b }
        }
        return value
    }
}
