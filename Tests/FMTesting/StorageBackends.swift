import FMDatabase
import FMPostgres
import FMStorage
import Foundation
import Logging
import Testing

/// The backends every conformance test runs against: the same test, a parameter (`@Test(arguments: Backend.allCases)`).
public enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    public var testDescription: String { rawValue }

    /// A fresh, empty database of this backend (PostgreSQL: skipped, or failed when required, without a server).
    public func place(sourceLocation: SourceLocation = #_sourceLocation) throws -> StoragePlace {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-storage-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return StoragePlace(location: .sqlite(directory: directory))
        case .postgres:
            let server = try TestPostgres.requireOrSkip(sourceLocation: sourceLocation)
            return StoragePlace(location: .postgres(server: server, url: try server.newDatabase()))
        }
    }
}

extension Backend {
    /// The backend the server suites keep guardian state in: `FM_TEST_STORAGE=postgres` runs them on PostgreSQL,
    /// anything else but `sqlite` (the default) stops the run. `.ci/run` runs the server suites once on each.
    public static let underTest: Backend = {
        let value = ProcessInfo.processInfo.environment["FM_TEST_STORAGE"] ?? ""
        guard let backend = value.isEmpty ? .sqlite : Backend(rawValue: value) else {
            fatalError("FM_TEST_STORAGE=\(value): expected sqlite or postgres")
        }
        return backend
    }()

    /// A fresh database of the backend under test.
    public static func placeUnderTest(sourceLocation: SourceLocation = #_sourceLocation) throws -> StoragePlace {
        try underTest.place(sourceLocation: sourceLocation)
    }
}

/// One database that tests open (and open again, as a restarted guardian would); closes what it opened.
public final class StoragePlace: @unchecked Sendable {
    public enum Location {
        case sqlite(directory: URL)
        case postgres(server: TestPostgres, url: PostgresURL)
    }

    public let location: Location
    private var opened: [PostgresStorage] = []

    public init(location: Location) {
        self.location = location
    }

    /// Tests wait at most this long for a server that is down, so a broken reconnect fails instead of hanging. No
    /// writer lock: tests open a database again, as a restarted guardian would, without closing the first handle
    /// (PostgresWriterLockTests tests the lock).
    public static let testOptions = PostgresStorage.Options(maxWait: .seconds(60), writerLockWait: nil)

    public func open(_ schemas: [StorageSchema] = [], options: PostgresStorage.Options = StoragePlace.testOptions) throws -> any Storage {
        switch location {
        case .sqlite(let directory):
            return try SQLiteStorage(path: directory.appendingPathComponent("guardian.sqlite").path, schemas: schemas)
        case .postgres(let server, let url):
            var logger = Logger(label: "fm.storage.test")
            logger.logLevel = .warning
            let storage = try PostgresStorage(url: url, password: server.password, schemas: schemas, logger: logger, options: options)
            opened.append(storage)
            return storage
        }
    }

    deinit {
        for storage in opened { storage.close() }
        if case .sqlite(let directory) = location { try? FileManager.default.removeItem(at: directory) }
    }
}
