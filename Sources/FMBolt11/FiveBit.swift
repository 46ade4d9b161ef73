/// Conversions between bytes and BOLT 11's 5-bit groups, and big-endian integers in 5-bit groups.
enum FiveBit {
    /// Bytes → 5-bit groups, the last group padded with zero bits.
    static func groups(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in bytes {
            accumulator = (accumulator << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(UInt8((accumulator >> UInt32(bits)) & 31))
            }
            accumulator &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 { out.append(UInt8((accumulator << UInt32(5 - bits)) & 31)) }
        return out
    }

    /// 5-bit groups → bytes; trailing bits that do not fill a byte are dropped (they are padding).
    static func bytes(_ groups: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(groups.count * 5 / 8)
        var accumulator: UInt32 = 0
        var bits = 0
        for group in groups {
            accumulator = (accumulator << 5) | UInt32(group & 31)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((accumulator >> UInt32(bits)) & 0xff))
            }
            accumulator &= (1 << UInt32(bits)) - 1
        }
        return out
    }

    /// A big-endian unsigned integer in 5-bit groups; nil when it does not fit 64 bits.
    static func integer(_ groups: some Collection<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for group in groups {
            guard value >> 59 == 0 else { return nil }
            value = (value << 5) | UInt64(group & 31)
        }
        return value
    }

    /// The shortest big-endian 5-bit encoding of `value` (`count` groups when given).
    static func groups(of value: UInt64, count: Int? = nil) -> [UInt8] {
        var out: [UInt8] = []
        var rest = value
        repeat {
            out.append(UInt8(rest & 31))
            rest >>= 5
        } while rest > 0
        if let count { while out.count < count { out.append(0) } }
        return out.reversed()
    }
}
