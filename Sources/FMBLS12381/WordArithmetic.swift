// Carry-propagating 64-bit word operations shared by the prime fields.
// Kept tiny and always inlined so the unrolled field code compiles to adc/sbb/mul chains.

// Written with UInt128 so that LLVM emits straight mul/add/adc/sbb chains (carries computed through Bool
// flags were turned into branches, which is slower and not constant time).

/// a·b + c as (high, low); cannot overflow 128 bits.
@inlinable @inline(__always)
func mulAdd(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> (UInt64, UInt64) {
    let t = UInt128(a) &* UInt128(b) &+ UInt128(c)
    return (UInt64(truncatingIfNeeded: t &>> 64), UInt64(truncatingIfNeeded: t))
}

/// a·b + c + d as (high, low); cannot overflow 128 bits.
@inlinable @inline(__always)
func mulAdd(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> (UInt64, UInt64) {
    let t = UInt128(a) &* UInt128(b) &+ UInt128(c) &+ UInt128(d)
    return (UInt64(truncatingIfNeeded: t &>> 64), UInt64(truncatingIfNeeded: t))
}

/// High word of a·b + c.
@inlinable @inline(__always)
func mulAddHigh(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
    let t = UInt128(a) &* UInt128(b) &+ UInt128(c)
    return UInt64(truncatingIfNeeded: t &>> 64)
}

/// a + b + carry (carry is 0 or 1) as (sum, carry out).
@inlinable @inline(__always)
func addWithCarry(_ a: UInt64, _ b: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
    let t = UInt128(a) &+ UInt128(b) &+ UInt128(carry)
    return (UInt64(truncatingIfNeeded: t), UInt64(truncatingIfNeeded: t &>> 64))
}

/// a - b - borrow (borrow is 0 or 1) as (difference, borrow out).
@inlinable @inline(__always)
func subtractWithBorrow(_ a: UInt64, _ b: UInt64, _ borrow: UInt64) -> (UInt64, UInt64) {
    let t = UInt128(a) &- UInt128(b) &- UInt128(borrow)
    return (UInt64(truncatingIfNeeded: t), UInt64(truncatingIfNeeded: t &>> 127))
}

/// Reads big-endian bytes into little-endian 64-bit limbs (`count` limbs, bytes right-aligned).
@inlinable
func limbsFromBigEndian(_ bytes: some Collection<UInt8>, count: Int) -> [UInt64] {
    var limbs = [UInt64](repeating: 0, count: count)
    var index = 0
    for byte in bytes.reversed() {
        limbs[index / 8] |= UInt64(byte) << (8 * UInt64(index % 8))
        index += 1
    }
    return limbs
}

/// Writes little-endian limbs as big-endian bytes.
@inlinable
func bigEndianBytes(ofLimbs limbs: [UInt64]) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(limbs.count * 8)
    for limb in limbs.reversed() {
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: limb >> UInt64(shift))) }
    }
    return out
}

/// True if little-endian limbs a < b (same count); variable time, for public range checks only.
@inlinable
func limbsLessThan(_ a: [UInt64], _ b: [UInt64]) -> Bool {
    for i in stride(from: a.count - 1, through: 0, by: -1) where a[i] != b[i] { return a[i] < b[i] }
    return false
}

/// Lower-case hex, for descriptions.
func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".unicodeScalars)
    var out = ""
    for byte in bytes { out.unicodeScalars.append(digits[Int(byte >> 4)]); out.unicodeScalars.append(digits[Int(byte & 15)]) }
    return out
}
