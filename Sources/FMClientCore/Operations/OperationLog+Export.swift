import FMCore
import FMEncoding
public import GRDB

extension OperationLog {
    /// One row of the operation log exactly as stored, so a snapshot restores it unchanged (whatever the state
    /// machine's fields are in this version).
    ///
    /// Canonical form: id, kind, status, state, created_at, updated_at (length-prefixed UTF-8 each), then result
    /// and failure as an optional (0, or 1 ‖ length-prefixed UTF-8).
    public struct ExportedRow: Sendable, Equatable, CanonicalCodable {
        var columns: [String]
        var result: String?
        var failure: String?

        public func encode(to encoder: inout CanonicalEncoder) {
            for column in columns { encoder.writeBytes(Array(column.utf8)) }
            for optional in [result, failure] {
                if let optional {
                    encoder.writeVarint(1)
                    encoder.writeBytes(Array(optional.utf8))
                } else {
                    encoder.writeVarint(0)
                }
            }
        }

        public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
            columns = try (0..<6).map { _ throws(CanonicalDecodingError) in try Self.text(&decoder) }
            result = try Self.optional(&decoder)
            failure = try Self.optional(&decoder)
        }

        init(row: Row) {
            columns = ["id", "kind", "status", "state", "created_at", "updated_at"].map { row[$0] as String }
            result = row["result"]
            failure = row["failure"]
        }

        private static func text(_ decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) -> String {
            guard let text = String(validating: try decoder.readBytes(), as: UTF8.self) else {
                throw .invalidValue("an operation column that is not UTF-8")
            }
            return text
        }

        private static func optional(_ decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) -> String? {
            switch try decoder.readVarint() {
            case 0: return nil
            case 1: return try text(&decoder)
            default: throw .invalidValue("an optional operation column with a tag other than 0 or 1")
            }
        }
    }

    /// The newest `limit` rows of `kind`, newest first.
    public static func export(kind: OperationKind, limit: Int, in db: Database) throws -> [ExportedRow] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM client_operations WHERE kind = ? ORDER BY created_at DESC, id LIMIT ?",
            arguments: [kind.rawValue, limit]
        ).map(ExportedRow.init(row:))
    }

    /// The rows of `ids` (in that order), then the newest other rows of `kind`, at most `limit` in all (`ids` first:
    /// the caller puts there the rows a snapshot must not lose).
    public static func export(kind: OperationKind, first ids: [OperationID], limit: Int, in db: Database) throws -> [ExportedRow] {
        var rows: [ExportedRow] = []
        for id in ids.prefix(limit) {
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM client_operations WHERE id = ?", arguments: [id.description]) {
                rows.append(ExportedRow(row: row))
            }
        }
        let chosen = Set(ids.map(\.description))
        for row in try export(kind: kind, limit: limit, in: db) where rows.count < limit && !chosen.contains(row.columns[0]) {
            rows.append(row)
        }
        return rows
    }

    /// Restores exported rows; a row whose id is already in the log is left as it is.
    public static func restore(_ rows: [ExportedRow], in db: Database) throws {
        for row in rows {
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO client_operations (id, kind, status, state, created_at, updated_at, result, failure)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: StatementArguments(row.columns + [row.result, row.failure] as [(any DatabaseValueConvertible)?]))
        }
    }

    /// How many operations have not ended, leaving out those of `excluded` kinds.
    public static func runningCount(excluding excluded: [OperationKind] = [], in db: Database) throws -> Int {
        let kinds = excluded.map(\.rawValue)
        let placeholders = kinds.isEmpty ? "" : " AND kind NOT IN (\(kinds.map { _ in "?" }.joined(separator: ", ")))"
        return try Int.fetchOne(
            db, sql: "SELECT count(*) FROM client_operations WHERE status = 'running'" + placeholders,
            arguments: StatementArguments(kinds)) ?? 0
    }
}
