import FMEncoding

/// An amount of bitcoin in millisatoshis (1 sat = 1000 msat, 1 BTC = 10^11 msat).
///
/// Money is never a floating-point number. Arithmetic is checked: an overflow
/// or a negative result is an `AmountError`, never a wrap or a trap.
public struct Amount: Hashable, Comparable, Sendable {
    public let msats: UInt64

    public init(msats: UInt64) { self.msats = msats }

    public static let zero = Amount(msats: 0)
    public static let msatsPerSat: UInt64 = 1_000
    public static let msatsPerBitcoin: UInt64 = 100_000_000_000

    public static func sats(_ sats: UInt64) throws(AmountError) -> Amount {
        let (product, overflow) = sats.multipliedReportingOverflow(by: msatsPerSat)
        if overflow { throw .overflow }
        return Amount(msats: product)
    }

    /// Whole satoshis, rounding down; `nil` when the amount has a sub-satoshi part and `exact` is requested.
    public var satsRoundingDown: UInt64 { msats / Self.msatsPerSat }

    public static func < (a: Amount, b: Amount) -> Bool { a.msats < b.msats }

    public func adding(_ other: Amount) throws(AmountError) -> Amount {
        let (sum, overflow) = msats.addingReportingOverflow(other.msats)
        if overflow { throw .overflow }
        return Amount(msats: sum)
    }

    public func subtracting(_ other: Amount) throws(AmountError) -> Amount {
        guard other.msats <= msats else { throw .insufficient(have: self, need: other) }
        return Amount(msats: msats - other.msats)
    }

    public func multiplied(by factor: UInt64) throws(AmountError) -> Amount {
        let (product, overflow) = msats.multipliedReportingOverflow(by: factor)
        if overflow { throw .overflow }
        return Amount(msats: product)
    }

    /// The checked sum of many amounts.
    public static func sum(_ amounts: some Sequence<Amount>) throws(AmountError) -> Amount {
        var total = Amount.zero
        for amount in amounts { total = try total.adding(amount) }
        return total
    }
}

public enum AmountError: Error, Equatable, Sendable, CustomStringConvertible {
    case overflow
    case insufficient(have: Amount, need: Amount)
    case malformed(String)

    public var description: String {
        switch self {
        case .overflow: "amount exceeds the largest representable value (2^64-1 msat)"
        case .insufficient(let have, let need): "amount \(need) exceeds \(have)"
        case .malformed(let text): "expected an amount such as 1500, 1500msat, 2sat or 0.001btc, got '\(text)'"
        }
    }
}

extension Amount: CustomStringConvertible {
    public var description: String { "\(msats) msat" }
}

extension Amount: CanonicalCodable {
    public func encode(to encoder: inout CanonicalEncoder) { encoder.writeVarint(msats) }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        msats = try decoder.readVarint()
    }
}

/// In JSON an amount is a bare integer of millisatoshis, so scripts can do arithmetic on it.
extension Amount: Codable {
    public init(from decoder: any Decoder) throws {
        msats = try decoder.singleValueContainer().decode(UInt64.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(msats)
    }
}
