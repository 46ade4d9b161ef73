/// Appends canonical encodings to a byte buffer.
public struct CanonicalEncoder: Sendable {
    public private(set) var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Unsigned LEB128 with the fewest bytes (7 bits per byte, high bit = more).
    public mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Raw bytes with no length: for fields whose size the type fixes.
    public mutating func writeFixed(_ raw: some Collection<UInt8>) {
        bytes.append(contentsOf: raw)
    }

    /// A byte string: varint length, then the bytes.
    public mutating func writeBytes(_ raw: some Collection<UInt8>) {
        writeVarint(UInt64(raw.count))
        bytes.append(contentsOf: raw)
    }

    public mutating func write<T: CanonicalEncodable>(_ value: T) {
        value.encode(to: &self)
    }

    /// A vector: varint element count, then each element.
    public mutating func writeVector<T: CanonicalEncodable>(_ values: [T]) {
        writeVarint(UInt64(values.count))
        for value in values { value.encode(to: &self) }
    }

    /// An enum variant: varint index, then the body as a length-prefixed byte string.
    public mutating func writeVariant(_ index: UInt64, body: (inout CanonicalEncoder) -> Void) {
        var inner = CanonicalEncoder()
        body(&inner)
        writeVarint(index)
        writeBytes(inner.bytes)
    }
}
