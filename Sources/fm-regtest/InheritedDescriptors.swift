import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File descriptors a daemon inherited from whoever started it.
enum InheritedDescriptors {
    /// Closes every descriptor above stderr that is not close-on-exec, i.e. one inherited from the
    /// parent rather than opened by this process (the Swift runtime, Dispatch and NIO open theirs
    /// close-on-exec). Only the detached daemon of `run --daemon` calls it, first thing: otherwise it
    /// would keep whatever its starter inherited (a test harness's pipes, Foundation `Process`'s
    /// child-monitoring socket), and the harness would wait for the daemon instead of the command.
    static func close() {
        let limit = min(Int(sysconf(Int32(_SC_OPEN_MAX))), 65536)
        guard limit > 3 else { return }
        for descriptor in 3..<Int32(limit) {
            let flags = fcntl(descriptor, F_GETFD)
            guard flags >= 0, flags & FD_CLOEXEC == 0 else { continue }
            #if canImport(Glibc)
            _ = Glibc.close(descriptor)
            #else
            _ = Darwin.close(descriptor)
            #endif
        }
    }
}
