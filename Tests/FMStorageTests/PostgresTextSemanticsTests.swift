import FMTesting
import FMPostgres
import FMStorage
import Foundation
import Testing

/// A PostgreSQL database that stores text unlike SQLite would let a PostgreSQL guardian refuse an item that a SQLite
/// guardian accepts (a character outside LATIN1: SQLSTATE 22P05, a deterministic rejection), splitting the
/// federation (review 7): such a database is refused at open, before anything is written. (Databases created as
/// the operator guide says, UTF8 with C collation, open in every other PostgreSQL test.)
struct PostgresTextSemanticsTests {
    @Test func aLatin1DatabaseIsRefusedAtOpenNamingWhatFmNeeds() throws {
        let server = try TestPostgres.requireOrSkip()
        let url = try server.newDatabase(options: "ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'")
        #expect {
            try PostgresStorage(url: url, password: server.password, schemas: [], options: StoragePlace.testOptions).close()
        } throws: { error in
            guard case .textSemantics(let message) = error as? DatabaseSetupError else { return false }
            return message.contains("LATIN1") && message.contains("UTF8")
        }
    }

    /// Review 8: `datcollate` is libc's setting only. A database whose default collation comes from ICU (PostgreSQL
    /// 15+: `LOCALE_PROVIDER icu`) reports `C` there yet orders 'a' before 'B', unlike SQLite; it is refused too.
    @Test func anICUCollatedDatabaseIsRefusedAtOpen() throws {
        let server = try TestPostgres.requireOrSkip()
        let url = try server.newDatabase(options: "ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en' LC_COLLATE 'C' LC_CTYPE 'C'")
        #expect {
            try PostgresStorage(url: url, password: server.password, schemas: [], options: StoragePlace.testOptions).close()
        } throws: { error in
            guard case .textSemantics(let message) = error as? DatabaseSetupError else { return false }
            return message.contains("does not order text by byte")
        }
    }

    /// Review 8: `synchronous_commit = off` on the database (or role) acknowledges a COMMIT before it is durable; a
    /// guardian acts on a block once it commits, so such a database is refused at open.
    @Test func aDatabaseWithoutDurableCommitsIsRefusedAtOpen() throws {
        let server = try TestPostgres.requireOrSkip()
        let url = try server.newDatabase()
        try server.psql("ALTER DATABASE \(url.database) SET synchronous_commit = off")
        #expect {
            try PostgresStorage(url: url, password: server.password, schemas: [], options: StoragePlace.testOptions).close()
        } throws: { error in
            guard case .cannotOpen(_, let reason) = error as? DatabaseSetupError else { return false }
            return reason.contains("synchronous_commit")
        }
        try server.psql("ALTER DATABASE \(url.database) SET synchronous_commit = on")
        try PostgresStorage(url: url, password: server.password, schemas: [], options: StoragePlace.testOptions).close()
    }
}
