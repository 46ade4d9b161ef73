/// Copies a database's tables verbatim into another database of the same schemas, and checks the copy row by row:
/// how `fm-node migrate-db` moves a stopped guardian from SQLite to PostgreSQL.
///
/// The target must be empty before it is opened (``requireEmpty(_:)``); opening it with the same schemas creates the
/// tables and the migration ledger, then ``copy(_:from:to:)`` replaces whatever the migrations seeded with the
/// source's rows, in one write transaction. Every column is plain data (no identity or serial columns), so rows
/// carry over unchanged. A table is read whole into memory: a guardian's largest table (spent note nonces) is
/// tens of bytes per row.
public enum StorageCopy {
    /// One table and how many rows it holds.
    public struct TableCount: Sendable, Hashable, Codable {
        public let table: String
        public let rows: Int

        public init(table: String, rows: Int) {
            self.table = table
            self.rows = rows
        }
    }

    /// Throws unless `storage` holds nothing: no table but an empty migration ledger (which opening a database with
    /// no schemas creates). A copy never merges into, or overwrites, another guardian's state.
    public static func requireEmpty(_ storage: any Storage) throws {
        let (tables, ledgerRows) = try storage.readNow { tx throws -> ([String], Int64) in
            let all = try allTables(tx)
            var rows: Int64 = 0
            for ledger in all where ledgerTables.contains(ledger) {
                rows += try tx.fetchOne("SELECT COUNT(*) AS n FROM \(ledger)")?.int64("n") ?? 0
            }
            return (all.filter { !ledgerTables.contains($0) }, rows)
        }
        guard tables.isEmpty, ledgerRows == 0 else {
            let shown = tables.prefix(5).joined(separator: ", ")
            throw StorageError(
                .misuse,
                "the target database is not empty: it holds \(tables.count) tables (\(shown)) and \(ledgerRows) applied migrations; give an empty database")
        }
    }

    /// The migration ledgers: GRDB's in SQLite, ``StorageMigrator``'s in PostgreSQL.
    static let ledgerTables: Set<String> = ["grdb_migrations", "fm_migrations"]

    /// Marks a copy under way. Opened first (`[copyInProgress] + schemas`), its one migration records
    /// ``copyInProgressIdentifier`` in the target's ledger before any other table exists; ``finishCopy(_:)`` deletes
    /// it once the copy is checked. A target left by a copy that failed (its check included) or was killed part way
    /// still holds it, so opening it without this schema (`fm-node run --database`) is refused
    /// (``DatabaseSetupError/unknownAppliedMigrations(_:)``, which names it) instead of running on an empty or wrong
    /// state.
    public static let copyInProgress = StorageSchema(prefix: "storage_copy", migrations: [StorageMigration("in_progress") { _ in }])

    /// The ledger entry of ``copyInProgress``.
    public static var copyInProgressIdentifier: String { copyInProgress.identifier(of: copyInProgress.migrations[0]) }

    /// Removes the ``copyInProgress`` mark: the copy is complete and checked, the target may be opened as it is.
    public static func finishCopy(_ target: any Storage) throws {
        try target.writeNow { tx in
            for ledger in try allTables(tx) where ledgerTables.contains(ledger) {
                try tx.execute("DELETE FROM \(ledger) WHERE identifier = ?", [copyInProgressIdentifier])
            }
        }
    }

    /// The tables of `schemas` (named `<prefix>_...`) that `storage` holds, sorted by name.
    public static func tables(of schemas: [StorageSchema], in storage: any Storage) throws -> [String] {
        let prefixes = schemas.map { $0.prefix + "_" }
        return try storage.readNow { tx in try allTables(tx) }
            .filter { table in prefixes.contains { table.hasPrefix($0) } }
    }

    /// Replaces the rows of each of `tables` in `target` with the rows of `source`, all in one write transaction
    /// (nothing is kept if any row is refused). Returns each table's row count.
    @discardableResult
    public static func copy(_ tables: [String], from source: any Storage, to target: any Storage) throws -> [TableCount] {
        try copy(from: [(tables, source)], to: target)
    }

    /// ``copy(_:from:to:)`` from several sources (a guardian's database and its clients' snapshot store) in ONE write
    /// transaction of `target`: a failure or a kill part way keeps nothing, not one source's tables without the
    /// other's (review 10: a target holding the guardian's state but not its clients' snapshots was refused by a
    /// second copy yet accepted by `fm-node run`, the snapshots lost).
    @discardableResult
    public static func copy(from sources: [(tables: [String], source: any Storage)], to target: any Storage) throws -> [TableCount] {
        var contents: [(String, TableContent)] = []
        for (tables, source) in sources {
            try requireSameMigrations(source, target, of: tables)
            contents += try source.readNow { tx in try tables.map { table in (table, try readTable(table, tx)) } }
        }
        return try target.writeNow { tx in
            try contents.map { table, content in
                try tx.execute("DELETE FROM \(table)")
                try insert(content, into: table, tx)
                return TableCount(table: table, rows: content.rows.count)
            }
        }
    }

    /// Compares each of `tables` in both databases, column by column and row by row (order aside); throws on the
    /// first difference, naming the table. Returns each table's row count.
    @discardableResult
    public static func verify(_ tables: [String], source: any Storage, target: any Storage) throws -> [TableCount] {
        try tables.map { table in
            let expected = try source.readNow { tx in try readTable(table, tx) }
            let copied = try target.readNow { tx in try readTable(table, tx, columns: expected.columns) }
            guard copied.rows.count == expected.rows.count else {
                throw StorageError(.decoding, "table \(table): \(copied.rows.count) rows in the target, \(expected.rows.count) in the source")
            }
            let sortedExpected = expected.rows.sorted(by: precedes)
            let sortedCopied = copied.rows.sorted(by: precedes)
            if let index = sortedExpected.indices.first(where: { sortedExpected[$0] != sortedCopied[$0] }) {
                throw StorageError(.decoding, "table \(table): row \(index + 1) (in sorted order) differs between source and target")
            }
            return TableCount(table: table, rows: expected.rows.count)
        }
    }

