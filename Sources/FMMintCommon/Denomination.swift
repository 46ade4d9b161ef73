import FMCore
import FMEncoding

/// A note value: 2^exponent millisatoshis (BRIEF §3).
///
/// Canonical form: the exponent as one byte. JSON form: the exponent as a number.
public struct Denomination: Hashable, Comparable, Sendable, CanonicalCodable, Codable, CustomStringConvertible {
    /// 2^63 msat is the largest power of two an `Amount` can hold.
    public static let maxExponent: UInt8 = 63

    public let exponent: UInt8

    /// - Precondition: `exponent <= Denomination.maxExponent`.
    public init(exponent: UInt8) {
        precondition(exponent <= Self.maxExponent, "denomination exponent above \(Self.maxExponent)")
        self.exponent = exponent
    }

    /// The denomination worth exactly `amount`, if `amount` is a power of two.
    public init?(amount: Amount) {
        guard amount.msats != 0, amount.msats & (amount.msats - 1) == 0 else { return nil }
        self.init(exponent: UInt8(amount.msats.trailingZeroBitCount))
    }

    public var amount: Amount { Amount(msats: 1 << UInt64(exponent)) }

    public static func < (a: Self, b: Self) -> Bool { a.exponent < b.exponent }
    public var description: String { "\(amount.msats) msat" }

    public func encode(to encoder: inout CanonicalEncoder) { encoder.write(exponent) }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        let exponent = try decoder.read(UInt8.self)
        guard exponent <= Self.maxExponent else { throw .invalidValue("denomination exponent \(exponent) above 63") }
        self.exponent = exponent
    }

    public init(from decoder: any Decoder) throws {
        let exponent = try decoder.singleValueContainer().decode(UInt8.self)
        guard exponent <= Self.maxExponent else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "a denomination exponent 0...63"))
        }
        self.exponent = exponent
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(exponent)
    }
}

extension Denomination {
    /// The fewest notes of denominations 2^0 … `largest` that add up to `amount`,
    /// largest first.
    ///
    /// Below `largest` that is one note per set bit of `amount`; the part at or
    /// above `largest` is paid in notes of `largest`.
    ///
    /// - Throws: ``MintError/tooManyNotes(count:limit:)`` when more than
    ///   `limit` notes would be needed.
    public static func split(
        _ amount: Amount, largest: Denomination, limit: Int = Transaction.maxItems
    ) throws(MintError) -> [Denomination] {
        let top = largest.amount.msats
        let topCount = amount.msats / top
        let remainder = amount.msats % top
        let count = UInt64(remainder.nonzeroBitCount) + topCount
        guard count <= UInt64(limit) else { throw .tooManyNotes(count: count, limit: limit) }
        var notes = [Denomination](repeating: largest, count: Int(topCount))
        for exponent in stride(from: Int(largest.exponent) - 1, through: 0, by: -1)
        where remainder & (1 << UInt64(exponent)) != 0 {
            notes.append(Denomination(exponent: UInt8(exponent)))
        }
        return notes
    }
}
