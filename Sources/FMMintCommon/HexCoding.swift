import FMCore
import FMCrypto

// JSON forms of FMCrypto values inside mint configs: lower-case hex of their canonical bytes.

extension KeyedDecodingContainer {
    func decodeHexArray<T: CanonicalBytesRepresentable>(_: T.Type, forKey key: Key) throws -> [T] {
        try decode([String].self, forKey: key).map { text in
            guard let raw = Hex.decode(text), let value = try? T(canonicalBytes: raw) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "hex of \(T.self) values")
            }
            return value
        }
    }
}

extension KeyedEncodingContainer {
    mutating func encodeHexArray(_ values: [some CanonicalBytesRepresentable], forKey key: Key) throws {
        try encode(values.map { Hex.encode($0.canonicalBytes) }, forKey: key)
    }
}
