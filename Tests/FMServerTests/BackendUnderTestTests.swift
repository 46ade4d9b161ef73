import FMCore
import FMServer
import FMServerCore
import FMServerTesting
import FMStorage
import FMTesting
import Testing

/// The server suites are one set of tests over two backends: `FM_TEST_STORAGE` picks where every in-process
/// guardian keeps its state, and `bin/test` runs these suites once with each. This checks that the harnesses
/// really follow it (a harness that opened SQLite regardless would pass both runs without testing PostgreSQL).
@Suite("The server suites' guardians keep their state in the backend under test (FM_TEST_STORAGE)")
struct BackendUnderTestTests {
    static var expected: SQLDialect { SQLDialect(rawValue: Backend.underTest.rawValue)! }

    @Test func aProcessorHarnessOpensTheBackendUnderTest() throws {
        let harness = try ProcessorHarness()
        #expect(harness.processor.database.dialect == Self.expected)
    }

    @Test func aGuardianNodeOpensTheBackendUnderTest() async throws {
        let guardian = try await SingleGuardianAPI(limits: LocalConfig.APILimits())
        defer { guardian.stop() }
        #expect(guardian.node.processor.database.dialect == Self.expected)
    }

    @Test func aGuardianPlaceOpensTheBackendUnderTest() throws {
        let places = GuardianPlaces()
        #expect(try places.open(PeerID(0), []).dialect == Self.expected)
    }
}
