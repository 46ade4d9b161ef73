/// The `id` member of a JSON-RPC 2.0 request or response: a number, a string, or null.
///
/// Numbers must be integers (the spec says ids SHOULD NOT have fractional parts; fm rejects them).
/// A response carries the id of its request; errors found before the id could be read carry `null`.
public enum JSONRPCID: Hashable, Sendable, Codable, CustomStringConvertible {
    case number(Int64)
    case string(String)
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let number = try? container.decode(Int64.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else {
            throw DecodingError.typeMismatch(
                JSONRPCID.self,
                .init(codingPath: decoder.codingPath, debugDescription: "an id must be an integer, a string or null"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let number): try container.encode(number)
        case .string(let string): try container.encode(string)
        case .null: try container.encodeNil()
        }
    }

    public var description: String {
        switch self {
        case .number(let number): String(number)
        case .string(let string): "\"\(string)\""
        case .null: "null"
        }
    }
}
