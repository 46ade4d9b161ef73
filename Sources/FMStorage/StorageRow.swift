/// One result row: the column names as the backend reports them and the values, with typed access by name or index.
///
/// Names match case-insensitively, because PostgreSQL folds unquoted names to lower case. A computed column
/// (`COUNT(*)`, `MAX(seq)`) is named differently by the two backends: give it an alias (`COUNT(*) AS n`) or read it
/// by index.
public struct StorageRow: Sendable, Hashable {
    public let columns: [String]
    public let values: [StorageValue]

    public init(columns: [String], values: [StorageValue]) {
        precondition(columns.count == values.count, "a row has one value per column")
        self.columns = columns
        self.values = values
    }

    /// The value of `column` (a name or a 0-based index).
    public func value(_ column: some StorageColumn) throws(StorageError) -> StorageValue {
        values[try column.index(in: self)]
    }

    public func int64(_ column: some StorageColumn) throws(StorageError) -> Int64 {
        guard let value = try optionalInt64(column) else { throw nullValue(column) }
        return value
    }

    public func optionalInt64(_ column: some StorageColumn) throws(StorageError) -> Int64? {
        switch try value(column) {
        case .null: return nil
        case .integer(let value): return value
        case let other: throw mismatch(column, expected: "INTEGER", found: other)
        }
    }

    /// An unsigned integer through `StoredInteger`: a negative stored value or one too wide for `T` is a thrown
    /// `StoredIntegerError` naming the column, never a trap.
    public func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ column: some StorageColumn, as _: T.Type = T.self) throws -> T {
        try T(storedInteger: try int64(column), column.name(in: self))
    }

    public func optionalUnsigned<T: FixedWidthInteger & UnsignedInteger>(
        _ column: some StorageColumn, as _: T.Type = T.self
    ) throws -> T? {
        guard let stored = try optionalInt64(column) else { return nil }
        return try T(storedInteger: stored, column.name(in: self))
    }

    /// An integer column read as a flag: 0 is false, anything else true.
    public func bool(_ column: some StorageColumn) throws(StorageError) -> Bool { try int64(column) != 0 }

    public func text(_ column: some StorageColumn) throws(StorageError) -> String {
        guard let value = try optionalText(column) else { throw nullValue(column) }
        return value
    }

    public func optionalText(_ column: some StorageColumn) throws(StorageError) -> String? {
        switch try value(column) {
        case .null: return nil
        case .text(let value): return value
        case let other: throw mismatch(column, expected: "TEXT", found: other)
        }
    }

    public func blob(_ column: some StorageColumn) throws(StorageError) -> [UInt8] {
        guard let value = try optionalBlob(column) else { throw nullValue(column) }
        return value
    }

    public func optionalBlob(_ column: some StorageColumn) throws(StorageError) -> [UInt8]? {
        switch try value(column) {
        case .null: return nil
        case .blob(let value): return value
        case let other: throw mismatch(column, expected: "BLOB", found: other)
        }
    }

    private func mismatch(_ column: some StorageColumn, expected: String, found: StorageValue) -> StorageError {
        StorageError(.decoding, "column \(column.name(in: self)) holds \(found.typeName), expected \(expected)")
    }

    private func nullValue(_ column: some StorageColumn) -> StorageError {
        StorageError(.decoding, "column \(column.name(in: self)) is NULL")
    }
}

/// How a row's column is named in an accessor: by name (`String`) or by 0-based position (`Int`).
public protocol StorageColumn {
    func index(in row: StorageRow) throws(StorageError) -> Int
    /// The name for messages.
    func name(in row: StorageRow) -> String
}

extension String: StorageColumn {
    public func index(in row: StorageRow) throws(StorageError) -> Int {
        if let exact = row.columns.firstIndex(of: self) { return exact }
        let folded = lowercased()
        guard let index = row.columns.firstIndex(where: { $0.lowercased() == folded }) else {
            throw StorageError(.decoding, "the result has no column \(self) (it has \(row.columns.joined(separator: ", ")))")
        }
        return index
    }

    public func name(in row: StorageRow) -> String { self }
}

extension Int: StorageColumn {
    public func index(in row: StorageRow) throws(StorageError) -> Int {
        guard row.values.indices.contains(self) else {
            throw StorageError(.decoding, "the result has \(row.values.count) columns, not a column at index \(self)")
        }
        return self
    }

    public func name(in row: StorageRow) -> String {
        row.columns.indices.contains(self) ? row.columns[self] : "#\(self)"
    }
}
