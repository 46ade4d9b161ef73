import FMCore
import Foundation

/// The one process that runs a guardian. `fm-node run` holds an exclusive `flock` on `fm-node.lock` in the guardian's
/// config directory for as long as it runs (the kernel releases it when the process ends, `kill -9` included). A
/// second `fm-node run` of the same guardian (two copies voting is equivocation) and `fm-node migrate-db` (which copies
/// a database nobody may write meanwhile) take the same lock and refuse while another process holds it.
public final class GuardianProcessLock: Sendable {
    /// The lock file's name in the config directory.
    public static let fileName = "fm-node.lock"
    private let descriptor: Int32

    /// Takes the lock of the guardian configured in `configDirectory`, or throws `.held` at once if another process
    /// (or another holder in this one) has it.
    public init(configDirectory: String) throws(GuardianProcessLockError) {
        let path = URL(fileURLWithPath: configDirectory).appendingPathComponent(Self.fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            close(descriptor)
            if reason == EWOULDBLOCK { throw .held(path: path) }
            throw .cannotOpen(path: path, reason: String(cString: strerror(reason)))
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}

/// Why ``GuardianProcessLock`` could not be taken.
public enum GuardianProcessLockError: ReportableError, Equatable {
    /// Another process runs this guardian (or migrates its database).
    case held(path: String)
    case cannotOpen(path: String, reason: String)

    /// `.held` is the command's input at fault (exit 2: this config directory names a running guardian).
    public var category: FailureCategory {
        switch self {
        case .held: .badInput
        case .cannotOpen: .failed
        }
    }
    public var field: String? { "--config-dir" }

    public var code: String {
        switch self {
        case .held: "guardian_running"
        case .cannotOpen: "lock_unavailable"
        }
    }

    public var description: String {
        switch self {
        case .held(let path):
            "another fm-node process runs this guardian or migrates its database (it holds \(path)); stop it first"
        case .cannotOpen(let path, let reason): "cannot open the guardian's lock file \(path): \(reason)"
        }
    }
}
