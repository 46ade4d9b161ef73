import FMCore
import Foundation

/// The one process that runs a guardian from its config directory. `fm-node run` holds an exclusive `flock` on the
/// directory itself for as long as it runs (the kernel releases it when the process ends, `kill -9` included; no lock
/// file, so the directory stays as restore and read-only deployments expect it). A second `fm-node run` from the same
/// directory (two copies voting is equivocation) and `fm-node migrate-db` (which copies a database nobody may write
/// meanwhile) take the same lock and refuse while another process holds it. Two copies of one guardian's config in two
/// directories are not seen: keep one.
public final class GuardianProcessLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock of the guardian configured in `configDirectory`, or throws `.held` at once if another process
    /// (or another holder in this one) has it.
    public init(configDirectory: String) throws(GuardianProcessLockError) {
        let descriptor = open(configDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = errno
            if reason == ENOENT || reason == ENOTDIR { throw .noDirectory(path: configDirectory) }
            throw .cannotLock(path: configDirectory, reason: String(cString: strerror(reason)))
        }
        // flock needs only a descriptor, which anyone who may read the directory can open: a directory open to
        // others (made by hand, copied) would let any local user hold the lock and keep the guardian from starting.
        // Tightened to its owner first, as the config directory should be (a read-only or foreign one stays as is).
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_uid == geteuid(), status.st_mode & 0o077 != 0 {
            _ = fchmod(descriptor, status.st_mode & 0o700)
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            close(descriptor)
            if reason == EWOULDBLOCK { throw .held(path: configDirectory) }
            throw .cannotLock(path: configDirectory, reason: String(cString: strerror(reason)))
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}

/// Why ``GuardianProcessLock`` could not be taken.
public enum GuardianProcessLockError: ReportableError, Equatable {
    /// Another process runs this guardian (or migrates its database).
    case held(path: String)
    /// The config directory does not exist (or is not a directory).
    case noDirectory(path: String)
    case cannotLock(path: String, reason: String)

    /// The first two are the command's input at fault (exit 2: `--config-dir` names a running guardian, or nothing).
    public var category: FailureCategory {
        switch self {
        case .held, .noDirectory: .badInput
        case .cannotLock: .failed
        }
    }

    public var field: String? { "--config-dir" }

    public var code: String {
        switch self {
        case .held: "guardian_running"
        case .noDirectory: "missing_config_directory"
        case .cannotLock: "lock_unavailable"
        }
    }

    public var description: String {
        switch self {
        case .held(let path):
            "another fm-node process runs this guardian or migrates its database (it holds a lock on \(path)); stop it first"
        case .noDirectory(let path): "--config-dir: expected the guardian's config directory, \(path) is not one"
        case .cannotLock(let path, let reason): "cannot lock the guardian's config directory \(path): \(reason)"
        }
    }
}
