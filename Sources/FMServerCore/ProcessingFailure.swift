import FMCore
import FMDatabase
import GRDB

/// An error that says the guardian cannot decide now, not that the item is invalid: its bitcoin node is
/// unreachable, a wait was cancelled. The guardian aborts the block and applies it again later.
///
/// - Important: throw this (never a ``TransactionRejection``) when the answer depends on something outside the
///   database that is unavailable; a rejection would be recorded and make this guardian diverge from the others.
public protocol EnvironmentalError: Error {}

/// How the guardian treats an error thrown while it applies one transaction or consensus item of a block.
///
/// A block is applied by every guardian from the same state, with the same code, item by item. An error is therefore
/// either a property of (state, item), which every guardian meets identically, and so a **deterministic rejection**
/// of that item (its savepoint is rolled back and the block goes on), or a property of this machine at this moment,
/// and then the guardian must not decide: it **aborts the block** (nothing of it is kept) and applies it again, so
/// it never records a rejection the others do not.
///
/// Deterministic: ``TransactionRejection``; arithmetic and range errors on values from the item (`AmountError`,
/// `StoredIntegerError`); decoding errors; a module's own consistency errors computed from its tables; and SQLite
/// answers that depend only on the data: constraint violations (a duplicate key is how the mint sees a double
/// spend), datatype mismatch, a value too big for SQLite's fixed limits, a bad bind index.
///
/// Environmental (abort and retry): every other SQLite result code (I/O error, disk full, busy or locked, out of
/// memory, corrupt file, read-only or permission errors, interruption, and the generic `SQLITE_ERROR`, which means a
/// broken schema or statement, not a bad item), ``EnvironmentalError`` and cancellation.
///
/// A `StorageError` (what modules see through the storage interface, either backend) follows its
/// `isEnvironmental`: `uniqueViolation`, `constraintViolation` and `invalidValue` reject the item, every other kind
/// (connection lost, serialization failure, a statement outside the portable subset, ...) aborts the block
/// (docs/decisions/0003-storage-interface.md, "Errors").
///
/// A rejection made from an unexpected error keeps the error's text as its message so that operators see it; the
/// code `processing_failed` tells clients that the item, not the request, was at fault.
public enum ProcessingFailure {
    public enum Verdict: Sendable {
        /// Reject the transaction (skip the consensus item) with this reason; every guardian does the same.
        case reject(TransactionRejection)
        /// Abort the block: this guardian cannot decide now.
        case abort
    }

    /// SQLite primary result codes that depend only on the data and the statement, never on the machine.
    static let deterministicSQLiteCodes: [ResultCode] = [.SQLITE_CONSTRAINT, .SQLITE_MISMATCH, .SQLITE_TOOBIG, .SQLITE_RANGE]

    public static func classify(_ error: any Error) -> Verdict {
        switch error {
        case let rejection as TransactionRejection: return .reject(rejection)
        case is EnvironmentalError, is CancellationError: return .abort
        case let storage as StorageError:
            // The portable wording: guardians on SQLite and on PostgreSQL must record the same rejection.
            return storage.isEnvironmental
                ? .abort : .reject(TransactionRejection(code: unexpectedCode, message: unexpectedMessage(storage.portableDescription)))
        case let database as DatabaseError:
            guard deterministicSQLiteCodes.contains(database.resultCode.primaryResultCode) else { return .abort }
            return .reject(unexpected(database))
        default: return .reject(unexpected(error))
        }
    }

    /// The code of a rejection made from an error that is not a ``TransactionRejection``.
    public static let unexpectedCode = "processing_failed"

    public static func unexpected(_ error: any Error) -> TransactionRejection {
        TransactionRejection(code: unexpectedCode, message: unexpectedMessage("\(error)"))
    }

    static func unexpectedMessage(_ reason: String) -> String { "the item could not be applied: \(reason)" }
}
