import FMBLS12381

extension Fp {
    /// Parses a big-endian hexadecimal constant (at most 96 digits, value < p).
    /// Only for the spec constants below; a malformed constant is a programming error.
    init(hexConstant: String) {
        let digits = Array(hexConstant.utf8)
        precondition(digits.count <= 96, "field constant longer than 48 bytes")
        let padded = [UInt8](repeating: UInt8(ascii: "0"), count: 96 - digits.count) + digits
        var bytes: [UInt8] = []
        bytes.reserveCapacity(48)
        for i in stride(from: 0, to: 96, by: 2) {
            bytes.append(hexDigitValue(padded[i]) << 4 | hexDigitValue(padded[i + 1]))
        }
        guard let value = Fp(bigEndianBytes: bytes) else { preconditionFailure("field constant not below p") }
        self = value
    }
}

private func hexDigitValue(_ c: UInt8) -> UInt8 {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
    default: preconditionFailure("invalid hex digit in field constant")
    }
}
