#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a benchmark measures.
public enum BenchmarkClock: String, Codable, Sendable, CaseIterable {
    /// Elapsed wall-clock time (monotonic): what a user waits for.
    case wall
    /// CPU time consumed by the calling thread: excludes time the thread spent
    /// descheduled, so figures stay meaningful on a machine shared with other
    /// work. Only valid for single-threaded, non-suspending bodies.
    case threadCPU = "thread-cpu"

    /// The current reading in nanoseconds (arbitrary origin).
    public func nowNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(self == .wall ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
