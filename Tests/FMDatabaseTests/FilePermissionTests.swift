import FMDatabase
import Foundation
import Testing

@Suite("The database files are the owner's alone (issue 16)")
struct FilePermissionTests {
    private func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("a new database and its -wal and -shm are created 0600 whatever the umask allows")
    func newDatabaseIsPrivate() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("guardian.sqlite")
        let database = try SQLiteDatabase(path: path, schemas: [])
        try database.pool.write { db in try db.execute(sql: "CREATE TABLE t (x INTEGER)") }
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(FileManager.default.fileExists(atPath: file), "\(file) missing")
            let found = try mode(file)
            #expect(found == 0o600, "\(file) has mode \(String(found, radix: 8))")
        }
    }

    @Test("an existing database left readable by others is tightened to 0600 when opened")
    func existingDatabaseIsTightened() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("guardian.sqlite")
        do {
            let database = try SQLiteDatabase(path: path, schemas: [])
            try database.pool.write { db in try db.execute(sql: "CREATE TABLE t (x INTEGER)") }
        }
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        }
        _ = try SQLiteDatabase(path: path, schemas: [])
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            let found = try mode(file)
            #expect(found == 0o600, "\(file) has mode \(String(found, radix: 8))")
        }
    }
}
