/// Bech32 (BIP-173) and bech32m (BIP-350) string encoding.
public enum Bech32 {
    public enum Variant: Sendable, Hashable {
        case bech32
        case bech32m

        var constant: UInt32 { self == .bech32 ? 1 : 0x2bc8_30a3 }
    }

    private static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    private static let charsetIndex: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in charset.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    private static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var chk: UInt32 = 1
        for value in values {
            let top = chk >> 25
            chk = (chk & 0x1ff_ffff) << 5 ^ UInt32(value)
            for i in 0..<5 where (top >> i) & 1 == 1 { chk ^= generator[i] }
        }
        return chk
    }

    private static func expandHRP(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    /// Encodes `hrp` and 5-bit `data` (values 0...31) with the checksum of `variant`, in lower case.
    /// - Parameter maxLength: 90 for segwit addresses (BIP-173); larger for other uses such as BOLT 11.
    public static func encode(hrp: String, data: [UInt8], variant: Variant, maxLength: Int = 90) throws -> String {
        let hrpBytes = Array(hrp.lowercased().utf8)
        guard !hrpBytes.isEmpty, hrpBytes.allSatisfy({ (33...126).contains($0) }) else {
            throw BitcoinError.invalidBech32("human-readable part must be 1+ printable ASCII characters")
        }
        guard data.allSatisfy({ $0 < 32 }) else { throw BitcoinError.invalidBech32("data values must be 5-bit") }
        guard hrpBytes.count + 1 + data.count + 6 <= maxLength else {
            throw BitcoinError.invalidBech32("longer than \(maxLength) characters")
        }
        let checksumInput = expandHRP(hrpBytes) + data + [0, 0, 0, 0, 0, 0]
        let mod = polymod(checksumInput) ^ variant.constant
        let checksum = (0..<6).map { UInt8((mod >> (5 * (5 - UInt32($0)))) & 31) }
        return String(decoding: hrpBytes + [UInt8(ascii: "1")] + (data + checksum).map { charset[Int($0)] }, as: UTF8.self)
    }

    /// Decodes a bech32 or bech32m string into its lower-cased HRP, 5-bit data (without
    /// checksum) and the variant whose checksum matched.
    /// - Throws: ``BitcoinError/invalidBech32(_:)`` naming the defect.
    /// - Parameter maxLength: 90 for segwit addresses (BIP-173); larger for other uses such as BOLT 11.
    public static func decode(_ string: String, maxLength: Int = 90) throws -> (hrp: String, data: [UInt8], variant: Variant) {
        let chars = Array(string.utf8)
        guard chars.count <= maxLength else { throw BitcoinError.invalidBech32("longer than \(maxLength) characters") }
        guard chars.allSatisfy({ (33...126).contains($0) }) else {
            throw BitcoinError.invalidBech32("character outside printable US-ASCII")
        }
        let hasLower = chars.contains { (97...122).contains($0) }
        let hasUpper = chars.contains { (65...90).contains($0) }
        guard !(hasLower && hasUpper) else { throw BitcoinError.invalidBech32("mixed upper and lower case") }
        let lower = chars.map { (65...90).contains($0) ? $0 + 32 : $0 }
        guard let separator = lower.lastIndex(of: UInt8(ascii: "1")) else {
            throw BitcoinError.invalidBech32("no separator '1'")
        }
        guard separator >= 1 else { throw BitcoinError.invalidBech32("empty human-readable part") }
        guard lower.count - separator - 1 >= 6 else { throw BitcoinError.invalidBech32("checksum shorter than 6 characters") }
        let hrp = Array(lower[..<separator])
        var values: [UInt8] = []
        for c in lower[(separator + 1)...] {
            guard c < 128, charsetIndex[Int(c)] >= 0 else {
                throw BitcoinError.invalidBech32("invalid data character '\(Character(Unicode.Scalar(c)))'")
            }
            values.append(UInt8(charsetIndex[Int(c)]))
        }
        let mod = polymod(expandHRP(hrp) + values)
        let variant: Variant
        switch mod {
        case Variant.bech32.constant: variant = .bech32
        case Variant.bech32m.constant: variant = .bech32m
        default: throw BitcoinError.invalidBech32("checksum mismatch")
        }
        return (String(decoding: hrp, as: UTF8.self), Array(values.dropLast(6)), variant)
    }

    /// Regroups bits (8→5 for encoding, 5→8 for decoding).
    /// - Throws: when decoding (`pad == false`) leaves more than 4 bits or non-zero padding.
    public static func convertBits(_ data: [UInt8], from: Int, to: Int, pad: Bool) throws -> [UInt8] {
        var accumulator = 0
        var bits = 0
        var out: [UInt8] = []
        let maxValue = (1 << to) - 1
        for value in data {
            guard Int(value) >> from == 0 else { throw BitcoinError.invalidBech32("value \(value) wider than \(from) bits") }
            accumulator = (accumulator << from) | Int(value)
            bits += from
            while bits >= to {
                bits -= to
                out.append(UInt8((accumulator >> bits) & maxValue))
            }
        }
        if pad {
            if bits > 0 { out.append(UInt8((accumulator << (to - bits)) & maxValue)) }
        } else {
            guard bits < from else { throw BitcoinError.invalidBech32("more than \(from - 1) bits of padding") }
            guard (accumulator << (to - bits)) & maxValue == 0 else { throw BitcoinError.invalidBech32("non-zero padding") }
        }
        return out
    }
}
