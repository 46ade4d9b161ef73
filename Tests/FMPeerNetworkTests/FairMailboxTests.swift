@testable import FMPeerNetwork
import Testing

@Suite struct FairMailboxTests {
    @Test func servesSourcesRoundRobinAndInOrderPerSource() async {
        let mailbox = FairMailbox<Int, String>(sources: [0, 1, 2], maxElements: 10)
        for k in 0..<3 { #expect(await mailbox.deliver("a\(k)", from: 0)) }
        #expect(await mailbox.deliver("b0", from: 1))
        for k in 0..<2 { #expect(await mailbox.deliver("c\(k)", from: 2)) }
        var order: [String] = []
        for _ in 0..<6 { order.append(await mailbox.next()!.1) }
        #expect(order == ["a0", "b0", "c0", "a1", "c1", "a2"])
    }

    @Test func fullShareMakesOnlyThatProducerWait() async throws {
        let mailbox = FairMailbox<Int, Int>(sources: [0, 1], maxElements: 2)
        #expect(await mailbox.deliver(1, from: 0))
        #expect(await mailbox.deliver(2, from: 0))
        let blocked = Task { await mailbox.deliver(3, from: 0) }
        // Another source is not held up by the full one.
        #expect(await mailbox.deliver(100, from: 1))
        try await Task.sleep(for: .milliseconds(50))
        #expect(mailbox.bufferedCount(from: 0) == 2)
        #expect(await mailbox.next()! == (0, 1))
        #expect(await blocked.value)
        #expect(mailbox.bufferedCount(from: 0) == 2)
        var rest: [Int] = []
        for _ in 0..<3 { rest.append(await mailbox.next()!.1) }
        #expect(rest == [100, 2, 3])
    }

    @Test func byteBudgetBoundsAShareButAlwaysAdmitsOneElement() async throws {
        let mailbox = FairMailbox<Int, Int>(sources: [0], maxElements: 100, maxBytes: 10)
        #expect(await mailbox.deliver(1, from: 0, bytes: 50))
        let blocked = Task { await mailbox.deliver(2, from: 0, bytes: 1) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(mailbox.bufferedCount(from: 0) == 1)
        #expect(await mailbox.next()! == (0, 1))
        #expect(await blocked.value)
    }

    @Test func cancellingAWaitingProducerWithdrawsItsElement() async throws {
        let mailbox = FairMailbox<Int, Int>(sources: [0], maxElements: 1)
        #expect(await mailbox.deliver(1, from: 0))
        let blocked = Task { await mailbox.deliver(2, from: 0) }
        try await Task.sleep(for: .milliseconds(50))
        blocked.cancel()
        #expect(await blocked.value == false)
        #expect(await mailbox.next()! == (0, 1))
        mailbox.finish()
        #expect(await mailbox.next() == nil)
    }

    @Test func finishReleasesProducersAndEndsTheConsumer() async throws {
        let mailbox = FairMailbox<Int, Int>(sources: [0], maxElements: 1)
        let consumer = Task { await mailbox.next() }
        try await Task.sleep(for: .milliseconds(20))
        mailbox.finish()
        #expect(await consumer.value == nil)
        #expect(await mailbox.deliver(1, from: 0) == false)
        #expect(await mailbox.deliver(1, from: 7) == false)
    }
}
