/// Core Lightning's `amount_msat` parameter of `invoice`: a millisatoshi integer or `"any"`. Reading also accepts
/// the string forms lightningd accepts (`"1000msat"`, `"1sat"`), checked for overflow.
public enum AmountOrAny: Codable, Sendable, Hashable {
    case any
    case msat(UInt64)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(UInt64.self) {
            self = .msat(value)
            return
        }
        let text = try container.decode(String.self)
        if text == "any" {
            self = .any
        } else if let value = MsatText.parse(text) {
            self = .msat(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "amount_msat: '\(text)' is not msat or \"any\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .any: try container.encode("any")
        case .msat(let value): try container.encode(value)
        }
    }
}

/// `fundchannel`'s `amount`: satoshis or `"all"`.
public enum SatoshiOrAll: Codable, Sendable, Hashable {
    case all
    case sat(UInt64)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(UInt64.self) {
            self = .sat(value)
            return
        }
        let text = try container.decode(String.self)
        if text == "all" {
            self = .all
        } else if text.hasSuffix("sat"), !text.hasSuffix("msat"), let value = UInt64(text.dropLast(3)) {
            self = .sat(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "amount: '\(text)' is not sat or \"all\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .all: try container.encode("all")
        case .sat(let value): try container.encode(value)
        }
    }
}

/// `"123msat"`, `"5sat"` or plain digits → msat; nil on anything else or overflow.
enum MsatText {
    static func parse(_ text: String) -> UInt64? {
        if text.hasSuffix("msat") { return UInt64(text.dropLast(4)) }
        if text.hasSuffix("sat"), let sat = UInt64(text.dropLast(3)) {
            let (msat, overflow) = sat.multipliedReportingOverflow(by: 1000)
            return overflow ? nil : msat
        }
        return UInt64(text)
    }
}
