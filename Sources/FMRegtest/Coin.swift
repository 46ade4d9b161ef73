import FMBitcoin

/// An unspent output and where it was created (Core's `Coin`).
public struct Coin: Sendable, Hashable {
    public var output: TxOut
    /// Height of the block that created it; for a mempool output, the next block's height.
    public var height: Int
    public var isCoinbase: Bool

    public init(output: TxOut, height: Int, isCoinbase: Bool) {
        self.output = output
        self.height = height
        self.isCoinbase = isCoinbase
    }
}

/// Bitcoin Core's `FormatMoney`: BTC with at least two decimals, trailing zeros trimmed ("0.01", "50.00").
func formatMoney(_ satoshis: UInt64) -> String {
    var text = BitcoinAmount.btcString(satoshis: satoshis)
    while text.hasSuffix("0"), let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > 3 {
        text.removeLast()
    }
    return text
}
