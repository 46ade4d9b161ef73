import Crypto
import FMCore
import Foundation

/// A guardian backup file opened for restoring: its layout, manifest and checksum are checked when it is opened,
/// before anything is written; every file's own digest again as it is extracted.
struct GuardianBackupReader {
    struct Located {
        let offset: UInt64
        let file: GuardianBackupManifest.File
    }

    let path: String
    let manifest: GuardianBackupManifest
    let entries: [GuardianBackupEntry: Located]
    /// The SHA-256 of the whole backup (its last 32 bytes), hex.
    let checksum: String

    typealias Archive = GuardianBackupArchive

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw GuardianBackupError.invalid("'\(path)' cannot be read") }
        defer { try? handle.close() }
        self.path = path
        let size = try handle.seekToEnd()
        let fixed = UInt64(Archive.magic.count + 4 + Archive.checksumBytes)
        guard size >= fixed else { throw GuardianBackupError.invalid("too short (\(size) bytes)") }
        try handle.seek(toOffset: 0)
        guard try Self.read(handle, Archive.magic.count) == Archive.magic else {
            throw GuardianBackupError.invalid("it does not start with the guardian backup magic line")
        }
        let length = try Self.read(handle, 4).reduce(0) { $0 << 8 | Int($1) }
        guard length <= Archive.maxManifestBytes, UInt64(length) <= size - fixed else {
            throw GuardianBackupError.invalid("manifest length \(length) does not fit the file")
        }
        do {
            manifest = try JSONConventions.decoder().decode(GuardianBackupManifest.self, from: Data(try Self.read(handle, length)))
        } catch {
            throw GuardianBackupError.invalid("the manifest is not valid (\(error))")
        }
        guard manifest.format == Archive.formatVersion else {
            throw GuardianBackupError.invalid("format \(manifest.format), this fm-node reads format \(Archive.formatVersion)")
        }
        var entries: [GuardianBackupEntry: Located] = [:]
        var offset = UInt64(Archive.magic.count + 4 + length)
        for file in manifest.files {
            guard entries[file.name] == nil else { throw GuardianBackupError.invalid("\(file.name.rawValue) is listed twice") }
            entries[file.name] = Located(offset: offset, file: file)
            let (end, overflow) = offset.addingReportingOverflow(file.size)
            guard !overflow, end <= size - UInt64(Archive.checksumBytes) else {
                throw GuardianBackupError.invalid("\(file.name.rawValue)'s size runs past the end of the file")
            }
            offset = end
        }
        guard offset == size - UInt64(Archive.checksumBytes) else {
            throw GuardianBackupError.invalid("the files' sizes do not add up to the file's length (truncated or padded)")
        }
        let missing = GuardianBackupEntry.required.subtracting(entries.keys)
        guard missing.isEmpty else {
            throw GuardianBackupError.invalid("it lacks \(missing.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        self.entries = entries
        try handle.seek(toOffset: 0)
        var hasher = SHA256()
        var remaining = offset
        while remaining > 0 {
            let chunk = try Self.read(handle, Int(min(remaining, UInt64(Archive.copyChunk))))
            hasher.update(data: chunk)
            remaining -= UInt64(chunk.count)
        }
        let stored = try Self.read(handle, Archive.checksumBytes)
        guard Array(hasher.finalize()) == stored else {
            throw GuardianBackupError.invalid("its SHA-256 checksum does not match (damaged or altered)")
        }
        checksum = Hex.encode(stored)
    }

    /// The bytes of a small file (a config), checked against its digest; nil when the backup does not hold it.
    func contents(of entry: GuardianBackupEntry, limit: UInt64 = 16 << 20) throws -> [UInt8]? {
        guard let located = entries[entry] else { return nil }
        guard located.file.size <= limit else { throw GuardianBackupError.invalid("\(entry.rawValue) is too large") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw GuardianBackupError.invalid("'\(path)' cannot be read") }
        defer { try? handle.close() }
        try handle.seek(toOffset: located.offset)
        let bytes = try Self.read(handle, Int(located.file.size))
        guard Hex.encode(Array(SHA256.hash(data: bytes))) == located.file.sha256 else {
            throw GuardianBackupError.invalid("\(entry.rawValue) does not match its digest")
        }
        return bytes
    }

    /// Copies `entry` to `target` (created with `mode`; it must not exist), checked against its digest.
    func extract(_ entry: GuardianBackupEntry, to target: String, mode: mode_t) throws {
        guard let located = entries[entry] else { throw GuardianBackupError.invalid("it lacks \(entry.rawValue)") }
        guard let input = FileHandle(forReadingAtPath: path) else { throw GuardianBackupError.invalid("'\(path)' cannot be read") }
        defer { try? input.close() }
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw GuardianBackupError.io("cannot create \(target): \(String(cString: strerror(errno)))") }
        let output = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        try input.seek(toOffset: located.offset)
        var hasher = SHA256()
        var remaining = located.file.size
        while remaining > 0 {
            let chunk = try Self.read(input, Int(min(remaining, UInt64(GuardianBackupArchive.copyChunk))))
            hasher.update(data: chunk)
            try output.write(contentsOf: chunk)
            remaining -= UInt64(chunk.count)
        }
        fchmod(fd, mode)
        try output.synchronize()
        try output.close()
        guard Hex.encode(Array(hasher.finalize())) == located.file.sha256 else {
            throw GuardianBackupError.invalid("\(entry.rawValue) does not match its digest")
        }
    }

    /// Exactly `count` bytes, or an error (the file ended early).
    private static func read(_ handle: FileHandle, _ count: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            guard let chunk = try handle.read(upToCount: count - bytes.count), !chunk.isEmpty else {
                throw GuardianBackupError.invalid("it ends early")
            }
            bytes += chunk
        }
        return bytes
    }
}
