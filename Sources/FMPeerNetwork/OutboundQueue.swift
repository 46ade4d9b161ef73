import DequeModule
import NIOConcurrencyHelpers

/// Frames waiting to be written to one peer: bounded, dropping the oldest when full.
///
/// Senders never wait: the consensus protocol tolerates message loss, while a guardian that blocked on a slow peer
/// would stall for everyone. Drops are counted so operators can see a struggling link.
final class OutboundQueue: Sendable {
    private struct State {
        var frames: Deque<[UInt8]> = []
        var bytes = 0
        var dropped: UInt64 = 0
        var waiter: (id: UInt64, continuation: CheckedContinuation<[UInt8]?, Never>)?
        var nextWaiterID: UInt64 = 0
    }

    private let maxFrames: Int
    private let maxBytes: Int
    private let state = NIOLockedValueBox(State())

    init(maxFrames: Int, maxBytes: Int) {
        self.maxFrames = maxFrames
        self.maxBytes = maxBytes
    }

    /// Frames dropped so far because the queue was full.
    var droppedCount: UInt64 { state.withLockedValue { $0.dropped } }
    /// Frames currently queued.
    var count: Int { state.withLockedValue { $0.frames.count } }

    /// Queues a frame, handing it straight to a waiting writer if there is one.
    func push(_ frame: [UInt8]) {
        let waiter: CheckedContinuation<[UInt8]?, Never>? = state.withLockedValue { state in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter.continuation
            }
            state.frames.append(frame)
            state.bytes += frame.count
            // Keep at least the newest frame, even if it alone exceeds the byte budget.
            while state.frames.count > maxFrames || (state.bytes > maxBytes && state.frames.count > 1) {
                state.bytes -= state.frames.removeFirst().count
                state.dropped += 1
            }
            return nil
        }
        waiter?.resume(returning: frame)
    }

    /// The oldest queued frame, waiting for one if the queue is empty; nil once the calling task is cancelled.
    ///
    /// One writer at a time: a new caller displaces a waiting one (which gets nil), as happens when a connection
    /// to the peer replaces an older one.
    func next() async -> [UInt8]? {
        let id = state.withLockedValue { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[UInt8]?, Never>) in
                let displaced: CheckedContinuation<[UInt8]?, Never>?
                let immediate: [UInt8]??
                (displaced, immediate) = state.withLockedValue { state in
                    if Task.isCancelled { return (nil, .some(nil)) }
                    if let frame = state.frames.popFirst() {
                        state.bytes -= frame.count
                        return (nil, .some(frame))
                    }
                    let displaced = state.waiter?.continuation
                    state.waiter = (id, continuation)
                    return (displaced, nil)
                }
                displaced?.resume(returning: nil)
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLockedValue { state -> CheckedContinuation<[UInt8]?, Never>? in
                guard let waiter = state.waiter, waiter.id == id else { return nil }
                state.waiter = nil
                return waiter.continuation
            }
            waiter?.resume(returning: nil)
        }
    }
}
