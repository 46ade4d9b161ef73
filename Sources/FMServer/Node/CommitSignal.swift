import NIOConcurrencyHelpers

/// Wakes the API's long polls when the guardian commits a block, so `await_transaction` and friends answer
/// as soon as the state they wait for exists instead of re-reading SQLite on a timer.
///
/// Use: read ``generation``, check the database, and if the answer is not there yet
/// ``wait(after:timeout:)`` with the generation read *before* the check; a commit between the check and the
/// wait is then not missed.
public final class CommitSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Increases with every commit.
    public var generation: UInt64 { state.withLockedValue { $0.generation } }

    /// Called after a block was committed: wakes every waiter.
    public func notifyCommit() {
        let waiters = state.withLockedValue { state in
            state.generation += 1
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once a commit happened after `generation` was read, `timeout` passed, or the task is cancelled.
    public func wait(after generation: UInt64, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForCommit(after: generation) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForCommit(after generation: UInt64) async {
        let id = state.withLockedValue { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLockedValue { state in
                    // Cancellation is flagged before the handler runs, so checking it under the lock means that
                    // either the handler finds this waiter or this waiter sees the cancellation.
                    guard state.generation == generation, !Task.isCancelled else { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLockedValue { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
