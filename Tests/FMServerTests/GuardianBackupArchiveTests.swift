import FMCore
import Foundation
import Testing

@testable import FMServer

/// Hostile or damaged backup files: refused before anything is written, never a crash, never a path of the file's
/// choosing.
@Suite struct GuardianBackupArchiveTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-gbackup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A backup file laid out by hand: magic, manifest length, `manifest`, `payload`, then the checksum of it all.
    func craft(_ manifest: String, payload: [UInt8] = [], checksum: [UInt8]? = nil) throws -> String {
        let manifestBytes = Array(manifest.utf8)
        var bytes = GuardianBackupArchive.magic
        bytes += withUnsafeBytes(of: UInt32(manifestBytes.count).bigEndian, Array.init)
        bytes += manifestBytes + payload
        bytes += checksum ?? Hash256.sha256(bytes).bytes
        let file = path("crafted-\(UUID().uuidString).fmbackup")
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    func manifest(_ files: String) -> String {
        """
        {"format":1,"fm_version":"0.1.0","federation_id":"\(String(repeating: "00", count: 32))","guardian_id":0,
        "block_height":0,"created_at":0,"files":[\(files)]}
        """
    }

    func invalidReason(_ file: String) -> String? {
        do {
            _ = try GuardianBackupReader(path: file)
            return nil
        } catch let error as GuardianBackupError {
            guard case .invalid(let why) = error else { return "\(error)" }
            return why
        } catch {
            return "\(error)"
        }
    }

    @Test func aWrittenBackupVerifiesAndAnyChangedByteIsRefused() throws {
        var sources: [(GuardianBackupEntry, String)] = []
        for entry in GuardianBackupEntry.allCases {
            try Data("contents of \(entry.rawValue)".utf8).write(to: URL(fileURLWithPath: path("src-\(entry.rawValue)")))
            sources.append((entry, path("src-\(entry.rawValue)")))
        }
        let base = GuardianBackupManifest(
            format: 1, fmVersion: "0.1.0", federationId: FederationID(Hash256.sha256([1])), guardianId: PeerID(3),
            blockHeight: 7, stateDigest: nil, createdAt: 1, files: [])
        let file = path("good.fmbackup")
        let (manifest, checksum) = try GuardianBackupArchive.write(base, files: sources, to: file)
        #expect(try GuardianBackupArchive.verify(file).checksum == checksum)
        #expect(manifest.files.map(\.name) == GuardianBackupEntry.allCases)
        #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // Writing over an existing file is refused.
        #expect(throws: GuardianBackupError.self) { _ = try GuardianBackupArchive.write(base, files: sources, to: file) }

        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        for index in [0, 30, original.count / 2, original.count - 1] {
            var damaged = original
            damaged[index] ^= 0x01
            let copy = path("damaged-\(index)")
            try damaged.write(to: URL(fileURLWithPath: copy))
            #expect(invalidReason(copy) != nil, "byte \(index)")
        }
        let truncated = path("truncated")
        try original.prefix(original.count - 40).write(to: URL(fileURLWithPath: truncated))
        #expect(invalidReason(truncated) != nil)
        let empty = path("empty")
        try Data().write(to: URL(fileURLWithPath: empty))
        #expect(invalidReason(empty)?.contains("too short") == true)
    }

    @Test func namesOutsideTheClosedSetSizesThatOverflowAndRepeatsAreRefused() throws {
        let digest = String(repeating: "00", count: 32)
        let traversal = try craft(manifest(#"{"name":"../../etc/passwd","size":1,"sha256":"\#(digest)"}"#), payload: [0])
        #expect(invalidReason(traversal)?.contains("manifest is not valid") == true)
        let overflow = try craft(manifest("""
            {"name":"consensus.json","size":18446744073709551615,"sha256":"\(digest)"},
            {"name":"local.json","size":2,"sha256":"\(digest)"}
            """), payload: [1, 2])
        #expect(invalidReason(overflow)?.contains("runs past the end") == true)
        let twice = try craft(manifest("""
            {"name":"local.json","size":1,"sha256":"\(digest)"},{"name":"local.json","size":1,"sha256":"\(digest)"}
            """), payload: [1, 2])
        #expect(invalidReason(twice)?.contains("listed twice") == true)
        let padded = try craft(manifest(#"{"name":"local.json","size":1,"sha256":"\#(digest)"}"#), payload: [1, 2])
        #expect(invalidReason(padded)?.contains("do not add up") == true)
        let missing = try craft(manifest(#"{"name":"local.json","size":1,"sha256":"\#(digest)"}"#), payload: [1])
        #expect(invalidReason(missing)?.contains("lacks") == true)
        let hugeManifest = path("huge")
        var bytes = GuardianBackupArchive.magic + [0xFF, 0xFF, 0xFF, 0xFF]
        bytes += [UInt8](repeating: 0, count: 64)
        try Data(bytes).write(to: URL(fileURLWithPath: hugeManifest))
        #expect(invalidReason(hugeManifest)?.contains("manifest length") == true)
    }

    @Test func restoreRefusesANonEmptyTargetAndAPlainPrivateConfigWritingNothing() throws {
        var sources: [(GuardianBackupEntry, String)] = []
        for entry in GuardianBackupEntry.allCases {
            let text = entry == .private ? #"{"consensus_secret_key":"00"}"# : "{}"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path("src-\(entry.rawValue)")))
            sources.append((entry, path("src-\(entry.rawValue)")))
        }
        let base = GuardianBackupManifest(
            format: 1, fmVersion: "0.1.0", federationId: FederationID(Hash256.sha256([1])), guardianId: PeerID(0),
            blockHeight: 0, stateDigest: nil, createdAt: 0, files: [])
        let file = path("plain.fmbackup")
        _ = try GuardianBackupArchive.write(base, files: sources, to: file)
        let target = path("target")
        #expect(throws: GuardianBackupError.privateConfigNotSealed) {
            _ = try GuardianRestore.restore(from: file, configDirectory: target, dataDirectory: nil)
        }
        #expect(!FileManager.default.fileExists(atPath: target))
        let occupied = path("occupied")
        try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: occupied + "/other"))
        let crafted = try craft(manifest(""))
        #expect(throws: GuardianBackupError.self) {
            _ = try GuardianRestore.restore(from: crafted, configDirectory: occupied, dataDirectory: nil)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: occupied) == ["other"])
    }
}
