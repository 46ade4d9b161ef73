import FMCore
import FMServer
import Foundation
import Testing

/// The test faults of `fm-node` (``GuardianTestFaults``: `FM_TEST_BYZANTINE_CONSENSUS`, `FM_TEST_MINT_INVALID_SHARES`,
/// `FM_TEST_LN_INVALID_SHARES`, `FM_TEST_MINT_BAD_HISTORY`, `FM_TEST_BACKUP_FAULT`,
/// `FM_TEST_SECOND_MODULE_VERSION`) are switched on only through the guardian process's own
/// environment, never by a peer or a client, and a guardian of a production (non-dev) federation refuses to start
/// with any of them (docs/threat-model.md §6, "Test faults").
@Suite struct TestFaultGatingTests {
    static func node(devMode: Bool, environment: [String: String], directory: URL) throws -> GuardianNode {
        let configs = try TestingDealer.generateForTesting(guardians: 1, basePort: 30_000, devMode: devMode)[0]
        return try GuardianNode(
            configs: configs, databasePath: directory.appendingPathComponent("g-\(UUID().uuidString).sqlite").path,
            registry: GuardianTestFaults.registry(environment: environment),
            byzantineForTesting: GuardianTestFaults.byzantineConsensus(in: environment),
            backupFaultForTesting: GuardianTestFaults.backupFault(environment: environment),
            secondModuleVersionForTesting: GuardianTestFaults.secondModuleVersion(in: environment))
    }

    static let faults: [[String: String]] = [
        [GuardianTestFaults.byzantineConsensusVariable: "1"], [GuardianTestFaults.invalidSharesVariable: "1"],
        [GuardianTestFaults.badHistoryVariable: "1"], [GuardianTestFaults.backupFaultVariable: "tamper"],
        [GuardianTestFaults.lightningInvalidSharesVariable: "1"], [GuardianTestFaults.secondModuleVersionVariable: "mint"],
    ]

    @Test func aProductionGuardianRefusesToStartWithAnyTestFault() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-faults-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for environment in Self.faults {
            #expect(GuardianTestFaults.active(in: environment).count == 1)
            #expect(throws: (any Error).self, "\(environment) accepted on a production federation") {
                _ = try Self.node(devMode: false, environment: environment, directory: directory)
            }
            // The same fault on a dev federation starts (what the process tests rely on).
            _ = try Self.node(devMode: true, environment: environment, directory: directory)
        }
        // Only the exact value switches a fault on.
        for value in ["true", "yes", "", "01"] {
            #expect(GuardianTestFaults.active(in: [GuardianTestFaults.byzantineConsensusVariable: value]).isEmpty)
            #expect(GuardianTestFaults.active(in: [GuardianTestFaults.lightningInvalidSharesVariable: value]).isEmpty)
        }
        _ = try Self.node(devMode: false, environment: [:], directory: directory)
    }

    @Test func aSecondVersionOnlyForAModuleThatHasOne() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-faults-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let node = try Self.node(devMode: true, environment: [GuardianTestFaults.secondModuleVersionVariable: "mint"], directory: directory)
        #expect(node.supportedConsensusVersions.versions(of: "mint") == [1, 2])
        #expect(node.supportedConsensusVersions.versions(of: "wallet") == [1])
        #expect(try Self.node(devMode: true, environment: [:], directory: directory).supportedConsensusVersions.versions(of: "mint") == [1])
        #expect(throws: (any Error).self) {
            _ = try Self.node(devMode: true, environment: [GuardianTestFaults.secondModuleVersionVariable: "wallet"], directory: directory)
        }
    }
}
