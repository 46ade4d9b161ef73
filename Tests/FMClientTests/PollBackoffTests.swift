import FMClientCore
import Testing

/// The one waiting primitive: short first, doubling to the cap, short again after reset.
@Suite struct PollBackoffTests {
    @Test func doublesToTheCapAndResets() async throws {
        var backoff = PollBackoff(first: .milliseconds(1), cap: .milliseconds(5))
        var pauses: [Duration] = []
        for _ in 0..<5 {
            pauses.append(backoff.next)
            try await backoff.pause()
        }
        #expect(pauses == [.milliseconds(1), .milliseconds(2), .milliseconds(4), .milliseconds(5), .milliseconds(5)])
        backoff.reset()
        #expect(backoff.next == .milliseconds(1))
        backoff.cap = .milliseconds(50)
        try await backoff.pause()
        #expect(backoff.next == .milliseconds(2))
    }
}
