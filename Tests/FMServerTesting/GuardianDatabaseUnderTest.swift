import FMCore
import FMServer
import FMStorage
import FMTesting
import Foundation
import Testing

extension Backend {
    /// A fresh database for one in-process guardian (`GuardianNode(…, database:)`): `.sqlite` keeps the node's own
    /// file, `.postgres` is a new, empty PostgreSQL database. A test that restarts a guardian passes it the same value
    /// again. The node's storage closes its connections when the node is released.
    public func guardianDatabase(sourceLocation: SourceLocation = #_sourceLocation) throws -> GuardianDatabase {
        switch self {
        case .sqlite:
            return .sqlite
        case .postgres:
            let server = try TestPostgres.requireOrSkip(sourceLocation: sourceLocation)
            return .postgres(try server.newDatabase(), password: server.password)
        }
    }

    /// One fresh database per guardian on the backend under test (`FM_TEST_STORAGE`).
    public static func guardianDatabasesUnderTest(_ count: Int, sourceLocation: SourceLocation = #_sourceLocation) throws -> [GuardianDatabase] {
        try (0..<count).map { _ in try underTest.guardianDatabase(sourceLocation: sourceLocation) }
    }
}

/// One database per guardian on a backend, the same one each time that guardian (re)starts; the places (and the
/// storages opened through them) live as long as this does.
public final class GuardianPlaces: @unchecked Sendable {
    public let backend: Backend
    private let lock = NSLock()
    private var places: [PeerID: StoragePlace] = [:]

    public init(backend: Backend = .underTest) {
        self.backend = backend
    }

    public func open(_ peer: PeerID, _ schemas: [StorageSchema]) throws -> any Storage {
        let place = try lock.withLock {
            if let place = places[peer] { return place }
            let place = try backend.place()
            places[peer] = place
            return place
        }
        return try place.open(schemas)
    }
}

extension LoopbackFederation {
    /// A loopback federation whose guardians keep their blocks on the backend under test (`FM_TEST_STORAGE`).
    public static func underTest(size: Int) async throws -> LoopbackFederation {
        let places = GuardianPlaces()
        return try await LoopbackFederation(size: size, openStorage: { try places.open($0, $1) })
    }
}
