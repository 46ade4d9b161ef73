import FMCore
import Foundation

/// A request's parameters, given by position (in the method's documented order) or by name, as lightningd accepts them.
struct RPCParams {
    let values: [String: JSONValue]

    init(_ raw: JSONValue?, names: [String]) throws(RPCError) {
        switch raw {
        case nil, .null?: values = [:]
        case .array(let list)?:
            guard list.count <= names.count else { throw RPCError(RPCError.invalidParams, "too many parameters: got \(list.count), expected at most \(names.count)") }
            values = Dictionary(uniqueKeysWithValues: zip(names, list).filter { $0.1 != .null })
        case .object(let object)?:
            if let unknown = object.keys.sorted().first(where: { !names.contains($0) }) {
                throw RPCError(RPCError.invalidParams, "unknown parameter: '\(unknown)', expecting: \(names.joined(separator: ", "))")
            }
            values = object.filter { $0.value != .null }
        default: throw RPCError(RPCError.invalidParams, "params: should be an array or an object")
        }
    }

    func has(_ name: String) -> Bool { values[name] != nil }

    func string(_ name: String) throws(RPCError) -> String? {
        switch values[name] {
        case nil: return nil
        case .string(let text)?: return text
        case .integer(let number)?: return String(number)
        case .unsigned(let number)?: return String(number)
        default: throw RPCError.invalid(name, "a string")
        }
    }

    func required(_ name: String) throws(RPCError) -> String {
        guard let value = try string(name) else { throw RPCError(RPCError.invalidParams, "missing required parameter: \(name)") }
        return value
    }

    func unsigned(_ name: String) throws(RPCError) -> UInt64? {
        switch values[name] {
        case nil: return nil
        case .integer(let number)? where number >= 0: return UInt64(number)
        case .unsigned(let number)?: return number
        case .string(let text)?: if let number = UInt64(text) { return number }
        default: break
        }
        throw RPCError.invalid(name, "an unsigned integer")
    }

    func double(_ name: String) throws(RPCError) -> Double? {
        switch values[name] {
        case nil: return nil
        case .integer(let number)?: return Double(number)
        case .unsigned(let number)?: return Double(number)
        case .double(let number)? where number.isFinite && number >= 0: return number
        case .string(let text)?: if let number = Double(text), number.isFinite, number >= 0 { return number }
        default: break
        }
        throw RPCError.invalid(name, "a non-negative number")
    }

    func bool(_ name: String) throws(RPCError) -> Bool? {
        switch values[name] {
        case nil: return nil
        case .bool(let flag)?: return flag
        default: throw RPCError.invalid(name, "a boolean")
        }
    }

    /// 32 bytes of hex (payment hashes, preimages).
    func hash(_ name: String) throws(RPCError) -> [UInt8]? {
        guard let text = try string(name) else { return nil }
        guard let bytes = Hex.decode(text), bytes.count == 32 else { throw RPCError.invalid(name, "a 32 byte hex value") }
        return bytes
    }

    /// An amount as lightningd reads `msat` parameters: a number of millisatoshis, or a string with the unit
    /// `msat`, `sat` or `btc` (up to 11 decimals). `nil` for an absent parameter or "any" (when `allowAny`).
    func msat(_ name: String, allowAny: Bool = false) throws(RPCError) -> UInt64? {
        switch values[name] {
        case nil: return nil
        case .integer(let number)? where number >= 0: return UInt64(number)
        case .unsigned(let number)?: return number
        case .string(let text)?:
            if allowAny && text == "any" { return nil }
            if let amount = Self.parseAmount(text, defaultUnitMsat: 1) { return amount }
        default: break
        }
        throw RPCError.invalid(name, allowAny ? "a millisatoshi amount or \"any\"" : "a millisatoshi amount")
    }

    /// A satoshi amount (fundchannel's `amount`): a number of satoshis or a string with a unit.
    func sat(_ name: String) throws(RPCError) -> UInt64? {
        switch values[name] {
        case nil: return nil
        case .integer(let number)? where number >= 0: return UInt64(number)
        case .unsigned(let number)?: return number
        case .string(let text)?:
            if let number = UInt64(text) { return number }
            if let msat = Self.parseAmount(text, defaultUnitMsat: 1000), msat % 1000 == 0 { return msat / 1000 }
        default: break
        }
        throw RPCError.invalid(name, "a satoshi amount")
    }

    /// `123`, `123msat`, `5sat`, `0.001btc`; numbers without a unit count in `defaultUnitMsat`. Checked: `nil` on overflow.
    static func parseAmount(_ text: String, defaultUnitMsat: UInt64) -> UInt64? {
        var number = text
        var unit = defaultUnitMsat
        var decimals = 0
        if number.hasSuffix("msat") { number.removeLast(4); unit = 1 }
        else if number.hasSuffix("sat") { number.removeLast(3); unit = 1000 }
        else if number.hasSuffix("btc") { number.removeLast(3); unit = 100_000_000_000; decimals = 11 }
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard !number.isEmpty, parts.count <= 2, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            !parts[0].isEmpty
        else { return nil }
        guard let whole = UInt64(parts[0]) else { return nil }
        var total = whole.multipliedReportingOverflow(by: unit)
        guard !total.overflow else { return nil }
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= decimals, let digits = UInt64(fraction) else { return nil }
            var scale: UInt64 = 1
            for _ in 0..<(decimals - fraction.count) { scale *= 10 }
            let (sum, overflow) = total.partialValue.addingReportingOverflow(digits * scale)
            guard !overflow else { return nil }
            total = (sum, false)
        }
        return total.partialValue
    }
}
