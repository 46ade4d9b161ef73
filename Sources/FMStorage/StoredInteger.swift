/// SQLite stores integers as signed 64-bit values; fm's counters, amounts, heights and indices are `UInt64`.
///
/// `Int64(someUInt64)` traps above 2^63 − 1, and inside block application a trap is a permanent halt at every
/// guardian, so every conversion at the storage boundary goes through these two functions: values are bounded where
/// they are decoded, and anything that still does not fit is a thrown ``StoredIntegerError``, never a crash.

/// A value that cannot be stored as, or read back from, an SQLite integer.
public struct StoredIntegerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What the value is (a column or field name), for the message.
    public let field: String
    /// The value as text (it may be a negative stored value or a `UInt64` above `Int64.max`).
    public let value: String

    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }

    public var description: String { "\(field) \(value) is out of range (stored: 0...\(Int64.max), within the field's width)" }
}

extension FixedWidthInteger where Self: UnsignedInteger {
    /// This value as the signed integer SQLite stores; throws if it is above `Int64.max`.
    @inlinable
    public func storedInteger(_ field: String) throws(StoredIntegerError) -> Int64 {
        guard let stored = Int64(exactly: self) else { throw StoredIntegerError(field: field, value: "\(self)") }
        return stored
    }

    /// A value read back from SQLite; throws if it is negative or does not fit `Self` (a corrupt or foreign row).
    @inlinable
    public init(storedInteger stored: Int64, _ field: String) throws(StoredIntegerError) {
        guard let value = Self(exactly: stored) else { throw StoredIntegerError(field: field, value: "\(stored)") }
        self = value
    }
}
