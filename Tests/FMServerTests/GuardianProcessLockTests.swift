import FMServer
import Foundation
import Testing

@Suite struct GuardianProcessLockTests {
    /// One holder at a time (flock on one open file description per holder, so this holds within one process as well
    /// as across processes); released when the holder goes, as the kernel releases it when `fm-node run` exits.
    @Test func oneHolderAtATimeAndReleasedWithIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(GuardianProcessLock.fileName).path
        var first: GuardianProcessLock? = try GuardianProcessLock(configDirectory: directory.path)
        #expect(throws: GuardianProcessLockError.held(path: path)) { try GuardianProcessLock(configDirectory: directory.path) }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        withExtendedLifetime(first) {}
        first = nil
        let second = try GuardianProcessLock(configDirectory: directory.path)
        withExtendedLifetime(second) {}
        #expect(throws: GuardianProcessLockError.cannotOpen(path: "/nonexistent-fm/\(GuardianProcessLock.fileName)", reason: "No such file or directory")) {
            try GuardianProcessLock(configDirectory: "/nonexistent-fm")
        }
    }
}
