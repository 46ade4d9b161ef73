/// The params type of a method that takes none: accepts an absent `params`, `{}` or `[]`,
/// and rejects anything else with "invalid params" so a caller learns it sent something unused.
/// Encodes as `{}`.
public struct NoParams: Codable, Sendable, Equatable {
    public init() {}

    public init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: AnyCodingKey.self) {
            if let key = object.allKeys.first {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: object, debugDescription: "nothing (this method takes no params)")
            }
        } else if let array = try? decoder.unkeyedContainer() {
            if !array.isAtEnd {
                throw DecodingError.dataCorruptedError(
                    in: array, debugDescription: "nothing (this method takes no params)")
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        _ = encoder.container(keyedBy: AnyCodingKey.self)
    }
}

struct AnyCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(stringValue: String) { (self.stringValue, self.intValue) = (stringValue, nil) }
    init(intValue: Int) { (self.stringValue, self.intValue) = (String(intValue), intValue) }
}
