import Dispatch
import NIOCore
import Testing

@testable import FMRPC

@Suite("Rate limit and message assembly")
struct LimitsTests {
    @Test func tokenBucketAllowsABurstThenTheRate() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(capacity: 3, refillPerSecond: 2, now: start)
        func taken(_ attempts: Int, after offset: Duration) -> Int {
            (0..<attempts).filter { _ in bucket.take(now: start + offset) }.count
        }
        #expect(taken(4, after: .zero) == 3)
        #expect(taken(1, after: .milliseconds(400)) == 0)
        #expect(taken(1, after: .milliseconds(500)) == 1)
        #expect(taken(1, after: .milliseconds(600)) == 0)
        // A long pause refills to capacity, not beyond.
        #expect(taken(5, after: .seconds(60)) == 3)
    }

    @Test func assemblerJoinsFragments() throws {
        var assembler = MessageAssembler(limit: 10)
        #expect(try assembler.receive(.text, data: ByteBuffer(string: "abc"), fin: false) == nil)
        #expect(try assembler.receive(.continuation, data: ByteBuffer(string: "def"), fin: true) == .text(ByteBuffer(string: "abcdef")))
        #expect(try assembler.receive(.text, data: ByteBuffer(string: "x"), fin: true) == .text(ByteBuffer(string: "x")))
    }

    @Test func assemblerReportsOversizedMessagesAndRecovers() throws {
        var assembler = MessageAssembler(limit: 10)
        #expect(try assembler.receive(.text, data: ByteBuffer(string: "123456"), fin: false) == nil)
        #expect(try assembler.receive(.continuation, data: ByteBuffer(string: "789012"), fin: false) == nil)
        #expect(try assembler.receive(.continuation, data: ByteBuffer(string: "345"), fin: true) == .tooLarge(size: 15))
        #expect(try assembler.receive(.text, data: ByteBuffer(string: "ok"), fin: true) == .text(ByteBuffer(string: "ok")))
        #expect(try assembler.receive(.binary, data: ByteBuffer(string: "b"), fin: true) == .binary)
    }

    @Test func assemblerRejectsBrokenFraming() throws {
        var assembler = MessageAssembler(limit: 10)
        #expect(throws: MessageAssembler.ProtocolViolation.self) {
            try assembler.receive(.continuation, data: ByteBuffer(), fin: true)
        }
        var interleaved = MessageAssembler(limit: 10)
        _ = try interleaved.receive(.text, data: ByteBuffer(string: "a"), fin: false)
        #expect(throws: MessageAssembler.ProtocolViolation.self) {
            try interleaved.receive(.text, data: ByteBuffer(string: "b"), fin: true)
        }
    }

    @Test func deadlineReturnsWithoutWaitingForAStubbornOperation() async throws {
        let start = ContinuousClock.now
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(.milliseconds(50)) {
                // Ignores cancellation on purpose.
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 0.8) { continuation.resume() }
                }
                return 1
            }
        }
        #expect(ContinuousClock.now - start < .milliseconds(500))
        #expect(try await withDeadline(.seconds(5)) { 7 } == 7)
    }
}
