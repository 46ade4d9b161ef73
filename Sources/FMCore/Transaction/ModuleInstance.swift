import FMEncoding

/// Which module a transaction item belongs to. A federation numbers its
/// module instances in its consensus config (mint = 0, wallet = 1, ln = 2 by
/// convention); the number, not the kind, is what goes on the wire.
public struct ModuleInstanceID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "module \(rawValue)" }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(UInt16.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension ModuleInstanceID: CanonicalCodable {
    public func encode(to encoder: inout CanonicalEncoder) { encoder.write(rawValue) }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) { rawValue = try decoder.read() }
}

/// The kind of a module ("mint", "wallet", "ln"): what code interprets its items.
public struct ModuleKind: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
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

/// One module's item inside a transaction or a consensus block: the instance
/// that owns it and the module's own canonical encoding of it. The core routes
/// items by `module` without understanding `payload`.
public struct ModuleItem: Hashable, Sendable, CanonicalCodable {
    public let module: ModuleInstanceID
    public let payload: [UInt8]

    public init(module: ModuleInstanceID, payload: [UInt8]) {
        self.module = module
        self.payload = payload
    }

    public init(module: ModuleInstanceID, encoding value: some CanonicalEncodable) {
        self.init(module: module, payload: value.canonicalBytes)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(module)
        encoder.writeBytes(payload)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        module = try decoder.read()
        payload = try decoder.readBytes(maxLength: Self.maxPayloadLength)
    }

    /// No single input, output or consensus item may exceed 64 KiB.
    public static let maxPayloadLength = 64 << 10
}
