import FMCore

/// The name of one client operation (a spend, a reissue, a dev issuance…): 32 random bytes, shown as
/// hex. Users pass it to `fm-mint await`.
public struct OperationID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let hash: Hash256

    public init(_ hash: Hash256) { self.hash = hash }

    public init(parsing text: String) throws(InvalidInput) {
        guard let hash = Hash256(hex: text) else {
            throw InvalidInput(field: "operation_id", expected: "64 hex characters", code: "bad_operation_id")
        }
        self.hash = hash
    }

    public static func random() -> OperationID {
        var rng = SystemRandomNumberGenerator()
        return OperationID(Hash256(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })!)
    }

    public var description: String { hash.hex }
    public static func < (a: Self, b: Self) -> Bool { a.hash < b.hash }

    public init(from decoder: any Decoder) throws { hash = try Hash256(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try hash.encode(to: encoder) }
}

/// What an operation does, e.g. `mint-spend`; names the state machine that drives it.
public struct OperationKind: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
