import FMCore

/// The most a user lets a reissue pay in fees (`fm-mint reissue --max-fee`): an amount (`250`, `2sat`) or a share
/// of the value received (`1%`, `0.25%`, at most two decimals, at most 100%).
public enum FeeLimit: Sendable, Equatable, CustomStringConvertible {
    case amount(Amount)
    /// Hundredths of a percent (basis points) of the value: 100 = 1%.
    case basisPoints(UInt64)

    public init(parsing text: String) throws(InvalidInput) {
        let bad = InvalidInput(
            field: "--max-fee", expected: "an amount (250, 2sat) or a percentage of the value (1%, 0.25%)", code: "bad_max_fee")
        guard text.hasSuffix("%") else {
            do { self = .amount(try Amount(parsing: text)) } catch { throw bad }
            return
        }
        let number = text.dropLast()
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.count <= 3,
            whole.allSatisfy(\.isASCIIDigitCharacter), let wholeValue = UInt64(whole)
        else { throw bad }
        var fraction: UInt64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...2).contains(digits.count), digits.allSatisfy(\.isASCIIDigitCharacter), let value = UInt64(digits) else { throw bad }
            fraction = digits.count == 1 ? value * 10 : value
        }
        let points = wholeValue * 100 + fraction  // whole ≤ 999: no overflow
        guard points <= 10_000 else { throw bad }
        self = .basisPoints(points)
    }

    /// The largest fee allowed on `value` (a share rounds down: 1% of 150 msat allows 1 msat).
    public func limit(on value: Amount) -> Amount {
        switch self {
        case .amount(let amount): return amount
        case .basisPoints(let points):
            // value · points ≤ 2^64 · 10^4: computed in full width, then divided back below 2^64.
            let product = value.msats.multipliedFullWidth(by: points)
            return Amount(msats: UInt64(10_000).dividingFullWidth(product).quotient)
        }
    }

    public var description: String {
        switch self {
        case .amount(let amount): "\(amount.msats) msat"
        case .basisPoints(let points): "\(points / 100).\(points % 100 < 10 ? "0" : "")\(points % 100)%"
        }
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
