import Foundation

/// One value of the portable subset that both backends store identically (docs/decisions/0003-storage-interface.md).
///
/// Integers are signed 64-bit in both (SQLite `INTEGER`, PostgreSQL `BIGINT`); unsigned counters and amounts cross
/// this boundary only through `StoredInteger` (`x.storedInteger("field")`, `row.unsigned("field")`). There is no
/// floating-point case: money and counters are integers, and a `REAL` result is refused.
public enum StorageValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])

    public var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let value): "\(value)"
        case .text(let value): "'\(value)'"
        case .blob(let bytes): "blob(\(bytes.count) bytes)"
        }
    }

    /// The name of the case, for error messages.
    var typeName: String {
        switch self {
        case .null: "NULL"
        case .integer: "INTEGER"
        case .text: "TEXT"
        case .blob: "BLOB"
        }
    }
}

/// A Swift value that binds to a `?` placeholder.
///
/// `UInt64` deliberately does not conform: it goes through `storedInteger(_:)`, which throws above `Int64.max`
/// instead of trapping.
public protocol StorageValueConvertible {
    var storageValue: StorageValue { get }
}

extension StorageValue: StorageValueConvertible {
    public var storageValue: StorageValue { self }
}

extension Int64: StorageValueConvertible {
    public var storageValue: StorageValue { .integer(self) }
}

extension Int: StorageValueConvertible {
    public var storageValue: StorageValue { .integer(Int64(self)) }  // exact: Int is at most 64 bits wide
}

extension Int32: StorageValueConvertible {
    public var storageValue: StorageValue { .integer(Int64(self)) }
}

extension UInt32: StorageValueConvertible {
    public var storageValue: StorageValue { .integer(Int64(self)) }
}

extension UInt8: StorageValueConvertible {
    public var storageValue: StorageValue { .integer(Int64(self)) }
}

/// Stored as the integer 0 or 1 (the portable subset has no BOOLEAN columns).
extension Bool: StorageValueConvertible {
    public var storageValue: StorageValue { .integer(self ? 1 : 0) }
}

extension String: StorageValueConvertible {
    public var storageValue: StorageValue { .text(self) }
}

extension Array: StorageValueConvertible where Element == UInt8 {
    public var storageValue: StorageValue { .blob(self) }
}

extension Data: StorageValueConvertible {
    public var storageValue: StorageValue { .blob(Array(self)) }
}

extension Optional: StorageValueConvertible where Wrapped: StorageValueConvertible {
    public var storageValue: StorageValue { self?.storageValue ?? .null }
}
