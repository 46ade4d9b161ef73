import FMServer
import Foundation
import Testing

@Suite struct GuardianProcessLockTests {
    /// One holder at a time (flock on one open file description per holder, so this holds within one process as well
    /// as across processes); released when the holder goes, as the kernel releases it when `fm-node run` exits. The
    /// directory is left as it was (no lock file: restore wants it empty, a read-only one must still work).
    @Test func oneHolderAtATimeAndReleasedWithIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var first: GuardianProcessLock? = try GuardianProcessLock(configDirectory: directory.path)
        #expect(throws: GuardianProcessLockError.held(path: directory.path)) { try GuardianProcessLock(configDirectory: directory.path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        withExtendedLifetime(first) {}
        first = nil
        let second = try GuardianProcessLock(configDirectory: directory.path)
        withExtendedLifetime(second) {}
        // A mistyped directory is the user's input at fault (exit 2), not a lock failure.
        #expect(throws: GuardianProcessLockError.noDirectory(path: "/nonexistent-fm")) {
            try GuardianProcessLock(configDirectory: "/nonexistent-fm")
        }
        #expect(GuardianProcessLockError.noDirectory(path: "/x").category == .badInput)
    }

    /// Any local user who can open the directory can flock it (read permission is enough): a config directory left
    /// open to others (0755, as mkdir or a copy makes it) is tightened to its owner when the lock is taken, so that no
    /// other user can hold the lock and keep the guardian from starting.
    @Test func directoryOpenToOthersIsTightenedToItsOwner() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(chmod(directory.path, 0o755) == 0)
        let lock = try GuardianProcessLock(configDirectory: directory.path)
        withExtendedLifetime(lock) {}
        var status = stat()
        #expect(stat(directory.path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o700)
    }
}
