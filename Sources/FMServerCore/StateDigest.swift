import FMCore
import GRDB

/// Builds the bytes a module contributes to the guardian's per-block state digest
/// (``ServerModule/stateDigest(db:)``): labelled query results, each value tagged by its SQLite type, so two
/// guardians produce the same bytes exactly when their queries return the same rows.
public struct StateDigestBuilder {
    private var bytes: [UInt8] = []

    public init() {}

    /// Adds every row `sql` returns (the query must order its rows).
    public mutating func add(_ label: String, rowsOf sql: String, arguments: StatementArguments = [], db: Database) throws {
        append(string: label)
        let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
        append(integer: Int64(rows.count))
        for row in rows {
            for value in row.databaseValues { append(value) }
        }
    }

    /// The SHA-256 of everything added.
    public var digest: [UInt8] { Hash256.sha256(bytes).bytes }

    private mutating func append(_ value: DatabaseValue) {
        switch value.storage {
        case .null: bytes.append(0)
        case .int64(let integer):
            bytes.append(1)
            append(integer: integer)
        case .double(let double):
            bytes.append(2)
            append(integer: Int64(bitPattern: double.bitPattern))
        case .string(let string):
            bytes.append(3)
            append(string: string)
        case .blob(let data):
            bytes.append(4)
            append(integer: Int64(data.count))
            bytes.append(contentsOf: data)
        }
    }

    private mutating func append(integer: Int64) {
        withUnsafeBytes(of: integer.bigEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func append(string: String) {
        let utf8 = Array(string.utf8)
        append(integer: Int64(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}
