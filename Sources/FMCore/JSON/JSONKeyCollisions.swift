import Foundation

/// Objects with two keys that name one field once converted from snake case (`{"api_url": 1, "apiUrl": 2}`, or
/// `"API_URL"` beside `"api_url"`) are refused wherever fm reads JSON. JSONDecoder takes the first of them in the text,
/// while a ``JSONValue`` tree has no order (its fallback re-encodes the tree with sorted keys and takes the first in
/// key order), so one document could otherwise decode two ways depending on the path it took (review 13). No document
/// fm writes has such keys.
extension JSONValue {
    /// The first object, depth first, holding two keys that convert to the same name: its path and the two keys.
    package func collidingKeys() -> (path: [String], keys: (String, String))? {
        var path: [String] = []
        return Self.collidingKeys(in: self, path: &path)
    }

    private static func collidingKeys(in value: JSONValue, path: inout [String]) -> (path: [String], keys: (String, String))? {
        switch value {
        case .object(let fields):
            // A key without `_` converts to itself, so only objects with one can collide.
            if fields.count > 1, fields.keys.contains(where: { $0.utf8.contains(UInt8(ascii: "_")) }) {
                var seen: [String: String] = [:]
                seen.reserveCapacity(fields.count)
                for key in fields.keys.sorted() {
                    if let other = seen.updateValue(key, forKey: JSONConventions.convertedFromSnakeCase(key)) {
                        return (path, (other, key))
                    }
                }
            }
            for key in fields.keys.sorted() {
                path.append(key)
                if let found = collidingKeys(in: fields[key]!, path: &path) { return found }
                path.removeLast()
            }
            return nil
        case .array(let items):
            for (index, item) in items.enumerated() {
                path.append(String(index))
                if let found = collidingKeys(in: item, path: &path) { return found }
                path.removeLast()
            }
            return nil
        case .null, .bool, .integer, .unsigned, .double, .string:
            return nil
        }
    }

    /// Throws `DecodingError.dataCorrupted` at the object holding two keys that name one field.
    package func refuseCollidingKeys() throws {
        guard let (path, (first, second)) = collidingKeys() else { return }
        throw DecodingError.dataCorrupted(
            DecodingError.Context(
                codingPath: path.map(JSONPathKey.init),
                debugDescription: "one value per field (\"\(first)\" and \"\(second)\" name the same field)"))
    }
}

/// A step of a path inside a JSON document, as DecodingError's coding path holds it.
struct JSONPathKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(_ step: String) {
        stringValue = step
        intValue = nil
    }

    init?(stringValue: String) { self.init(stringValue) }

    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension JSONConventions {
    /// JSONDecoder's `.convertFromSnakeCase` for one key: leading and trailing `_` kept; inside them, a key without
    /// `_` unchanged, otherwise the words between `_`s joined, the first lowercased and the others capitalized.
    package static func convertedFromSnakeCase(_ key: String) -> String {
        guard let first = key.firstIndex(where: { $0 != "_" }) else { return key }
        var last = key.index(before: key.endIndex)
        while last > first && key[last] == "_" { key.formIndex(before: &last) }
        let words = key[first...last].split(separator: "_")
        guard words.count > 1 else { return key }
        let joined = ([words[0].lowercased()] + words.dropFirst().map { $0.capitalized }).joined()
        return String(key[..<first]) + joined + String(key[key.index(after: last)...])
    }

    /// Decodes `type` as ``decoder()`` does, refusing (`DecodingError.dataCorrupted`) a document with two keys that
    /// name one field. Text fm writes is read through the tree (``JSONValueParser``, ``JSONValueDecoder``); other text
    /// is checked through JSONDecoder's own tree first.
    package static func strictDecode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if let tree = JSONValueParser.parse(data) {
            try tree.refuseCollidingKeys()
            if let value = JSONValueDecoder.decode(type, from: tree) { return value }
        } else if let tree = try? decoder().decode(JSONValue.self, from: data) {
            try tree.refuseCollidingKeys()
        }
        return try decoder().decode(type, from: data)
    }
}
