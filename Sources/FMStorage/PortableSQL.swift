import Foundation

/// One statement of the portable SQL subset, as each backend runs it.
public struct PortableStatement: Sendable, Hashable {
    /// The statement as written (SQLite runs this).
    public let text: String
    /// The statement for PostgreSQL: `?` numbered `$1, $2, ...`, `BLOB` → `BYTEA`, `INTEGER` → `BIGINT` (SQLite's
    /// integers are 64-bit, PostgreSQL's `INTEGER` is 32-bit), `WITHOUT ROWID` (an SQLite storage hint) dropped.
    public let postgresText: String
    /// How many `?` placeholders it has, i.e. how many arguments it takes.
    public let placeholderCount: Int
    /// The first word, upper-cased (`SELECT`, `INSERT`, `CREATE`...).
    public let verb: String

    init(text: String, postgresText: String, placeholderCount: Int, verb: String) {
        self.text = text
        self.postgresText = postgresText
        self.placeholderCount = placeholderCount
        self.verb = verb
    }

    /// A statement the interface itself issues (transactions, savepoints), which module SQL may not.
    public static func control(_ text: String) -> PortableStatement {
        PortableStatement(text: text, postgresText: text, placeholderCount: 0, verb: String(text.prefix { $0 != " " }))
    }
}

/// Splits SQL into statements of the portable subset and rewrites them for PostgreSQL, with a small lexer that
/// leaves string literals, quoted identifiers and comments alone (a `?` or `;` inside `'...'` is text, not syntax).
///
/// Both backends parse every statement through here, so SQL outside the subset fails in the SQLite tests already
/// (``StorageError/Kind/notPortable``), not first in production on PostgreSQL. The subset
/// (docs/decisions/0003-storage-interface.md): positional `?` placeholders only; `INSERT ... ON CONFLICT ... DO
/// NOTHING | DO UPDATE` instead of `INSERT OR IGNORE | REPLACE`; no `PRAGMA`, no `AUTOINCREMENT`, no pattern matching
/// (`LIKE`, `GLOB`, `ILIKE`, `REGEXP`, `SIMILAR TO`), no `X'..'` blob
/// literals, no `::` casts, no `$`-quoting; transactions and savepoints only through the interface.
public enum PortableSQL {
    public static func parse(_ sql: String) throws(StorageError) -> [PortableStatement] {
        if let cached = cache.get(sql) { return cached }
        let statements = try Lexer(sql).statements()
        cache.put(sql, statements)
        return statements
    }

    private static let cache = ParseCache()

    /// Statements are static strings in the modules, so a small cache makes the lexing cost once per statement.
    private final class ParseCache: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [String: [PortableStatement]] = [:]

        func get(_ sql: String) -> [PortableStatement]? { lock.withLock { entries[sql] } }

        func put(_ sql: String, _ statements: [PortableStatement]) {
            lock.withLock {
                if entries.count >= 4096 { entries.removeAll(keepingCapacity: true) }  // bounded; dynamic SQL must not grow it
                entries[sql] = statements
            }
        }
    }
}

private struct Lexer {
    let bytes: [UInt8]
    let sql: String

    init(_ sql: String) {
        self.sql = sql
        bytes = Array(sql.utf8)
    }

    /// One statement being read: its text for SQLite, its rewritten text for PostgreSQL, its words.
    private struct Pending {
        var start: Int
        var postgres: [UInt8] = []
        var placeholders = 0
        var words: [String] = []  // upper-cased words outside literals, identifiers and comments
        var wordStartsInPostgres: [Int] = []
    }

