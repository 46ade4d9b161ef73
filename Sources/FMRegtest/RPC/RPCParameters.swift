import FMBitcoin
import FMBitcoinRPC

/// Positional parameters of one call, with Bitcoin Core's error codes for missing or mistyped ones.
struct RPCParameters {
    let method: String
    let values: [BitcoinJSON]

    /// Refuses more than `maximum` parameters, as Core's `RPCHelpMan` does.
    func expect(atMost maximum: Int, usage: String) throws(BitcoinRPCError) {
        guard values.count <= maximum else { throw .rpc(code: .miscError, message: "\(method) \(usage)") }
    }

    /// The parameter at `index`, `nil` when absent or JSON null.
    func optional(_ index: Int) -> BitcoinJSON? {
        index < values.count && !values[index].isNull ? values[index] : nil
    }

    func required(_ index: Int, _ name: String) throws(BitcoinRPCError) -> BitcoinJSON {
        guard let value = optional(index) else { throw .rpc(code: .miscError, message: "Missing required parameter \"\(name)\" of \(method)") }
        return value
    }

    func int(_ index: Int, _ name: String) throws(BitcoinRPCError) -> Int {
        try Self.int(try required(index, name), name)
    }

    func optionalInt(_ index: Int, _ name: String) throws(BitcoinRPCError) -> Int? {
        try optional(index).map { value throws(BitcoinRPCError) in try Self.int(value, name) }
    }

    func string(_ index: Int, _ name: String) throws(BitcoinRPCError) -> String {
        let value = try required(index, name)
        guard let text = value.stringValue else { throw Self.typeError(name, value, expected: "string") }
        return text
    }

    func optionalString(_ index: Int, _ name: String) throws(BitcoinRPCError) -> String? {
        guard let value = optional(index) else { return nil }
        guard let text = value.stringValue else { throw Self.typeError(name, value, expected: "string") }
        return text
    }

    /// A boolean; like Core's verbosity parameters, 0/1 are accepted too.
    func optionalBool(_ index: Int, _ name: String) throws(BitcoinRPCError) -> Bool? {
        guard let value = optional(index) else { return nil }
        if let flag = value.boolValue { return flag }
        if let number = value.intValue { return number != 0 }
        throw Self.typeError(name, value, expected: "bool")
    }

    func hash(_ index: Int, _ name: String) throws(BitcoinRPCError) -> FMBitcoin.Hash256 {
        try Self.hash(try string(index, name), name)
    }

    func optionalHash(_ index: Int, _ name: String) throws(BitcoinRPCError) -> FMBitcoin.Hash256? {
        try optionalString(index, name).map { text throws(BitcoinRPCError) in try Self.hash(text, name) }
    }

    /// A BTC amount (number or numeric string) in satoshis.
    func amount(_ index: Int, _ name: String) throws(BitcoinRPCError) -> UInt64 {
        let value = try required(index, name)
        let literal: BitcoinJSON = value.stringValue.map { .number($0) } ?? value
        guard case .number = literal else { throw Self.typeError(name, value, expected: "number") }
        guard let sats = literal.satoshis else { throw .rpc(code: .typeError, message: "Invalid amount") }
        return sats
    }

    static func int(_ value: BitcoinJSON, _ name: String) throws(BitcoinRPCError) -> Int {
        guard let number = value.intValue else { throw typeError(name, value, expected: "number") }
        return number
    }

    static func hash(_ text: String, _ name: String) throws(BitcoinRPCError) -> FMBitcoin.Hash256 {
        guard text.count == 64, let hash = try? FMBitcoin.Hash256(displayHex: text) else {
            throw .rpc(code: .invalidParameter, message: "\(name) must be of length 64 (not \(text.count), for '\(text)')")
        }
        return hash
    }

    static func typeError(_ name: String, _ value: BitcoinJSON, expected: String) -> BitcoinRPCError {
        let actual: String
        switch value {
        case .null: actual = "null"
        case .bool: actual = "bool"
        case .number: actual = "number"
        case .string: actual = "string"
        case .array: actual = "array"
        case .object: actual = "object"
        }
        return .rpc(code: .typeError, message: "JSON value of type \(actual) for \(name) is not of expected type \(expected)")
    }
}
