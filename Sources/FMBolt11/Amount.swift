/// The amount in the human-readable part: decimal digits and an optional multiplier (BOLT 11).
enum HRPAmount {
    /// Millisatoshi per unit of each multiplier except `p` (a tenth of a millisatoshi, handled apart).
    private static let msatPerUnit: [Character: UInt64] = ["m": 100_000_000, "u": 100_000, "n": 100]
    private static let msatPerBitcoin: UInt64 = 100_000_000_000

    /// Parses `2500u`, `20m`, `9678785340p`, `1` (whole bitcoin) into msat.
    static func parse(_ text: Substring) throws -> UInt64 {
        var digits = text
        var isPico = false
        var unit = msatPerBitcoin
        if let last = text.last, !(last.isASCII && last.isNumber) {
            if last == "p" {
                isPico = true
            } else if let perUnit = msatPerUnit[last] {
                unit = perUnit
            } else {
                throw Bolt11Error.invalidAmount("unknown multiplier '\(last)' in '\(text)' (expected m, u, n or p)")
            }
            digits = text.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw Bolt11Error.invalidAmount("'\(text)' is not digits followed by an optional multiplier")
        }
        guard digits.first != "0" else { throw Bolt11Error.invalidAmount("'\(text)' has a leading zero or is zero") }
        guard let value = UInt64(digits) else { throw Bolt11Error.invalidAmount("'\(text)' does not fit 64 bits") }
        if isPico {
            guard value % 10 == 0 else {
                throw Bolt11Error.invalidAmount(
                    "'\(text)' is not a whole number of millisatoshi (p amounts must end in 0)")
            }
            return value / 10
        }
        let (msat, overflow) = value.multipliedReportingOverflow(by: unit)
        guard !overflow else { throw Bolt11Error.invalidAmount("'\(text)' does not fit 64 bits of millisatoshi") }
        return msat
    }

    /// The shortest text for `msat`: the largest multiplier that divides it exactly.
    static func format(_ msat: UInt64) throws -> String {
        guard msat > 0 else { throw Bolt11Error.invalidAmount("0 msat: omit the amount instead") }
        if msat % msatPerBitcoin == 0 { return "\(msat / msatPerBitcoin)" }
        for (letter, unit) in [("m", msatPerUnit["m"]), ("u", msatPerUnit["u"]), ("n", msatPerUnit["n"])] {
            if let unit, msat % unit == 0 { return "\(msat / unit)\(letter)" }
        }
        let (tenths, overflow) = msat.multipliedReportingOverflow(by: 10)
        guard !overflow else { throw Bolt11Error.invalidAmount("\(msat) msat does not fit the encoding") }
        return "\(tenths)p"
    }
}
