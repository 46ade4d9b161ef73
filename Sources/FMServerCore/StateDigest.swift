import FMCore
import FMStorage

/// Builds the bytes a module contributes to the guardian's per-block state digest
/// (``ServerModule/stateDigest(db:)``): labelled query results, each value tagged by its type, so two
/// guardians produce the same bytes exactly when their queries return the same rows.
///
/// - Important: the encoding is compared among guardians and with older binaries, byte for byte: tags 0 NULL,
///   1 integer, 3 text, 4 blob, as when the rows were read through GRDB (tag 2, SQLite's REAL, is gone with the
///   portable subset, which has no floating point; no digest query ever returned one). Never change it.
public struct StateDigestBuilder {
    private var bytes: [UInt8] = []

    public init() {}

    /// Adds every row `sql` returns (the query must order its rows).
    public mutating func add(
        _ label: String, rowsOf sql: String, arguments: [any StorageValueConvertible] = [], db: any StorageReading
    ) throws {
        append(string: label)
        let rows = try db.fetchAll(sql, arguments)
        append(integer: Int64(rows.count))
        for row in rows {
            for value in row.values { append(value) }
        }
    }

    /// The SHA-256 of everything added.
    public var digest: [UInt8] { Hash256.sha256(bytes).bytes }

    private mutating func append(_ value: StorageValue) {
        switch value {
        case .null: bytes.append(0)
        case .integer(let integer):
            bytes.append(1)
            append(integer: integer)
        case .text(let string):
            bytes.append(3)
            append(string: string)
        case .blob(let blob):
            bytes.append(4)
            append(integer: Int64(blob.count))
            bytes.append(contentsOf: blob)
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
