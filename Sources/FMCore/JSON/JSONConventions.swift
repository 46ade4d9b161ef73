import Foundation

/// fm's one JSON style: keys in snake_case as written in the types' CodingKeys,
/// sorted keys (stable output for diffs and tests), no escaped slashes.
/// Binary values are lower-case hex strings; amounts are integer millisatoshis.
public enum JSONConventions {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// One line of JSON (no trailing newline).
    public static func line(_ value: some Encodable) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }

    /// Decodes `type`, turning Foundation's errors into one line that names the field. Text fm wrote is read
    /// straight into a tree and decoded from it (``JSONValueParser``, ``JSONValueDecoder``: JSONDecoder's result,
    /// without its per-type casts); anything else, and every error, goes through JSONDecoder. Two keys naming one
    /// field are refused (``strictDecode(_:from:)``).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, what: String) throws(InvalidInput) -> T {
        do {
            return try strictDecode(type, from: data)
        } catch let error as DecodingError {
            let path = error.jsonPath
            throw InvalidInput(
                field: path.isEmpty ? what : path.joined(separator: "."), expected: error.expectation, code: "invalid_json")
        } catch {
            throw InvalidInput(field: what, expected: "valid JSON", code: "invalid_json")
        }
    }
}

extension DecodingError {
    /// Where decoding failed, as fm's JSON spells the path: snake_case keys and array indices (empty: the top).
    public var jsonPath: [String] {
        let path: [any CodingKey]
        switch self {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        @unknown default: return []
        }
        return path.map { $0.intValue.map(String.init) ?? $0.stringValue.snakeCased }
    }

    /// What the decoder expected at ``jsonPath``, for a one-line error.
    public var expectation: String {
        switch self {
        case .keyNotFound: "a value (the key is missing)"
        case .typeMismatch(let type, _): "a value of type \(type)"
        case .valueNotFound(let type, _): "a \(type), not null"
        case .dataCorrupted(let context): context.debugDescription.isEmpty ? "valid JSON" : context.debugDescription
        @unknown default: "valid JSON"
        }
    }
}

extension String {
    /// `apiUrl` → `api_url`: field names as they appear in fm's JSON, for error messages.
    fileprivate var snakeCased: String {
        var out = ""
        for character in self {
            if character.isUppercase {
                if !out.isEmpty { out.append("_") }
                out.append(contentsOf: character.lowercased())
            } else {
                out.append(character)
            }
        }
        return out
    }
}
