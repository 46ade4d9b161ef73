import Foundation

/// Decodes a `Decodable` straight from a ``JSONValue`` tree, giving what `JSONConventions.decoder()` gives for the
/// tree's JSON text, without writing that text and parsing it again and without JSONDecoder's per-type conformance
/// casts (`fm-mint` start: docs/benchmarks/cli-start.md, session 11).
///
/// It covers the shapes fm's documents use and reproduces JSONDecoder's rules for them: object keys converted from
/// snake case (`a_b` → `aB`) for a type's coding keys, a dictionary's keys raw, integers exact and in range, no
/// coercion between kinds. Whatever it does not reproduce exactly (a Date, Data, URL or Decimal; a `.double`; a
/// Float; a key whose conversion is not plain lowercase ASCII words; a dictionary key the conversion would change;
/// `superDecoder`) marks the attempt unsupported, and then, as on any error, ``decode(_:from:)`` returns nil and the
/// caller decodes with JSONDecoder: results and errors stay JSONDecoder's.
package enum JSONValueDecoder {
    /// The decoded value, or nil when the tree must go through JSONDecoder (unsupported, or any error).
    package static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) -> T? {
        let state = State()
        guard let result = try? Single(value: value, codingPath: [], state: state).decodeValue(type), !state.unsupported
        else { return nil }
        return result
    }

    /// Shared by every container of one decode: set when anything unsupported was met, even if the type caught the
    /// error (`try?`) and went on; the result is then not trusted.
    final class State {
        var unsupported = false
        /// Set only for ``dictionaryKeyType``'s probe: the first keyed container records its key type and throws.
        var probing = false
        var lastKeyType: ObjectIdentifier?
    }

    struct Unsupported: Error {}

    /// The coding key type `Dictionary` decodes its String and Int keys with (a standard library internal type),
    /// found once by watching a dictionary decode: its keys stay raw under JSONDecoder's snake-case conversion.
    static let dictionaryKeyType: ObjectIdentifier? = {
        let state = State()
        state.probing = true
        _ = try? [String: Bool](from: Single(value: .object([:]), codingPath: [], state: state))
        return state.lastKeyType
    }()

    /// JSONDecoder's `.convertFromSnakeCase` for keys it can reproduce exactly: unchanged without an inner `_`;
    /// otherwise lowercase ASCII words joined in camel case (`max_timelock_delta` → `maxTimelockDelta`, the first
    /// word may hold digits). Anything else (leading or trailing `_`, capitals, digits after the first word,
    /// non-ASCII) is nil.
    package static func camelCase(_ key: String) -> String? {
        let utf8 = Array(key.utf8)
        guard utf8.contains(UInt8(ascii: "_")) else { return key }
        guard utf8.first != UInt8(ascii: "_"), utf8.last != UInt8(ascii: "_") else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var word = 0
        var startOfWord = true
        for byte in utf8 {
            if byte == UInt8(ascii: "_") {
                if !startOfWord { word += 1 }  // runs of `_` split once (empty words are dropped)
                startOfWord = true
                continue
            }
            let lower = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            if word == 0 {
                guard lower || digit else { return nil }
                out.append(byte)
            } else {
                guard lower else { return nil }
                out.append(startOfWord ? byte - 32 : byte)
            }
            startOfWord = false
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `type` from `value`, the step every container shares.
    static func unwrap<T: Decodable>(_ type: T.Type, from value: JSONValue, codingPath: [any CodingKey], state: State) throws -> T {
        // JSONDecoder decodes these with its own strategies (dates iso8601, data base64, URL from a string, Decimal
        // from the number's text): not reproduced here.
        if T.self == Date.self || T.self == Data.self || T.self == URL.self || T.self == Decimal.self {
            state.unsupported = true
            throw Unsupported()
        }
        if T.self == JSONValue.self {
            return try normalized(value, state: state, depth: 0) as! T
        }
        return try T(from: Single(value: value, codingPath: codingPath, state: state))
    }

    /// What JSONDecoder reads back from this value's JSON text: an unsigned number that fits Int64 is an
    /// `.integer` (``JSONValue`` tries Int64 first); doubles are not reproduced.
    static func normalized(_ value: JSONValue, state: State, depth: Int) throws -> JSONValue {
        guard depth < 256 else { state.unsupported = true; throw Unsupported() }  // JSONDecoder has a depth limit
        switch value {
        case .null, .bool, .integer, .string: return value
        case .unsigned(let u): return Int64(exactly: u).map(JSONValue.integer) ?? value
        case .double: state.unsupported = true; throw Unsupported()
        case .array(let items): return .array(try items.map { try normalized($0, state: state, depth: depth + 1) })
        case .object(let fields): return .object(try fields.mapValues { try normalized($0, state: state, depth: depth + 1) })
        }
    }

    static func mismatch(_ type: Any.Type, _ value: JSONValue, _ codingPath: [any CodingKey]) -> DecodingError {
        .typeMismatch(type, DecodingError.Context(codingPath: codingPath, debugDescription: "found \(value)"))
    }

    /// A `.double` is not reproduced: JSONDecoder reads a whole one's text (`2`, `-0`) as an integer, so a miss here
    /// could be caught (`try?`) where JSONDecoder succeeds.
    static func integer<I: FixedWidthInteger>(
        _ type: I.Type, _ value: JSONValue, _ codingPath: [any CodingKey], state: State
    ) throws -> I {
        switch value {
        case .integer(let i): if let v = I(exactly: i) { return v }
        case .unsigned(let u): if let v = I(exactly: u) { return v }
        case .double: state.unsupported = true; throw Unsupported()
        default: break
        }
        throw mismatch(type, value, codingPath)
    }

    static func double(_ value: JSONValue, _ codingPath: [any CodingKey], state: State) throws -> Double {
        let limit: Int64 = 1 << 53  // integers every parse and conversion agree on
        if case .integer(let i) = value, i.magnitude <= limit { return Double(i) }
        if case .unsigned(let u) = value, u <= UInt64(limit) { return Double(u) }
        if case .integer = value { state.unsupported = true; throw Unsupported() }
        if case .unsigned = value { state.unsupported = true; throw Unsupported() }
        if case .double = value { state.unsupported = true; throw Unsupported() }
        throw mismatch(Double.self, value, codingPath)
    }

    // MARK: The decoder and its single value container

    struct Single: Decoder, SingleValueDecodingContainer {
        let value: JSONValue
        let codingPath: [any CodingKey]
        let state: State
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONValueDecoder.unwrap(type, from: value, codingPath: codingPath, state: state)
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            if state.probing {
                state.lastKeyType = ObjectIdentifier(Key.self)
                throw Unsupported()
            }
            guard case .object(let fields) = value else { throw mismatch([String: Any].self, value, codingPath) }
            return KeyedDecodingContainer(try Keyed<Key>(fields: fields, codingPath: codingPath, state: state))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case .array(let items) = value else { throw mismatch([Any].self, value, codingPath) }
            return Unkeyed(items: items, codingPath: codingPath, state: state)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        func decodeNil() -> Bool { value == .null }
        func decode(_ type: Bool.Type) throws -> Bool {
            guard case .bool(let b) = value else { throw mismatch(type, value, codingPath) }
            return b
        }
        func decode(_ type: String.Type) throws -> String {
            guard case .string(let s) = value else { throw mismatch(type, value, codingPath) }
            return s
        }
        func decode(_ type: Double.Type) throws -> Double { try double(value, codingPath, state: state) }
        func decode(_ type: Float.Type) throws -> Float { state.unsupported = true; throw Unsupported() }
        func decode(_ type: Int.Type) throws -> Int { try integer(type, value, codingPath, state: state) }
        func decode(_ type: Int8.Type) throws -> Int8 { try integer(type, value, codingPath, state: state) }
        func decode(_ type: Int16.Type) throws -> Int16 { try integer(type, value, codingPath, state: state) }
        func decode(_ type: Int32.Type) throws -> Int32 { try integer(type, value, codingPath, state: state) }
        func decode(_ type: Int64.Type) throws -> Int64 { try integer(type, value, codingPath, state: state) }
        func decode(_ type: UInt.Type) throws -> UInt { try integer(type, value, codingPath, state: state) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type, value, codingPath, state: state) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type, value, codingPath, state: state) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type, value, codingPath, state: state) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type, value, codingPath, state: state) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type) }
    }

    // MARK: Keyed

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        /// Values by the key a coding key is matched against: converted from snake case, or raw for a dictionary.
        let fields: [String: JSONValue]
        let codingPath: [any CodingKey]
        let state: State

        init(fields raw: [String: JSONValue], codingPath: [any CodingKey], state: State) throws {
            self.codingPath = codingPath
            self.state = state
            if ObjectIdentifier(Key.self) == JSONValueDecoder.dictionaryKeyType {
                // Raw keys, as JSONDecoder gives a String-keyed dictionary; other dictionaries get converted keys,
                // which are the same unless the conversion changes one.
                for key in raw.keys where camelCase(key) != key { state.unsupported = true; throw Unsupported() }
                fields = raw
                return
            }
            var converted: [String: JSONValue] = [:]
            converted.reserveCapacity(raw.count)
            for (key, value) in raw {
                guard let camel = camelCase(key), converted.updateValue(value, forKey: camel) == nil else {
                    state.unsupported = true
                    throw Unsupported()
                }
            }
            fields = converted
        }

        var allKeys: [Key] { fields.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { fields[key.stringValue] != nil }

        func value(_ key: Key) throws -> JSONValue {
            guard let value = fields[key.stringValue] else {
                throw DecodingError.keyNotFound(
                    key, DecodingError.Context(codingPath: codingPath, debugDescription: "no value for \(key.stringValue)"))
            }
            return value
        }

        func single(_ key: Key) throws -> Single { Single(value: try value(key), codingPath: codingPath + [key], state: state) }

        func decodeNil(forKey key: Key) throws -> Bool { try value(key) == .null }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try single(key).decode(type) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try single(key).decode(type) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try single(key).decode(type) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try single(key).decode(type) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try single(key).decode(type) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try single(key).decode(type) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try single(key).decode(type) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try single(key).decode(type) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try single(key).decode(type) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try single(key).decode(type) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try single(key).decode(type) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try single(key).decode(type) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try single(key).decode(type) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try single(key).decode(type) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try single(key).decodeValue(type) }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) throws -> KeyedDecodingContainer<NestedKey> {
            try single(key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try single(key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { state.unsupported = true; throw Unsupported() }
        func superDecoder(forKey key: Key) throws -> any Decoder { state.unsupported = true; throw Unsupported() }
    }

    // MARK: Unkeyed

    struct Unkeyed: UnkeyedDecodingContainer {
        let items: [JSONValue]
        let codingPath: [any CodingKey]
        let state: State
        private(set) var currentIndex = 0

        init(items: [JSONValue], codingPath: [any CodingKey], state: State) {
            self.items = items
            self.codingPath = codingPath
            self.state = state
        }

        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        private mutating func next() throws -> Single {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(
                    Any.self, DecodingError.Context(codingPath: codingPath, debugDescription: "unkeyed container is at end"))
            }
            defer { currentIndex += 1 }
            return Single(value: items[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)], state: state)
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { _ = try next(); return false }
            if items[currentIndex] == .null { currentIndex += 1; return true }
            return false
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try next().decode(type) }
        mutating func decode(_ type: String.Type) throws -> String { try next().decode(type) }
        mutating func decode(_ type: Double.Type) throws -> Double { try next().decode(type) }
        mutating func decode(_ type: Float.Type) throws -> Float { try next().decode(type) }
        mutating func decode(_ type: Int.Type) throws -> Int { try next().decode(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try next().decode(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try next().decode(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try next().decode(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().decode(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try next().decode(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next().decode(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next().decode(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next().decode(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().decode(type) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

        mutating func superDecoder() throws -> any Decoder { state.unsupported = true; throw Unsupported() }
    }

    struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }
}
