import FMStorage
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Runs portable statements on one PostgreSQL connection, blocking the calling thread until each answer is in.
///
/// The blocking is confined to the storage's own threads (``PostgresStorage``): the answer is produced on an event
/// loop thread of NIO, which this thread never is (`EventLoopFuture.wait()` traps on one), so the event loops never
/// wait for us and we only wait for them.
struct PostgresStatementRunner: StatementRunner {
    let connection: PostgresConnection
    let logger: Logger

    var dialect: SQLDialect { .postgres }

    func run(_ statement: PortableStatement, _ arguments: ArraySlice<StorageValue>, wantsRows: Bool) throws(StorageError)
        -> StatementResult
    {
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .null: binds.appendNull()
            case .integer(let value): binds.append(value)
            case .text(let value): binds.append(value)
            case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
            }
        }
        // postgres-nio's future-based query, written to a channel that has already closed, never completes its
        // future (seen: a statement after the server died hung for ever), so a closed connection fails here.
        guard !connection.isClosed else { throw StorageError(.connectionLost, "the connection to PostgreSQL is closed") }
        let result: PostgresQueryResult
        do {
            result = try connection.query(PostgresQuery(unsafeSQL: statement.postgresText, binds: binds), logger: logger).wait()
        } catch {
            throw PostgresErrors.classify(error)
        }
        let changes = ["INSERT", "UPDATE", "DELETE"].contains(statement.verb) ? result.metadata.rows ?? 0 : 0
        guard wantsRows else { return StatementResult(rows: [], changes: changes) }
        var rows: [StorageRow] = []
        rows.reserveCapacity(result.rows.count)
        for row in result.rows { rows.append(try Self.storageRow(row)) }
        return StatementResult(rows: rows, changes: changes)
    }

    /// Runs a statement of the interface's own (BEGIN, COMMIT, savepoints).
    func control(_ sql: String) throws(StorageError) {
        _ = try run(.control(sql), [], wantsRows: false)
    }

    /// PostgreSQL's types mapped onto the portable values: every integer width to `integer`, `bool` to 0/1 (a
    /// comparison's result), an integral `numeric` (what `SUM` of a `BIGINT` column returns) to `integer` when it fits.
    static func storageRow(_ row: PostgresRow) throws(StorageError) -> StorageRow {
        var columns: [String] = []
        var values: [StorageValue] = []
        for cell in row {
            columns.append(cell.columnName)
            guard let bytes = cell.bytes else {
                values.append(.null)
                continue
            }
            do {
                switch cell.dataType {
                case .int2, .int4, .int8: values.append(.integer(try cell.decode(Int64.self)))
                case .bool: values.append(.integer(try cell.decode(Bool.self) ? 1 : 0))
                case .text, .varchar, .name, .bpchar: values.append(.text(try cell.decode(String.self)))
                case .bytea: values.append(.blob(Array(bytes.readableBytesView)))
                case .numeric where cell.format == .binary: values.append(.integer(try integer(fromNumeric: bytes, column: cell.columnName)))
                default:
                    throw StorageError(.decoding, "column \(cell.columnName) has type \(cell.dataType), outside the portable subset")
                }
            } catch let error as StorageError {
                throw error
            } catch {
                throw StorageError(.decoding, "column \(cell.columnName) does not decode: \(String(reflecting: error))")
            }
        }
        return StorageRow(columns: columns, values: values)
    }

    /// PostgreSQL's binary `numeric` (int16 digit count, weight, sign, display scale, then base-10000 digits, the
    /// first worth 10000^weight) as an `Int64`, with checked arithmetic. Beyond 64 bits it fails, as SQLite's `SUM`
    /// fails with "integer overflow"; so do a fraction, NaN and infinity. Read here rather than through postgres-nio's
    /// `Decimal`, which force-unwraps `Decimal(string:)` (a trap beyond 10^165) and indexes by the server's scale
    /// (review 8).
    static func integer(fromNumeric bytes: ByteBuffer, column: String) throws(StorageError) -> Int64 {
        var buffer = bytes
        let malformed = StorageError(.decoding, "column \(column) holds a malformed numeric")
        func notAnInteger(_ why: String) -> StorageError {
            StorageError(.backend, "column \(column) holds a numeric \(why), not a 64-bit integer (integer overflow)")
        }
        guard let count = buffer.readInteger(endianness: .big, as: Int16.self), count >= 0,
            let weight = buffer.readInteger(endianness: .big, as: Int16.self),
            let sign = buffer.readInteger(endianness: .big, as: UInt16.self),
            buffer.readInteger(endianness: .big, as: Int16.self) != nil, buffer.readableBytes == Int(count) * 2
        else { throw malformed }
        var digits: [UInt64] = []
        for _ in 0..<Int(count) {
            guard let digit = buffer.readInteger(endianness: .big, as: Int16.self), (0...9_999).contains(digit) else { throw malformed }
            digits.append(UInt64(digit))
        }
        guard sign == 0 || sign == 0x4000 else { throw notAnInteger("that is NaN or infinite") }
        let integral = max(0, Int(weight) + 1)  // digits before the decimal point (missing ones are 0)
        guard digits.dropFirst(integral).allSatisfy({ $0 == 0 }) else { throw notAnInteger("with a fraction") }
        var magnitude: UInt64 = 0
        for index in 0..<integral {
            let (shifted, overflow) = magnitude.multipliedReportingOverflow(by: 10_000)
            let (next, carry) = shifted.addingReportingOverflow(index < digits.count ? digits[index] : 0)
            guard !overflow, !carry else { throw notAnInteger("beyond 64 bits") }
            magnitude = next
        }
        if sign == 0x4000 {
            guard magnitude <= Int64.min.magnitude else { throw notAnInteger("beyond 64 bits") }
            return Int64(bitPattern: 0 &- magnitude)
        }
        guard let value = Int64(exactly: magnitude) else { throw notAnInteger("beyond 64 bits") }
        return value
    }
}

