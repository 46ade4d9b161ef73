import Foundation

/// Reads JSON text into a ``JSONValue`` tree: the value `JSONDecoder` decodes as `JSONValue` from the same text, for
/// the text fm writes (`JSONConventions`: objects, arrays, strings, integers, `true`, `false`, `null`). Anything it does
/// not reproduce exactly (a fraction or an exponent, an integer beyond UInt64, `-0`, a `\u` escape, a repeated key,
/// invalid UTF-8, nesting deeper than JSONDecoder allows, any syntax error) gives nil, and the caller decodes the text
/// with JSONDecoder: results and errors stay JSONDecoder's (docs/benchmarks/cli-start.md, session 11).
package enum JSONValueParser {
    package static func parse(_ data: Data) -> JSONValue? {
        data.withUnsafeBytes { bytes in
            var parser = Parser(bytes: bytes)
            guard let value = parser.value(depth: 0) else { return nil }
            parser.skipWhitespace()
            return parser.index == bytes.count ? value : nil
        }
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func literal(_ text: StaticString, _ value: JSONValue) -> JSONValue? {
            let count = text.utf8CodeUnitCount
            guard bytes.count - index >= count else { return nil }
            for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return nil }
            index += count
            return value
        }

        mutating func value(depth: Int) -> JSONValue? {
            guard depth < 256 else { return nil }  // well inside JSONDecoder's limit
            skipWhitespace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""): return string().map(JSONValue.string)
            case UInt8(ascii: "{"): return object(depth: depth)
            case UInt8(ascii: "["): return array(depth: depth)
            case UInt8(ascii: "t"): return literal("true", .bool(true))
            case UInt8(ascii: "f"): return literal("false", .bool(false))
            case UInt8(ascii: "n"): return literal("null", .null)
            default: return integer()
            }
        }

        /// `-?(0|[1-9][0-9]*)` not followed by a fraction or an exponent, as Int64, else (non-negative) UInt64.
        mutating func integer() -> JSONValue? {
            let negative = bytes[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            let start = index
            var magnitude: UInt64 = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                magnitude = sum
                index += 1
            }
            let digits = index - start
            guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
            if index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
                default: break
                }
            }
            if negative {
                guard magnitude != 0, magnitude <= UInt64(Int64.max) + 1 else { return nil }
                return .integer(magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude))
            }
            return magnitude <= UInt64(Int64.max) ? .integer(Int64(magnitude)) : .unsigned(magnitude)
        }

        /// A string without `\u` escapes; the other escapes are JSON's.
        mutating func string() -> String? {
            index += 1  // the opening quote
            var start = index
            // The text so far once an escape was met (never empty then). Appended in place: a copy per escape made
            // a 1 MiB body of escapes cost seconds (review 13).
            var escaped: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    let text: String?
                    if !escaped.isEmpty {
                        escaped.append(contentsOf: bytes[start..<index])
                        text = String(validating: escaped, as: UTF8.self)
                    } else {
                        text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    }
                    index += 1
                    return text
                case UInt8(ascii: "\\"):
                    guard index + 1 < bytes.count else { return nil }
                    let replacement: UInt8
                    switch bytes[index + 1] {
                    case UInt8(ascii: "\""): replacement = UInt8(ascii: "\"")
                    case UInt8(ascii: "\\"): replacement = UInt8(ascii: "\\")
                    case UInt8(ascii: "/"): replacement = UInt8(ascii: "/")
                    case UInt8(ascii: "b"): replacement = 0x08
                    case UInt8(ascii: "f"): replacement = 0x0C
                    case UInt8(ascii: "n"): replacement = 0x0A
                    case UInt8(ascii: "r"): replacement = 0x0D
                    case UInt8(ascii: "t"): replacement = 0x09
                    default: return nil
                    }
                    escaped.append(contentsOf: bytes[start..<index])
                    escaped.append(replacement)
                    index += 2
                    start = index
                case 0..<0x20: return nil  // control characters must be escaped
                default: index += 1
                }
            }
            return nil
        }

        mutating func array(depth: Int) -> JSONValue? {
            index += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                guard let item = value(depth: depth + 1) else { return nil }
                items.append(item)
                skipWhitespace()
                guard index < bytes.count else { return nil }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return .array(items)
                default: return nil
                }
            }
        }

        mutating func object(depth: Int) -> JSONValue? {
            index += 1
            var fields: [String: JSONValue] = [:]
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(fields)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                guard let item = value(depth: depth + 1), fields.updateValue(item, forKey: key) == nil else { return nil }
                skipWhitespace()
                guard index < bytes.count else { return nil }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return .object(fields)
                default: return nil
                }
            }
        }
    }
}
