import FMBitcoin

/// A JSON value as Bitcoin Core's JSON-RPC sends and receives it. Numbers keep their exact
/// literal text, so BTC amounts such as `0.00001000` become satoshis without ever passing
/// through a `Double` (see ``satoshis``).
public enum BitcoinJSON: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    /// A number as written, e.g. `"42"`, `"-1.5"`, `"1e-05"`; always a valid JSON number literal.
    case number(String)
    case string(String)
    case array([BitcoinJSON])
    case object([String: BitcoinJSON])

    public static func integer(_ value: some BinaryInteger) -> BitcoinJSON { .number(String(value)) }

    /// A BTC amount with 8 decimals, as Bitcoin Core prints and accepts them.
    public static func btc(satoshis: UInt64) -> BitcoinJSON { .number(BitcoinAmount.btcString(satoshis: satoshis)) }

    public subscript(key: String) -> BitcoinJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var arrayValue: [BitcoinJSON]? { if case .array(let a) = self { a } else { nil } }
    public var isNull: Bool { self == .null }

    /// The value as an integer, if it is a number literal without fraction or exponent that fits.
    public var intValue: Int? {
        guard case .number(let text) = self else { return nil }
        return Int(text)
    }

    /// A BTC amount converted exactly to satoshis; `nil` unless it is a non-negative number with
    /// at most 8 decimal places (exponent notation such as `1e-05` is accepted and shifted exactly).
    public var satoshis: UInt64? {
        guard case .number(let text) = self else { return nil }
        return BitcoinJSON.exactSatoshis(text)
    }

    // MARK: Serialization

    /// Compact JSON text; object keys are sorted so output is deterministic.
    public var serialized: String {
        var out = ""
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// Indented JSON text (two spaces), keys sorted, as a CLI prints a result.
    public var prettyPrinted: String {
        var out = ""
        write(to: &out, indent: "  ", level: 0)
        return out
    }

    public var description: String { serialized }

    private func write(to out: inout String, indent: String?, level: Int) {
        let newline = indent.map { "\n" + String(repeating: $0, count: level + 1) } ?? ""
        let closing = indent.map { "\n" + String(repeating: $0, count: level) } ?? ""
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): BitcoinJSON.writeString(s, to: &out)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                out += newline
                item.write(to: &out, indent: indent, level: level + 1)
            }
            out += closing + "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{"
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                out += newline
                BitcoinJSON.writeString(key, to: &out)
                out += indent == nil ? ":" : ": "
                members[key]!.write(to: &out, indent: indent, level: level + 1)
            }
            out += closing + "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    // MARK: Amounts

    /// Exact decimal → satoshi conversion of a JSON number literal.
    static func exactSatoshis(_ text: String) -> UInt64? {
        var mantissa = Substring(text)
        var exponent = 0
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            var exponentText = mantissa[mantissa.index(after: e)...]
            if exponentText.hasPrefix("+") { exponentText = exponentText.dropFirst() }
            guard let value = Int(exponentText), abs(value) < 64
            else { return nil }
            exponent = value
            mantissa = mantissa[..<e]
        }
        guard !mantissa.hasPrefix("-") else {
            // "-0" and "-0.0" are zero; any other negative amount is refused.
            return mantissa.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) ? 0 : nil
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        var digits = String(parts[0])
        var decimals = 0
        if parts.count == 2 {
            digits += parts[1]
            decimals = parts[1].count
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        // value = digits × 10^(exponent − decimals); satoshis = value × 10^8.
        let shift = 8 + exponent - decimals
        if shift < 0 {
            let dropped = digits.suffix(min(-shift, digits.count))
            guard dropped.allSatisfy({ $0 == "0" }) else { return nil }
            digits = String(digits.dropLast(-shift))
            if digits.isEmpty { return 0 }
        } else {
            digits += String(repeating: "0", count: shift)
        }
        let trimmed = digits.drop(while: { $0 == "0" })
        guard trimmed.count <= 19, let value = trimmed.isEmpty ? 0 : UInt64(trimmed), value <= BitcoinAmount.maxMoney else {
            return nil
        }
        return value
    }
}
