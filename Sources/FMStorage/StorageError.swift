/// Why a storage operation failed, the same in both backends.
///
/// ``isEnvironmental`` is what the guardian acts on while it applies a block: a deterministic error is a property of
/// the data and the statement, which every guardian meets identically whatever its backend (a second spend of a
/// nonce is a ``Kind/uniqueViolation`` in SQLite and in PostgreSQL), so the item is rejected; an environmental one
/// is a property of this machine or this backend at this moment (the connection dropped, PostgreSQL aborted a
/// serializable transaction, the disk is full, a statement outside the portable subset), so the guardian must not
/// decide: it aborts the block and applies it again.
public struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        // Deterministic: decided by the data and the statement, identically in both backends.
        /// A `PRIMARY KEY` or `UNIQUE` constraint refused a row (the mint's double-spend check).
        case uniqueViolation
        /// A `NOT NULL`, `CHECK` or foreign-key constraint refused a row.
        case constraintViolation
        /// A value the statement or column cannot take (too big, out of range).
        case invalidValue

        // Environmental: this machine or backend, now; the guardian aborts the block and applies it again.
        /// An earlier statement of this transaction (or savepoint) failed and was not rolled back to a savepoint;
        /// both backends refuse further statements until it is (PostgreSQL's rule, enforced in SQLite too).
        case transactionAborted
        /// PostgreSQL aborted a serializable transaction because of a concurrent one (SQLSTATE 40001, 40P01):
        /// nothing of it was kept; run it again.
        case serializationFailure
        /// The connection broke before the transaction committed: nothing of it was kept.
        case connectionLost
        /// The connection broke while COMMIT was under way: the transaction may or may not have been kept. The
        /// caller re-reads its state before doing the work again (the guardian reads its next block height).
        case commitOutcomeUnknown
        /// The database could not be reached within the configured wait.
        case unavailable
        /// A statement outside the portable subset (refused by both backends, so code written against SQLite
        /// cannot fail later on PostgreSQL): `INSERT OR IGNORE`, named placeholders, PRAGMA, ...
        case notPortable
        /// A result that does not decode as asked (wrong type, no such column, NULL where a value is required), or
        /// a type outside the portable subset (REAL).
        case decoding
        /// The interface was used wrongly: a transaction used after it ended, more than one statement where one
        /// is expected, a wrong number of arguments.
        case misuse
        /// Any other failure of the backend or the machine: I/O, disk full, out of memory, a broken schema,
        /// permissions, authentication.
        case backend
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Whether the guardian must abort the block (true) rather than reject the item (false).
    public var isEnvironmental: Bool {
        switch kind {
        case .uniqueViolation, .constraintViolation, .invalidValue: false
        default: true
        }
    }

    public var description: String { "database: \(message)" }

    /// What a deterministic failure says whatever the backend (review 8): the item's rejection carries this, because
    /// clients take a transaction's outcome only when t guardians report it identically, message included, and SQLite
    /// and PostgreSQL word the same violation differently (a federation of two of each would never agree on it).
    /// The backend's own words stay in ``message`` for the log.
    public var portableDescription: String {
        switch kind {
        case .uniqueViolation: "database: a PRIMARY KEY or UNIQUE constraint refused a row"
        case .constraintViolation: "database: a NOT NULL or CHECK constraint refused a row"
        case .invalidValue: "database: a value the statement or column cannot take"
        default: description
        }
    }
}
