import FMServer
import Testing

@Suite struct CommitSignalTests {
    @Test func aCommitWakesAWaiterAndACommitBeforeTheWaitIsNotMissed() async throws {
        let signal = CommitSignal()
        let seen = signal.generation
        let waiter = Task {
            await signal.wait(after: seen, timeout: .seconds(60))
            return signal.generation
        }
        try await Task.sleep(for: .milliseconds(20))
        signal.notifyCommit()
        #expect(await waiter.value == seen + 1)

        // The commit happened between reading the generation and waiting: the wait returns at once.
        let stale = signal.generation
        signal.notifyCommit()
        let start = ContinuousClock.now
        await signal.wait(after: stale, timeout: .seconds(60))
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    @Test func waitEndsAtItsTimeoutOrWhenCancelled() async throws {
        let signal = CommitSignal()
        await signal.wait(after: signal.generation, timeout: .milliseconds(10))
        let waiter = Task { await signal.wait(after: signal.generation, timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        await waiter.value
        #expect(signal.generation == 0)
    }
}
