import FMCore
import Foundation

/// Decodes a request's params into a handler's type, turning decoding failures into
/// -32602 "invalid params" errors that name the field as it is spelled on the wire.
enum RPCParamsDecoding {
    private struct Envelope<Params: Decodable>: Decodable {
        let params: Params
    }

    static func decode<Params: Decodable>(_ type: Params.Type, from request: JSONRPCRequest) throws(JSONRPCError)
        -> Params
    {
        do {
            switch request.params {
            case .absent:
                // Absent params read as an empty object, so a missing field is named as missing.
                return try JSONConventions.decoder().decode(Params.self, from: Data("{}".utf8))
            case .object, .array:
                return try JSONConventions.decoder().decode(Envelope<Params>.self, from: request.message).params
            }
        } catch let error as DecodingError {
            let (path, expected) = describe(error, paramsWrapped: request.params != .absent)
            throw .invalidParams(field: path.isEmpty ? "params" : "params." + path, expected: expected)
        } catch {
            throw .invalidParams(field: "params", expected: "valid params (\(error))")
        }
    }

    /// The failing path below `params`, in snake_case, and what was expected there.
    private static func describe(_ error: DecodingError, paramsWrapped: Bool) -> (String, String) {
        let keys: [any CodingKey]
        let expected: String
        switch error {
        case .keyNotFound(let key, let context):
            keys = context.codingPath + [key]
            expected = "a value (the key is missing)"
        case .typeMismatch(let type, let context):
            keys = context.codingPath
            expected = "a value of type \(type)"
        case .valueNotFound(let type, let context):
            keys = context.codingPath
            expected = "a \(type), not null"
        case .dataCorrupted(let context):
            keys = context.codingPath
            expected = context.debugDescription.isEmpty ? "a valid value" : context.debugDescription
        @unknown default:
            keys = []
            expected = "a valid value"
        }
        let path = keys.dropFirst(paramsWrapped ? 1 : 0).map { key in
            key.intValue.map(String.init) ?? snakeCase(key.stringValue)
        }
        return (path.joined(separator: "."), expected)
    }

    /// The wire spelling of a Swift property name (the inverse of `convertFromSnakeCase`).
    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                if !result.isEmpty { result.append("_") }
                result.append(contentsOf: character.lowercased())
            } else {
                result.append(character)
            }
        }
        return result
    }
}
