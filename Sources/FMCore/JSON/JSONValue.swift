/// Any JSON value, for parts of a document whose type only a module knows
/// (module configs inside federation configs, module API payloads).
public enum JSONValue: Hashable, Sendable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsigned(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Each kind is tried in turn, and every miss throws (a DecodingError with its coding path): the most common
    /// kinds in fm's documents (strings, then objects: hex keys in module configs) go first. In this order a
    /// federation's client config decodes about 3× faster than numbers-first (`fm-mint` start, docs/benchmarks).
    /// A JSON value decodes as only one of these types, so the order does not change the result.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let s = try? container.decode(String.self) { self = .string(s) }
        else if let o = try? container.decode([String: JSONValue].self) { self = .object(o) }
        else if let a = try? container.decode([JSONValue].self) { self = .array(a) }
        else if let b = try? container.decode(Bool.self) { self = .bool(b) }
        else if let i = try? container.decode(Int64.self) { self = .integer(i) }
        else if let u = try? container.decode(UInt64.self) { self = .unsigned(u) }
        else { self = JSONValue(number: try container.decode(Double.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .integer(let i): try container.encode(i)
        case .unsigned(let u): try container.encode(u)
        case .double(let d): try container.encode(d)
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }

    /// A number written with a fraction or an exponent (`1.0`, `2e3`) that is a whole number in range is the same
    /// value as the integer, and the encoder writes it as one: one case per value keeps decode(encode(x)) == x
    /// (a fuzz finding: `6922337203685775802.3` read back as `.integer`).
    init(number: Double) {
        if let i = Int64(exactly: number) { self = .integer(i) }
        else if let u = UInt64(exactly: number) { self = .unsigned(u) }
        else { self = .double(number) }
    }

    /// Converts a Codable value to JSON (with fm's conventions) and back.
    public init(_ value: some Encodable) throws {
        let data = try JSONConventions.encoder().encode(value)
        self = try JSONConventions.decoder().decode(JSONValue.self, from: data)
    }

    /// What JSONConventions' decoder gives for this value's JSON text. Read straight from the tree where that is
    /// exactly reproducible (``JSONValueDecoder``); otherwise, and for every error, through the text. Two keys naming
    /// one field are refused (``refuseCollidingKeys()``): the text's key order is not the document's.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try refuseCollidingKeys()
        if let value = JSONValueDecoder.decode(type, from: self) { return value }
        return try JSONConventions.decoder().decode(type, from: JSONConventions.encoder().encode(self))
    }
}