    func statements() throws(StorageError) -> [PortableStatement] {
        var result: [PortableStatement] = []
        var pending = Pending(start: 0)
        var i = 0
        func fail(_ reason: String) -> StorageError {
            StorageError(.notPortable, "\(reason), outside the portable SQL subset: \(sql)")
        }
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                let end = try skipQuoted(from: i, quote: byte)
                pending.postgres.append(contentsOf: bytes[i..<end])
                i = end
            case UInt8(ascii: "-") where next(i) == UInt8(ascii: "-"):
                var end = i
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                pending.postgres.append(contentsOf: bytes[i..<end])
                i = end
            case UInt8(ascii: "/") where next(i) == UInt8(ascii: "*"):
                guard let close = find([UInt8(ascii: "*"), UInt8(ascii: "/")], from: i + 2) else {
                    throw StorageError(.misuse, "unterminated comment in: \(sql)")
                }
                pending.postgres.append(contentsOf: bytes[i..<close + 2])
                i = close + 2
            case UInt8(ascii: "?"):
                if let following = next(i), isDigit(following) { throw fail("a numbered placeholder (?NNN)") }
                pending.placeholders += 1
                pending.postgres.append(contentsOf: Array("$\(pending.placeholders)".utf8))
                i += 1
            case UInt8(ascii: ":"):
                if let following = next(i), following == UInt8(ascii: ":") || isWordStart(following) {
                    throw fail(following == UInt8(ascii: ":") ? "a :: cast" : "a named placeholder (:name)")
                }
                pending.postgres.append(byte)
                i += 1
            case UInt8(ascii: "@"), UInt8(ascii: "$"), UInt8(ascii: "`"), UInt8(ascii: "["):
                throw fail("'\(Character(Unicode.Scalar(byte)))' (named placeholders, $-quoting and SQLite-only quoting)")
            case UInt8(ascii: ";"):
                try finish(&pending, end: i, into: &result)
                i += 1
                pending = Pending(start: i)
            case _ where isWordStart(byte):
                var end = i
                while end < bytes.count, isWordPart(bytes[end]) { end += 1 }
                let word = String(decoding: bytes[i..<end], as: UTF8.self).uppercased()
                if word == "X", end < bytes.count, bytes[end] == UInt8(ascii: "'") { throw fail("an X'..' blob literal (bind the bytes)") }
                pending.wordStartsInPostgres.append(pending.postgres.count)
                pending.words.append(word)
                switch word {
                case "BLOB": pending.postgres.append(contentsOf: Array("BYTEA".utf8))
                case "INTEGER": pending.postgres.append(contentsOf: Array("BIGINT".utf8))
                default: pending.postgres.append(contentsOf: bytes[i..<end])
                }
                i = end
            case _ where isDigit(byte):
                var end = i  // a number, letters and dots included (1e5, 0x1F): never a keyword
                while end < bytes.count, isWordPart(bytes[end]) || bytes[end] == UInt8(ascii: ".") { end += 1 }
                pending.postgres.append(contentsOf: bytes[i..<end])
                i = end
            default:
                pending.postgres.append(byte)
                i += 1
            }
        }
        try finish(&pending, end: bytes.count, into: &result)
        return result
    }

    private func finish(_ pending: inout Pending, end: Int, into result: inout [PortableStatement]) throws(StorageError) {
        guard let verb = pending.words.first else { return }  // only blanks and comments
        func fail(_ reason: String) -> StorageError {
            StorageError(.notPortable, "\(reason), outside the portable SQL subset: \(sql)")
        }
        let words = pending.words
        switch verb {
        case "PRAGMA": throw fail("PRAGMA is SQLite's")
        case "REPLACE": throw fail("REPLACE INTO (use INSERT ... ON CONFLICT (...) DO UPDATE)")
        case "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE":
            throw StorageError(.misuse, "transactions and savepoints belong to the storage interface (inSavepoint), not to SQL: \(sql)")
        default: break
        }
        for (index, word) in words.enumerated() {
            if word == "INSERT", index + 1 < words.count, words[index + 1] == "OR" {
                throw fail("INSERT OR ... (use INSERT ... ON CONFLICT DO NOTHING or DO UPDATE)")
            }
            if word == "AUTOINCREMENT" { throw fail("AUTOINCREMENT") }
            // Review 8 (open since review 4): SQLite's LIKE ignores ASCII case and PostgreSQL's does not; GLOB and
            // REGEXP are SQLite's, ILIKE and SIMILAR TO PostgreSQL's. A pattern match would decide one item two ways.
            if ["LIKE", "GLOB", "ILIKE", "REGEXP", "SIMILAR"].contains(word) { throw fail("\(word) (pattern matching differs)") }
        }
        var postgres = pending.postgres
        // `WITHOUT ROWID` goes, last word first so the earlier offset stays valid.
        for index in words.indices.reversed() where index > 0 && words[index - 1] == "WITHOUT" && words[index] == "ROWID" {
            let from = pending.wordStartsInPostgres[index - 1]
            let to = pending.wordStartsInPostgres[index] + "ROWID".utf8.count
            postgres.removeSubrange(from..<to)
        }
        let text = String(decoding: bytes[pending.start..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        result.append(PortableStatement(
            text: text,
            postgresText: String(decoding: postgres, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
            placeholderCount: pending.placeholders, verb: verb))
    }

    /// The index just past the closing quote; a doubled quote inside is an escaped quote.
    private func skipQuoted(from start: Int, quote: UInt8) throws(StorageError) -> Int {
        var i = start + 1
        while i < bytes.count {
            if bytes[i] == quote {
                if i + 1 < bytes.count, bytes[i + 1] == quote { i += 2; continue }
                return i + 1
            }
            i += 1
        }
        throw StorageError(.misuse, "unterminated \(quote == UInt8(ascii: "'") ? "string literal" : "quoted identifier") in: \(sql)")
    }

    private func next(_ i: Int) -> UInt8? { i + 1 < bytes.count ? bytes[i + 1] : nil }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        var i = start
        while i + needle.count <= bytes.count {
            if Array(bytes[i..<i + needle.count]) == needle { return i }
            i += 1
        }
        return nil
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func isWordStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private func isWordPart(_ byte: UInt8) -> Bool { isWordStart(byte) || isDigit(byte) }
}
