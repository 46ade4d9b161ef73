import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file writes: the contents go to a temporary file in the same
/// directory, created with the final permissions (so a secret is never
/// readable by others, even for an instant), flushed to disk, then renamed
/// over the target. A crash leaves either the old file or the new one.
public enum AtomicFile {
    /// Owner read/write only: every secret fm writes.
    public static let secretMode: mode_t = 0o600
    public static let publicMode: mode_t = 0o644

    public enum WriteError: ReportableError {
        case cannotCreate(path: String, errno: Int32)
        case cannotWrite(path: String, errno: Int32)
        case alreadyExists(path: String)

        public var category: FailureCategory { .failed }
        public var code: String { "file_write_failed" }
        public var description: String {
            switch self {
            case .cannotCreate(let path, let e): "cannot create \(path): \(String(cString: strerror(e)))"
            case .cannotWrite(let path, let e): "cannot write \(path): \(String(cString: strerror(e)))"
            case .alreadyExists(let path): "\(path) already exists"
            }
        }
    }

    public static func write(_ bytes: some Collection<UInt8>, to path: String, mode: mode_t) throws(WriteError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .cannotCreate(path: temporary, errno: errno) }
        let contents = Array(bytes)
        var written = 0
        while written < contents.count {
            let n = contents.withUnsafeBytes { raw in
                Foundation.write(fd, raw.baseAddress! + written, raw.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                close(fd)
                unlink(temporary)
                throw .cannotWrite(path: temporary, errno: e)
            }
            written += n
        }
        // The umask may have narrowed the mode; set it exactly.
        if fchmod(fd, mode) != 0 || fsync(fd) != 0 {
            let e = errno
            close(fd)
            unlink(temporary)
            throw .cannotWrite(path: temporary, errno: e)
        }
        close(fd)
        if rename(temporary, path) != 0 {
            let e = errno
            unlink(temporary)
            throw .cannotWrite(path: path, errno: e)
        }
        syncDirectory(directory.isEmpty ? "." : directory)
    }

    /// Creates a directory (and parents) readable only by its owner, or tightens an existing one to 0700: a
    /// directory made earlier by hand or by an older version may be open to others, and it holds secrets.
    public static func createPrivateDirectory(_ path: String) throws(WriteError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if !isDirectory.boolValue { throw .alreadyExists(path: path) }
            if chmod(path, 0o700) != 0 { throw .cannotWrite(path: path, errno: errno) }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .cannotCreate(path: path, errno: errno)
        }
    }

    private static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
