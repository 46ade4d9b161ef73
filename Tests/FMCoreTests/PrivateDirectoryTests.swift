import FMCore
import Foundation
import Testing

@Suite("createPrivateDirectory (issue 16)")
struct PrivateDirectoryTests {
    private func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("an existing directory open to others is tightened to 0700; a new one is created 0700")
    func tightensExistingDirectory() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fm-private-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        #expect(try mode(root) == 0o755)
        try AtomicFile.createPrivateDirectory(root)
        #expect(try mode(root) == 0o700)
        let fresh = root + "/guardian"
        try AtomicFile.createPrivateDirectory(fresh)
        #expect(try mode(fresh) == 0o700)
    }

    @Test("a path that is a file is refused")
    func refusesAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fm-private-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        FileManager.default.createFile(atPath: file, contents: Data([1]))
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.createPrivateDirectory(file) }
    }
}
