extension Amount {
    /// Parses the amount syntax of the commands: a bare integer is millisatoshis;
    /// the suffixes `msat`, `sat` and `btc` name the unit. Decimals are allowed
    /// only where they stay whole millisatoshis (`0.5sat`, `0.00000001btc`), and
    /// no floating point is involved.
    public init(parsing text: String) throws(AmountError) {
        let trimmed = text.trimmingWhitespace().lowercased()
        let units: [(suffix: String, msats: UInt64, decimals: Int)] = [
            ("msat", 1, 0), ("sat", Amount.msatsPerSat, 3), ("btc", Amount.msatsPerBitcoin, 11),
        ]
        var number = Substring(trimmed)
        var unit = units[0]
        for candidate in units where trimmed.hasSuffix(candidate.suffix) {
            number = trimmed.dropLast(candidate.suffix.count)
            unit = candidate
            break
        }
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit) else {
            throw .malformed(text)
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.allSatisfy(\.isASCIIDigit), fraction.count <= unit.decimals,
            parts.count == 1 || !fraction.isEmpty
        else { throw .malformed(text) }

        guard let wholeValue = UInt64(whole) else { throw .overflow }
        var scale: UInt64 = 1
        for _ in 0..<(unit.decimals - fraction.count) { scale *= 10 }
        let fractionValue = fraction.isEmpty ? 0 : UInt64(fraction)! * scale
        let wholeMsats = try Amount(msats: wholeValue).multiplied(by: unit.msats)
        self = try wholeMsats.adding(Amount(msats: fractionValue))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
