/// Exact conversion between satoshis and the BTC decimal amounts of Bitcoin Core's JSON-RPC.
public enum BitcoinAmount {
    public static let satoshisPerBitcoin: UInt64 = 100_000_000
    /// 21 million BTC, Core's `MAX_MONEY`.
    public static let maxMoney: UInt64 = 21_000_000 * satoshisPerBitcoin

    /// "1.50000000" for 150,000,000 sat (always 8 decimals, as Core prints).
    public static func btcString(satoshis: UInt64) -> String {
        let fraction = String(satoshis % satoshisPerBitcoin)
        return "\(satoshis / satoshisPerBitcoin)." + String(repeating: "0", count: 8 - fraction.count) + fraction
    }

    /// Parses a non-negative decimal BTC amount ("0.0001", "21", "1.5e-3" is refused) without
    /// floating point.
    /// - Throws: ``BitcoinError/invalidValue(field:reason:)`` for malformed text, more than 8
    ///   decimals, or more than 21 million BTC.
    public static func satoshis(btc text: String) throws -> UInt64 {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCII),
            whole.allSatisfy(\.isNumber), whole.count <= 8
        else { throw BitcoinError.invalidValue(field: "amount", reason: "\"\(text)\" is not a decimal BTC amount") }
        let fractionText = parts.count == 2 ? parts[1] : ""
        guard fractionText.count <= 8, fractionText.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !fractionText.isEmpty else {
            throw BitcoinError.invalidValue(field: "amount", reason: "\"\(text)\" has more than 8 decimals or a bad fraction")
        }
        let fraction = UInt64(fractionText + String(repeating: "0", count: 8 - fractionText.count))!
        let value = UInt64(whole)! * satoshisPerBitcoin + fraction
        guard value <= maxMoney else { throw BitcoinError.invalidValue(field: "amount", reason: "\(text) BTC exceeds 21 million") }
        return value
    }
}
