import FMClientCore
import FMCore
import FMDatabase
import Foundation
import GRDB
import Synchronization
import Testing

/// A three-step operation whose every transition also writes a row to a module table, to check that
/// state and effects commit together and that a crash between steps resumes where it stopped.
struct CountingMachine: OperationStateMachine {
    static let kind: OperationKind = "test-count"

    final class Environment: Sendable {
        /// Triggers that fail (simulating a process killed or the federation gone) at these steps.
        let failAt: Mutex<Set<Int>>
        let triggers = Mutex(0)
        init(failAt: Set<Int> = []) { self.failAt = Mutex(failAt) }
    }

    struct Interrupted: Error {}

    var step: Int
    var ending: OperationEnding? { step == 3 ? .succeeded(result: .string("done")) : nil }

    func trigger(in environment: Environment) async throws -> Int {
        environment.triggers.withLock { $0 += 1 }
        if environment.failAt.withLock({ $0.remove(step) != nil }) { throw Interrupted() }
        return step + 1
    }

    func transition(on event: Int, in database: Database) throws -> CountingMachine {
        try database.execute(sql: "INSERT INTO test_effects (step) VALUES (?)", arguments: [event])
        return CountingMachine(step: event)
    }
}

/// Records, at each transition, the writer's `synchronous` setting the transition commits under (2 = FULL, 1 = NORMAL);
/// its second step says it need not be durable.
struct DurabilityProbeMachine: OperationStateMachine {
    static let kind: OperationKind = "test-durability"
    var step: Int
    var ending: OperationEnding? { step == 3 ? .succeeded(result: .null) : nil }
    func trigger(in environment: Void) async throws -> Int { step + 1 }
    static func transitionIsDurable(on event: Int) -> Bool { event != 2 }
    func transition(on event: Int, in database: Database) throws -> DurabilityProbeMachine {
        let synchronous = try Int.fetchOne(database, sql: "PRAGMA synchronous") ?? -1
        try database.execute(sql: "INSERT INTO test_effects (step) VALUES (?)", arguments: [event * 10 + synchronous])
        return DurabilityProbeMachine(step: event)
    }
}

func makeDatabase() throws -> (SQLiteDatabase, String) {
    let directory = NSTemporaryDirectory() + "fm-client-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let testSchema = SubsystemSchema(prefix: "test", migrations: [
        SchemaMigration("v1") { db in try db.execute(sql: "CREATE TABLE test_effects (step INTEGER NOT NULL UNIQUE)") }
    ])
    let path = directory + "/client.sqlite"
    return (try SQLiteDatabase(path: path, schemas: [ClientSchema.schema, testSchema]), path)
}

@Suite struct OperationExecutorTests {
    @Test func runsToTheEndAndRecordsTheResult() async throws {
        let (database, _) = try makeDatabase()
        let log = OperationLog(database: database)
        let id = OperationID.random()
        try database.writeNow { db in try OperationLog.insert(CountingMachine(step: 0), id: id, in: db) }
        #expect(try await log.running().map(\.id) == [id])

        let record = try await OperationExecutor(log: log).drive(CountingMachine.self, id: id, environment: .init())
        #expect(record.status == .succeeded)
        #expect(record.result == .string("done"))
        #expect(record.kind == "test-count")
        #expect(try await log.running().isEmpty)
        #expect(try database.readNow { db in try Int.fetchAll(db, sql: "SELECT step FROM test_effects ORDER BY step") } == [1, 2, 3])
    }

    @Test func interruptedOperationResumesFromItsLastCommittedState() async throws {
        let (database, path) = try makeDatabase()
        let id = OperationID.random()
        try database.writeNow { db in try OperationLog.insert(CountingMachine(step: 0), id: id, in: db) }
        let environment = CountingMachine.Environment(failAt: [2])
        await #expect(throws: CountingMachine.Interrupted.self) {
            try await OperationExecutor(log: OperationLog(database: database)).drive(
                CountingMachine.self, id: id, environment: environment)
        }
        // A new process opens the same file and finds the operation half done.
        let reopened = try SQLiteDatabase(path: path, schemas: [ClientSchema.schema, SubsystemSchema(prefix: "test", migrations: [
            SchemaMigration("v1") { db in try db.execute(sql: "CREATE TABLE test_effects (step INTEGER NOT NULL UNIQUE)") }
        ])])
        let log = OperationLog(database: reopened)
        let pending = try #require(try await log.running().first)
        #expect(pending.id == id)
        #expect(pending.state == .object(["step": .integer(2)]))

        let record = try await OperationExecutor(log: log).drive(CountingMachine.self, id: id, environment: environment)
        #expect(record.status == .succeeded)
        // Each effect was written exactly once (UNIQUE would have failed otherwise).
        #expect(try reopened.readNow { db in try Int.fetchAll(db, sql: "SELECT step FROM test_effects ORDER BY step") } == [1, 2, 3])
    }

    @Test func endedOperationIsNotTriggeredAgain() async throws {
        let (database, _) = try makeDatabase()
        let log = OperationLog(database: database)
        let id = OperationID.random()
        try database.writeNow { db in try OperationLog.insert(CountingMachine(step: 3), id: id, in: db) }
        let environment = CountingMachine.Environment()
        let record = try await OperationExecutor(log: log).drive(CountingMachine.self, id: id, environment: environment)
        #expect(record.status == .succeeded)
        #expect(environment.triggers.withLock { $0 } == 0)
    }

    @Test func unknownOperationIsReported() async throws {
        let (database, _) = try makeDatabase()
        let id = OperationID.random()
        await #expect(throws: OperationError.unknown(id)) {
            try await OperationExecutor(log: OperationLog(database: database)).drive(
                CountingMachine.self, id: id, environment: .init())
        }
    }

    /// A step the machine calls repeatable commits without a flush; the steps around it, and every write after it,
    /// commit durably (`synchronous = FULL`).
    @Test func aRepeatableStepCommitsDeferredAndTheNextStepsDurably() async throws {
        let (database, _) = try makeDatabase()
        let id = OperationID.random()
        try database.writeNow { db in try OperationLog.insert(DurabilityProbeMachine(step: 0), id: id, in: db) }
        let record = try await OperationExecutor(log: OperationLog(database: database)).drive(
            DurabilityProbeMachine.self, id: id, environment: ())
        #expect(record.status == .succeeded)
        #expect(try database.readNow { db in try Int.fetchAll(db, sql: "SELECT step FROM test_effects ORDER BY step") } == [12, 21, 32])
        #expect(try await database.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
    }

    @Test func derivationIndicesAreReservedOnce() throws {
        let (database, _) = try makeDatabase()
        let mint = ModuleInstanceID(0)
        let first = try database.writeNow { db in try DerivationIndices.reserve(3, module: mint, purpose: "note", in: db) }
        let second = try database.writeNow { db in try DerivationIndices.reserve(1, module: mint, purpose: "note", in: db) }
        let other = try database.writeNow { db in try DerivationIndices.reserve(1, module: mint, purpose: "other", in: db) }
        #expect((first, second, other) == (0, 3, 0))
        try database.writeNow { db in try DerivationIndices.raise(to: 10, module: mint, purpose: "note", in: db) }
        try database.writeNow { db in try DerivationIndices.raise(to: 5, module: mint, purpose: "note", in: db) }
        #expect(try database.readNow { db in try DerivationIndices.next(module: mint, purpose: "note", in: db) } == 10)
    }
}
