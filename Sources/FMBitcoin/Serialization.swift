/// Appends bitcoin's little-endian wire encoding.
public struct BitcoinWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func write(_ value: UInt8) { bytes.append(value) }
    public mutating func write(_ value: UInt16) { writeLittleEndian(UInt64(value), count: 2) }
    public mutating func write(_ value: UInt32) { writeLittleEndian(UInt64(value), count: 4) }
    public mutating func write(_ value: Int32) { write(UInt32(bitPattern: value)) }
    public mutating func write(_ value: UInt64) { writeLittleEndian(value, count: 8) }
    public mutating func write(_ value: Int64) { write(UInt64(bitPattern: value)) }
    public mutating func write(raw: some Sequence<UInt8>) { bytes.append(contentsOf: raw) }

    /// CompactSize length followed by the bytes.
    public mutating func write(varBytes: some Collection<UInt8>) {
        write(compactSize: UInt64(varBytes.count))
        bytes.append(contentsOf: varBytes)
    }

    public mutating func write(compactSize value: UInt64) {
        switch value {
        case 0..<0xfd: write(UInt8(value))
        case 0xfd...0xffff: write(UInt8(0xfd)); write(UInt16(value))
        case 0x1_0000...0xffff_ffff: write(UInt8(0xfe)); write(UInt32(value))
        default: write(UInt8(0xff)); write(value)
        }
    }

    private mutating func writeLittleEndian(_ value: UInt64, count: Int) {
        for i in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }
}

/// Reads bitcoin's wire encoding, refusing truncated input, non-minimal CompactSizes,
/// and length prefixes longer than what is left (so a huge prefix never allocates).
public struct BitcoinReader: Sendable {
    private let bytes: [UInt8]
    public private(set) var offset: Int = 0

    public init(_ bytes: some Collection<UInt8>) { self.bytes = Array(bytes) }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset == bytes.count }

    public mutating func readBytes(_ count: Int, field: String) throws -> [UInt8] {
        guard count >= 0, count <= remaining else { throw BitcoinError.truncated(field: field) }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// The next byte without consuming it.
    public func peek() -> UInt8? { isAtEnd ? nil : bytes[offset] }

    public mutating func readUInt8(field: String) throws -> UInt8 { try readBytes(1, field: field)[0] }
    public mutating func readUInt16(field: String) throws -> UInt16 { UInt16(try readLittleEndian(2, field: field)) }
    public mutating func readUInt32(field: String) throws -> UInt32 { UInt32(try readLittleEndian(4, field: field)) }
    public mutating func readInt32(field: String) throws -> Int32 { Int32(bitPattern: try readUInt32(field: field)) }
    public mutating func readUInt64(field: String) throws -> UInt64 { try readLittleEndian(8, field: field) }
    public mutating func readInt64(field: String) throws -> Int64 { Int64(bitPattern: try readUInt64(field: field)) }

    public mutating func readCompactSize(field: String) throws -> UInt64 {
        let first = try readUInt8(field: field)
        let value: UInt64
        let minimum: UInt64
        switch first {
        case 0xfd: value = UInt64(try readUInt16(field: field)); minimum = 0xfd
        case 0xfe: value = UInt64(try readUInt32(field: field)); minimum = 0x1_0000
        case 0xff: value = try readUInt64(field: field); minimum = 0x1_0000_0000
        default: return UInt64(first)
        }
        guard value >= minimum else { throw BitcoinError.nonCanonicalCompactSize(value) }
        return value
    }

    /// A count of items each at least `minimumItemSize` bytes long; refuses counts the input cannot hold.
    public mutating func readCount(field: String, minimumItemSize: Int = 1) throws -> Int {
        let count = try readCompactSize(field: field)
        guard count <= UInt64(remaining / max(minimumItemSize, 1)) else {
            throw BitcoinError.lengthTooLarge(field: field, length: count)
        }
        return Int(count)
    }

    public mutating func readVarBytes(field: String) throws -> [UInt8] {
        let length = try readCount(field: field)
        return try readBytes(length, field: field)
    }

    /// Throws unless everything was consumed.
    public func finish(_ what: String) throws {
        guard isAtEnd else { throw BitcoinError.trailingBytes(what: what, count: remaining) }
    }

    private mutating func readLittleEndian(_ count: Int, field: String) throws -> UInt64 {
        let raw = try readBytes(count, field: field)
        var value: UInt64 = 0
        for (i, byte) in raw.enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
        return value
    }
}

/// Bitcoin's variable-length integer prefix.
public enum CompactSize {
    public static func encode(_ value: UInt64) -> [UInt8] {
        var writer = BitcoinWriter()
        writer.write(compactSize: value)
        return writer.bytes
    }

    /// Decodes exactly one CompactSize occupying all of `bytes`.
    public static func decode(_ bytes: some Collection<UInt8>) throws -> UInt64 {
        var reader = BitcoinReader(bytes)
        let value = try reader.readCompactSize(field: "CompactSize")
        try reader.finish("CompactSize")
        return value
    }
}
