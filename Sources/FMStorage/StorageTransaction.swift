/// What a backend provides: one parsed statement run with its arguments, on the connection of the transaction.
public protocol StatementRunner {
    var dialect: SQLDialect { get }
    /// Runs `statement`; `wantsRows` is false when the caller only needs the change count.
    func run(_ statement: PortableStatement, _ arguments: ArraySlice<StorageValue>, wantsRows: Bool) throws(StorageError)
        -> StatementResult
}

public struct StatementResult: Sendable {
    public var rows: [StorageRow]
    /// Rows inserted, updated or deleted (0 for other statements).
    public var changes: Int

    public init(rows: [StorageRow], changes: Int) {
        self.rows = rows
        self.changes = changes
    }
}

/// The one transaction type both backends hand out: parsing, argument counting, savepoints and the
/// aborted-after-an-error rule are here, once; the backend only runs statements.
///
/// The backend begins the transaction before handing it out and calls ``finish()`` before it commits.
public final class StorageTransaction: StorageWriting {
    private let runner: any StatementRunner
    /// Savepoints currently open (0: none).
    private var depth = 0
    /// The shallowest savepoint level (0: the transaction) in which a statement failed and nothing was rolled back yet.
    private var abortedLevel: Int?
    private var finished = false

    public init(runner: any StatementRunner) {
        self.runner = runner
    }

    public var dialect: SQLDialect { runner.dialect }

    public func fetchAll(_ sql: String, _ arguments: [any StorageValueConvertible]) throws(StorageError) -> [StorageRow] {
        let statements = try PortableSQL.parse(sql)
        guard statements.count == 1 else {
            throw StorageError(.misuse, "a query must be exactly one statement, got \(statements.count): \(sql)")
        }
        return try run(statements, arguments, wantsRows: true).rows
    }

    @discardableResult
    public func execute(_ sql: String, _ arguments: [any StorageValueConvertible]) throws(StorageError) -> Int {
        try run(try PortableSQL.parse(sql), arguments, wantsRows: false).changes
    }

    public func inSavepoint<T>(_ body: () throws -> T) throws -> T {
        try checkUsable()
        let level = depth + 1
        let name = "fm_savepoint_\(level)"
        try runControl("SAVEPOINT \(name)")
        depth = level
        let value: T
        do {
            value = try body()
        } catch {
            try rollBack(to: name, level: level)
            throw error
        }
        if let aborted = abortedLevel, aborted >= level {
            // The body swallowed a failed statement: what it wrote cannot be committed.
            try rollBack(to: name, level: level)
            throw StorageError(.transactionAborted, "a statement in this savepoint failed and its error was not propagated")
        }
        try runControl("RELEASE SAVEPOINT \(name)")
        depth = level - 1
        return value
    }

    /// Called by the backend before COMMIT: refuses to commit a transaction in which a statement failed (PostgreSQL
    /// would silently turn that COMMIT into a ROLLBACK), and ends the transaction for its body.
    public func finish() throws(StorageError) {
        defer { finished = true }
        if abortedLevel != nil {
            throw StorageError(.transactionAborted, "a statement in this transaction failed and its error was not propagated")
        }
    }

    /// Called by the backend when the transaction ended without committing.
    public func abandon() { finished = true }

    // MARK: - Internals

    private func run(_ statements: [PortableStatement], _ arguments: [any StorageValueConvertible], wantsRows: Bool)
        throws(StorageError) -> StatementResult
    {
        try checkUsable()
        let values = arguments.map(\.storageValue)
        let expected = statements.reduce(0) { $0 + $1.placeholderCount }
        guard expected == values.count else {
            throw StorageError(.misuse, "the SQL has \(expected) placeholders but \(values.count) arguments were given")
        }
        if let index = values.firstIndex(where: Self.isUnstorableText) {
            // Refused here, as a failed statement, so both backends decide alike (see ``isUnstorableText(_:)``).
            abortedLevel = min(abortedLevel ?? depth, depth)
            throw StorageError(.invalidValue, "argument \(index + 1) is text with a NUL character, which PostgreSQL cannot store")
        }
        var result = StatementResult(rows: [], changes: 0)
        var offset = 0
        for statement in statements {
            let slice = values[offset..<offset + statement.placeholderCount]
            offset += statement.placeholderCount
            do {
                result = try runner.run(statement, slice, wantsRows: wantsRows)
            } catch {
                abortedLevel = min(abortedLevel ?? depth, depth)
                throw error
            }
        }
        return result
    }

    /// Text containing U+0000: SQLite stores it, PostgreSQL refuses it (SQLSTATE 22021, a deterministic `invalidValue`),
    /// so a guardian on each backend would decide one item differently (a consensus split in a mixed federation).
    private static func isUnstorableText(_ value: StorageValue) -> Bool {
        if case .text(let text) = value { return text.utf8.contains(0) }
        return false
    }

    private func checkUsable() throws(StorageError) {
        guard !finished else { throw StorageError(.misuse, "the transaction has ended; it must not escape its body") }
        if let aborted = abortedLevel, aborted <= depth {
            throw StorageError(.transactionAborted, "an earlier statement failed; roll back to a savepoint first")
        }
    }

    private func runControl(_ sql: String) throws(StorageError) {
        do {
            _ = try runner.run(.control(sql), [], wantsRows: false)
        } catch {
            abortedLevel = 0  // a savepoint that cannot be set or left leaves nothing safe to continue with
            throw error
        }
    }

    private func rollBack(to name: String, level: Int) throws(StorageError) {
        try runControl("ROLLBACK TO SAVEPOINT \(name)")
        try runControl("RELEASE SAVEPOINT \(name)")
        depth = level - 1
        if let aborted = abortedLevel, aborted >= level { abortedLevel = nil }
    }
}