/// PostgreSQL's errors in the interface's kinds (SQLSTATE classes: https://www.postgresql.org/docs/current/errcodes-appendix.html).
enum PostgresErrors {
    static func classify(_ error: any Error) -> StorageError {
        if let error = error as? StorageError { return error }
        guard let error = error as? PSQLError else {
            // NIO's channel and socket errors: the connection is gone.
            return StorageError(.connectionLost, "\(error)")
        }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            var message = error.serverInfo?[.message] ?? "server error"
            if let detail = error.serverInfo?[.detail] { message += " (\(detail))" }
            return StorageError(kind(sqlState: state), "\(message) [SQLSTATE \(state)]")
        case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection:
            let cause = error.underlying.map { ": \($0)" } ?? ""
            return StorageError(.connectionLost, "connection to PostgreSQL lost (\(error.code))\(cause)")
        default:
            return StorageError(.backend, String(reflecting: error))
        }
    }

    static func kind(sqlState state: String) -> StorageError.Kind {
        switch state {
        case "23505": return .uniqueViolation
        case "40001", "40P01": return .serializationFailure
        case "25P02": return .transactionAborted
        // admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down)
        case "57P01", "57P02", "57P03": return .connectionLost
        default: break
        }
        switch state.prefix(2) {
        case "23": return .constraintViolation  // not null, check, foreign key
        case "08": return .connectionLost
        // Class 22 (data exception: bigint out of range, division by zero, an invalid LIMIT) is NOT deterministic
        // across backends (review 8): where PostgreSQL refuses, SQLite goes on (an overflowing `n + ?` becomes a REAL,
        // `1 / 0` is NULL, a negative LIMIT means none), so rejecting the item here would record what a SQLite
        // guardian does not. It falls to `backend` below: the block is aborted and retried, the guardian halts
        // visibly instead of diverging. (The one data exception both share, text with a NUL character, is refused
        // before either backend runs the statement: `invalidValue`.)
        default: return .backend  // syntax or schema errors, insufficient resources, I/O, authentication
        }
    }
}
