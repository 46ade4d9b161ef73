import FMTesting
import FMPostgres
import FMStorage
import Foundation
import Testing

/// PostgreSQL restarted under a running guardian: the transaction that was cut off fails with an environmental
/// error (the guardian aborts the block), and the next one waits for the server and goes on with everything that
/// was committed. On a private cluster of its own, since it stops the server.
@Suite(.serialized) struct PostgresReconnectTests {
    static let schema = StorageSchema(prefix: "r", migrations: [
        StorageMigration("1") { tx in try tx.execute("CREATE TABLE r_blocks (height INTEGER PRIMARY KEY NOT NULL)") },
    ])

    /// A cluster only this suite uses (it is stopped and started), with a fresh database.
    static func privateServer() throws -> (TestPostgres, PostgresURL) {
        let server = try TestPostgres.available(TestPostgres.startCluster(), sourceLocation: #_sourceLocation)
        return (server, try server.newDatabase())
    }

    static func heights(_ storage: PostgresStorage) throws -> [Int64] {
        try storage.readNow { try $0.fetchAll("SELECT height FROM r_blocks ORDER BY height").map { try $0.int64(0) } }
    }

    @Test func theNextTransactionWaitsForARestartedServerAndResumes() async throws {
        let (server, url) = try Self.privateServer()
        let storage = try PostgresStorage(url: url, password: server.password, schemas: [Self.schema], options: StoragePlace.testOptions)
        defer { storage.close() }
        try storage.writeNow { tx in try tx.execute("INSERT INTO r_blocks (height) VALUES (1)") }

        // Restarted while idle: the dead connection is noticed at BEGIN and replaced, invisibly.
        try server.stop()
        try server.start()
        try storage.writeNow { tx in try tx.execute("INSERT INTO r_blocks (height) VALUES (2)") }
        #expect(try Self.heights(storage) == [1, 2])

        // Down when a block is to be applied: the write waits until the server is back, then commits.
        try server.stop()
        let started = ContinuousClock.now
        let write = Task { try await storage.write { tx in try tx.execute("INSERT INTO r_blocks (height) VALUES (3)") } }
        try await Task.sleep(for: .seconds(2))
        try server.start()
        _ = try await write.value
        #expect(ContinuousClock.now - started >= .seconds(2))
        #expect(try Self.heights(storage) == [1, 2, 3])
    }

    @Test func aTransactionCutOffByTheServerFailsAsEnvironmentalAndKeepsNothing() throws {
        let (server, url) = try Self.privateServer()
        let storage = try PostgresStorage(url: url, password: server.password, schemas: [Self.schema], options: StoragePlace.testOptions)
        defer { storage.close() }
        let error = try #require(throws: StorageError.self) {
            try storage.writeNow { tx in
                try tx.execute("INSERT INTO r_blocks (height) VALUES (1)")
                try server.stop()  // the server dies in the middle of the block
                try tx.execute("INSERT INTO r_blocks (height) VALUES (2)")
            }
        }
        #expect(error.kind == .connectionLost && error.isEnvironmental, "\(error)")
        try server.start()
        #expect(try Self.heights(storage).isEmpty)
        try storage.writeNow { tx in try tx.execute("INSERT INTO r_blocks (height) VALUES (1)") }
        #expect(try Self.heights(storage) == [1])
    }

    /// A guardian stopping (SIGTERM) while its database is down: the transaction waiting for the server gives up at
    /// once instead of holding the shutdown until the server answers (review 10), whatever the configured wait.
    @Test func stopWaitingEndsTheWaitForAnUnreachableServer() async throws {
        let (server, url) = try Self.privateServer()
        let storage = try PostgresStorage(url: url, password: server.password, schemas: [Self.schema], options: StoragePlace.testOptions)
        defer { storage.close() }
        try server.stop()
        defer { try? server.start() }
        let write = Task { try await storage.write { tx in try tx.execute("INSERT INTO r_blocks (height) VALUES (1)") } }
        try await Task.sleep(for: .seconds(1))
        let stopping = ContinuousClock.now
        storage.stopWaiting()
        let error = await #expect(throws: StorageError.self) { try await write.value }
        #expect(error?.kind == .unavailable, "\(String(describing: error))")
        #expect(ContinuousClock.now - stopping < .seconds(3))
    }

    @Test func anUnreachableServerIsWaitedForOnlyUpToTheConfiguredLimit() throws {
        let (server, url) = try Self.privateServer()
        let storage = try PostgresStorage(
            url: url, password: server.password, schemas: [Self.schema], options: .init(maxWait: .seconds(1)))
        defer { storage.close() }
        try server.stop()
        let error = try #require(throws: StorageError.self) { try storage.writeNow { tx in try tx.execute("SELECT 1") } }
        #expect(error.kind == .unavailable && error.isEnvironmental, "\(error)")
        try server.start()
    }
}