    /// Throws unless both databases record the same applied migrations (review 8): rows copied verbatim from a
    /// source an older version wrote (say, before the wallet's `5_peg_out_order`) into tables of the newest schema
    /// would fill the new columns with their defaults and skip the data migrations, a database that copies "fine"
    /// and then behaves differently. Open the source with the same schemas first, which migrates it.
    /// Only the migrations of the subsystems that own `tables` count (`<prefix>/...` for tables `<prefix>_...`): a
    /// target may hold other subsystems too (a PostgreSQL guardian keeps its clients' snapshots beside its state).
    public static func requireSameMigrations(_ source: any Storage, _ target: any Storage, of tables: [String]) throws {
        func owned(_ identifier: String) -> Bool {
            guard let slash = identifier.firstIndex(of: "/") else { return true }
            let prefix = identifier[..<slash] + "_"
            return tables.contains { $0.hasPrefix(prefix) }
        }
        let (inSource, inTarget) = (try appliedMigrations(source).filter(owned), try appliedMigrations(target).filter(owned))
        guard inSource == inTarget else {
            let missing = inSource.subtracting(inTarget).sorted(), extra = inTarget.subtracting(inSource).sorted()
            throw StorageError(
                .misuse,
                "source and target are at different migrations (only in the source: \(missing.joined(separator: ", ")); only in the target: \(extra.joined(separator: ", "))); open the source with the same schemas first")
        }
    }

    /// The identifiers of every migration `storage` records as applied (GRDB's ledger or ``StorageMigrator``'s).
    static func appliedMigrations(_ storage: any Storage) throws -> Set<String> {
        try storage.readNow { tx in
            var applied: Set<String> = []
            for ledger in try allTables(tx) where ledgerTables.contains(ledger) {
                for row in try tx.fetchAll("SELECT identifier FROM \(ledger)") { applied.insert(try row.text("identifier")) }
            }
            return applied
        }
    }

    // MARK: - Internals

    struct TableContent {
        let columns: [String]
        let rows: [[StorageValue]]
    }

    /// Every base table of the database's own schema (SQLite's internal tables aside).
    static func allTables(_ tx: any StorageReading) throws -> [String] {
        let sql = switch tx.dialect {
        case .sqlite: "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_'"
        case .postgres:
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
        return try tx.fetchAll(sql).map { row throws(StorageError) in try row.text(0) }.sorted()
    }

    /// Table and column names are interpolated into SQL: only the names the schemas allow.
    static func checkIdentifier(_ name: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_")
        guard let first = name.first, first.isLetter, name.lowercased().allSatisfy(allowed.contains) else {
            throw StorageError(.misuse, "not a table or column name this copy handles: \(name)")
        }
    }

    static func readTable(_ table: String, _ tx: any StorageReading, columns: [String]? = nil) throws -> TableContent {
        try checkIdentifier(table)
        let names: [String]
        if let columns {
            names = columns
        } else {
            // Column names from a query that returns no row in either backend would be lost: ask for one row's names.
            let probe = try tx.fetchAll("SELECT * FROM \(table) LIMIT 1")
            guard let first = probe.first else { return TableContent(columns: [], rows: []) }
            names = first.columns.map { $0.lowercased() }
        }
        guard !names.isEmpty else {
            let count = try tx.fetchOne("SELECT COUNT(*) AS n FROM \(table)")?.int64("n") ?? 0
            return TableContent(columns: [], rows: Array(repeating: [], count: Int(count)))
        }
        for name in names { try checkIdentifier(name) }
        let rows = try tx.fetchAll("SELECT \(names.joined(separator: ", ")) FROM \(table)").map(\.values)
        return TableContent(columns: names, rows: rows)
    }

    /// Multi-row inserts, at most `batch` rows (PostgreSQL takes at most 65,535 parameters per statement).
    static func insert(_ content: TableContent, into table: String, _ tx: any StorageWriting, batch: Int = 400) throws {
        guard !content.rows.isEmpty else { return }
        guard !content.columns.isEmpty else {
            throw StorageError(.misuse, "table \(table) has rows but no columns were read")
        }
        let tuple = "(" + Array(repeating: "?", count: content.columns.count).joined(separator: ", ") + ")"
        let head = "INSERT INTO \(table) (\(content.columns.joined(separator: ", "))) VALUES "
        var start = 0
        while start < content.rows.count {
            let end = min(start + batch, content.rows.count)
            let slice = content.rows[start..<end]
            let sql = head + Array(repeating: tuple, count: slice.count).joined(separator: ", ")
            try tx.execute(sql, slice.flatMap { $0 })
            start = end
        }
    }

    /// A total order on rows, to compare two tables whatever order each backend returns them in.
    static func precedes(_ a: [StorageValue], _ b: [StorageValue]) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            return valuePrecedes(x, y)
        }
        return a.count < b.count
    }

    private static func valuePrecedes(_ x: StorageValue, _ y: StorageValue) -> Bool {
        switch (x, y) {
        case (.integer(let a), .integer(let b)): return a < b
        case (.text(let a), .text(let b)): return Array(a.utf8).lexicographicallyPrecedes(b.utf8)
        case (.blob(let a), .blob(let b)): return a.lexicographicallyPrecedes(b)
        default: return rank(x) < rank(y)
        }
    }

    private static func rank(_ value: StorageValue) -> Int {
        switch value {
        case .null: 0
        case .integer: 1
        case .text: 2
        case .blob: 3
        }
    }
}
