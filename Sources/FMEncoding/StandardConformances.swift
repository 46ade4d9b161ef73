// Canonical encodings of the standard types that consensus values are built from.

extension UInt64: CanonicalCodable {
    public func encode(to encoder: inout CanonicalEncoder) { encoder.writeVarint(self) }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        self = try decoder.readVarint()
    }
}

extension UInt32: CanonicalCodable {
    public func encode(to encoder: inout CanonicalEncoder) { encoder.writeVarint(UInt64(self)) }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        self = try decoder.readVarint(as: UInt32.self)
    }
}

extension UInt16: CanonicalCodable {
    public func encode(to encoder: inout CanonicalEncoder) { encoder.writeVarint(UInt64(self)) }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        self = try decoder.readVarint(as: UInt16.self)
    }
}

/// A single byte, not a varint: `UInt8` values are mostly raw data.
extension UInt8: CanonicalCodable {
    public func encode(to encoder: inout CanonicalEncoder) { encoder.writeFixed(CollectionOfOne(self)) }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        self = try decoder.readFixed(1)[0]
    }
}

/// One byte, 0 or 1; any other byte is rejected so that there is one encoding.
extension Bool: CanonicalCodable {
    public func encode(to encoder: inout CanonicalEncoder) { encoder.writeFixed(CollectionOfOne(self ? 1 : 0)) }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        switch try decoder.readFixed(1)[0] {
        case 0: self = false
        case 1: self = true
        case let other: throw .invalidValue("boolean byte \(other), expected 0 or 1")
        }
    }
}

/// UTF-8, length-prefixed.
extension String: CanonicalCodable {
    public func encode(to encoder: inout CanonicalEncoder) { encoder.writeBytes(Array(utf8)) }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        let raw = try decoder.readBytes()
        guard let s = String(validating: raw, as: UTF8.self) else { throw .invalidValue("string is not valid UTF-8") }
        self = s
    }
}

/// A presence byte (0 or 1) followed by the value when present.
extension Optional: CanonicalEncodable where Wrapped: CanonicalEncodable {
    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .none: encoder.write(false)
        case .some(let value):
            encoder.write(true)
            encoder.write(value)
        }
    }
}

extension Optional: CanonicalDecodable where Wrapped: CanonicalDecodable {
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        self = try decoder.read(Bool.self) ? try decoder.read(Wrapped.self) : nil
    }
}

/// A vector: count, then elements. (Raw byte strings use `writeBytes`.)
extension Array: CanonicalEncodable where Element: CanonicalEncodable {
    public func encode(to encoder: inout CanonicalEncoder) { encoder.writeVector(self) }
}

extension Array: CanonicalDecodable where Element: CanonicalDecodable {
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        self = try decoder.readVector(Element.self)
    }
}
