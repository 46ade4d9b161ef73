import FMCore
import FMDatabase
import Foundation
public import GRDB

/// The persisted operations of one federation (table `client_operations`): every operation's id,
/// kind, current state (JSON) and, once it ended, its result or failure.
public struct OperationLog: Sendable {
    public let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    /// Records a new operation in its initial state, inside the caller's write transaction (so the
    /// operation and whatever it reserved — derivation indices, notes marked as spent — commit together).
    public static func insert<Machine: OperationStateMachine>(
        _ machine: Machine, id: OperationID, in db: Database, now: Date = Date()
    ) throws {
        let (status, result, failure) = try columns(for: machine)
        try db.execute(
            sql: """
                INSERT INTO client_operations (id, kind, status, state, result, failure, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id.description, Machine.kind.rawValue, status.rawValue, try encodeState(machine), result, failure,
                timestamp(now), timestamp(now),
            ])
    }

    /// The operation `id`, or `nil` if there is none.
    public func record(_ id: OperationID) async throws -> OperationRecord? {
        try await database.read { db in try Self.record(id, in: db) }
    }

    /// Every operation, newest first.
    public func list() async throws -> [OperationRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM client_operations ORDER BY created_at DESC, id").map(Self.record(from:))
        }
    }

    /// The operations that have not ended, oldest first (what the next command resumes).
    public func running() async throws -> [OperationRecord] {
        try await database.read { db in try Self.running(in: db) }
    }

    // MARK: - Rows

    static func record(_ id: OperationID, in db: Database) throws -> OperationRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM client_operations WHERE id = ?", arguments: [id.description])
            .map(record(from:))
    }

    /// The stored state text of `id` (compared before a transition, so two processes driving the same
    /// operation never apply a transition twice).
    static func stateText(_ id: OperationID, in db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT state FROM client_operations WHERE id = ?", arguments: [id.description])
    }

    static func update<Machine: OperationStateMachine>(
        _ id: OperationID, to machine: Machine, in db: Database, now: Date = Date()
    ) throws {
        let (status, result, failure) = try columns(for: machine)
        try db.execute(
            sql: "UPDATE client_operations SET status = ?, state = ?, result = ?, failure = ?, updated_at = ? WHERE id = ?",
            arguments: [status.rawValue, try encodeState(machine), result, failure, timestamp(now), id.description])
    }

    static func encodeState(_ machine: some OperationStateMachine) throws -> String {
        String(decoding: try JSONConventions.encoder().encode(machine), as: UTF8.self)
    }

    static func decodeState<Machine: OperationStateMachine>(_ text: String, as type: Machine.Type) throws -> Machine {
        try JSONConventions.decoder().decode(Machine.self, from: Data(text.utf8))
    }

    private static func columns(for machine: some OperationStateMachine) throws
        -> (OperationStatus, String?, String?)
    {
        switch machine.ending {
        case nil: return (.running, nil, nil)
        case .succeeded(let result):
            return (.succeeded, String(decoding: try JSONConventions.encoder().encode(result), as: UTF8.self), nil)
        case .failed(let reason): return (.failed, nil, reason)
        }
    }

    static func record(from row: Row) throws -> OperationRecord {
        let decoder = JSONConventions.decoder()
        let result: String? = row["result"]
        return OperationRecord(
            id: try OperationID(parsing: row["id"]),
            kind: OperationKind(row["kind"] as String),
            status: OperationStatus(rawValue: row["status"]) ?? .running,
            state: try decoder.decode(JSONValue.self, from: Data((row["state"] as String).utf8)),
            result: try result.map { try decoder.decode(JSONValue.self, from: Data($0.utf8)) },
            failure: row["failure"],
            createdAt: parseTimestamp(row["created_at"]),
            updatedAt: parseTimestamp(row["updated_at"]))
    }

    /// ISO 8601 with milliseconds, so text order is time order.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    static func parseTimestamp(_ text: String) -> Date {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? Date(timeIntervalSince1970: 0)
    }
}
