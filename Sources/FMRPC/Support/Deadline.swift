internal import NIOConcurrencyHelpers

/// Thrown by ``withDeadline(_:operation:)`` when the operation did not finish in time.
struct DeadlineExceeded: Error {}

/// Runs `operation` and returns its result, or throws ``DeadlineExceeded`` once `timeout` has
/// passed — without waiting for an operation that ignores cancellation (it is cancelled and
/// left to finish on its own). Cancelling the caller cancels the operation and throws
/// `CancellationError`.
func withDeadline<T: Sendable>(
    _ timeout: Duration, operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = Race<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation: continuation, timeout: timeout, operation: operation)
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The shared state of one deadline race: whoever finishes first resumes the caller.
private final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var outcome: Result<T, any Error>?
        var tasks: [Task<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    func start(
        continuation: CheckedContinuation<T, any Error>, timeout: Duration,
        operation: @escaping @Sendable () async throws -> T
    ) {
        let worker = Task {
            do {
                self.finish(.success(try await operation()))
            } catch {
                self.finish(.failure(error))
            }
        }
        let timer = Task {
            do {
                try await Task.sleep(for: timeout)
                self.finish(.failure(DeadlineExceeded()))
            } catch {
                // Cancelled: the race was already decided.
            }
        }
        let early: Result<T, any Error>? = state.withLockedValue { state in
            if let outcome = state.outcome { return outcome }
            state.continuation = continuation
            state.tasks = [worker, timer]
            return nil
        }
        if let early {
            // Cancelled before the race started.
            worker.cancel()
            timer.cancel()
            continuation.resume(with: early)
        }
    }

    func finish(_ outcome: Result<T, any Error>) {
        let (continuation, tasks) = state.withLockedValue { state in
            guard state.outcome == nil else { return (nil as CheckedContinuation<T, any Error>?, [Task<Void, Never>]()) }
            state.outcome = outcome
            defer { (state.continuation, state.tasks) = (nil, []) }
            return (state.continuation, state.tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: outcome)
    }
}
