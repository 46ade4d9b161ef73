import DequeModule
import FMCore
import NIOConcurrencyHelpers

/// Frames received from all peers, waiting for the one consumer; bounded per peer and served round-robin.
///
/// When a peer's share is full its connection's reader waits, which stops reading its socket (TCP backpressure):
/// a flooding peer slows only itself, and round-robin service means it cannot starve the others either.
final class InboundMailbox: Sendable {
    private struct PeerQueue {
        var frames: Deque<[UInt8]> = []
        var bytes = 0
        /// A reader blocked because the queue was full, with the frame it is holding.
        var blocked: (id: UInt64, frame: [UInt8], continuation: CheckedContinuation<Bool, Never>)?
    }

    private struct State {
        var queues: [PeerID: PeerQueue]
        var order: [PeerID]
        var cursor = 0
        var consumer: (id: UInt64, continuation: CheckedContinuation<(PeerID, [UInt8])?, Never>)?
        var finished = false
        var nextID: UInt64 = 0
    }

    private let maxFrames: Int
    private let maxBytes: Int
    private let state: NIOLockedValueBox<State>

    init(peers: [PeerID], maxFrames: Int, maxBytes: Int) {
        self.maxFrames = maxFrames
        self.maxBytes = maxBytes
        let sorted = peers.sorted()
        state = NIOLockedValueBox(
            State(queues: Dictionary(uniqueKeysWithValues: sorted.map { ($0, PeerQueue()) }), order: sorted))
    }

    /// Hands over a frame from `peer`, waiting while that peer's share is full.
    ///
    /// Returns false if the frame was not accepted because the mailbox is finished or the task was cancelled.
    func deliver(_ frame: [UInt8], from peer: PeerID) async -> Bool {
        let id = state.withLockedValue { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                enum Outcome { case accepted, refused, toConsumer(CheckedContinuation<(PeerID, [UInt8])?, Never>), blocked }
                let outcome: Outcome = state.withLockedValue { state in
                    if state.finished || Task.isCancelled || state.queues[peer] == nil { return .refused }
                    if let consumer = state.consumer {
                        state.consumer = nil
                        return .toConsumer(consumer.continuation)
                    }
                    var queue = state.queues[peer]!
                    defer { state.queues[peer] = queue }
                    let fits = queue.frames.count < maxFrames && queue.bytes + frame.count <= maxBytes
                    if fits || queue.frames.isEmpty {
                        queue.frames.append(frame)
                        queue.bytes += frame.count
                        return .accepted
                    }
                    // One reader per peer at a time; an older blocked one is from a replaced connection.
                    if let old = queue.blocked { old.continuation.resume(returning: false) }
                    queue.blocked = (id, frame, continuation)
                    return .blocked
                }
                switch outcome {
                case .accepted: continuation.resume(returning: true)
                case .refused: continuation.resume(returning: false)
                case .toConsumer(let consumer):
                    consumer.resume(returning: (peer, frame))
                    continuation.resume(returning: true)
                case .blocked: break
                }
            }
        } onCancel: {
            let blocked = state.withLockedValue { state -> CheckedContinuation<Bool, Never>? in
                guard let blocked = state.queues[peer]?.blocked, blocked.id == id else { return nil }
                state.queues[peer]?.blocked = nil
                return blocked.continuation
            }
            blocked?.resume(returning: false)
        }
    }

    /// The next frame, taking peers in turn; nil once finished or when the calling task is cancelled.
    func next() async -> (PeerID, [UInt8])? {
        let id = state.withLockedValue { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<(PeerID, [UInt8])?, Never>) in
                let (item, unblocked, displaced) = state.withLockedValue {
                    state -> ((PeerID, [UInt8])??, CheckedContinuation<Bool, Never>?, CheckedContinuation<(PeerID, [UInt8])?, Never>?) in
                    if Task.isCancelled { return (.some(nil), nil, nil) }
                    if let (peer, frame, unblocked) = Self.take(from: &state) { return (.some((peer, frame)), unblocked, nil) }
                    if state.finished { return (.some(nil), nil, nil) }
                    let displaced = state.consumer?.continuation
                    state.consumer = (id, continuation)
                    return (nil, nil, displaced)
                }
                displaced?.resume(returning: nil)
                unblocked?.resume(returning: true)
                if let item { continuation.resume(returning: item) }
            }
        } onCancel: {
            let consumer = state.withLockedValue { state -> CheckedContinuation<(PeerID, [UInt8])?, Never>? in
                guard let consumer = state.consumer, consumer.id == id else { return nil }
                state.consumer = nil
                return consumer.continuation
            }
            consumer?.resume(returning: nil)
        }
    }

    /// Ends the stream: the consumer gets nil once the queued frames are consumed, and blocked readers are released.
    func finish() {
        let (consumer, blocked) = state.withLockedValue { state in
            state.finished = true
            let consumer = state.consumer?.continuation
            state.consumer = nil
            var blocked: [CheckedContinuation<Bool, Never>] = []
            for peer in state.order {
                if let reader = state.queues[peer]?.blocked { blocked.append(reader.continuation) }
                state.queues[peer]?.blocked = nil
            }
            return (consumer, blocked)
        }
        // A waiting consumer means the queues are empty.
        consumer?.resume(returning: nil)
        for reader in blocked { reader.resume(returning: false) }
    }

    /// Frames currently waiting from `peer`.
    func queuedCount(from peer: PeerID) -> Int { state.withLockedValue { $0.queues[peer]?.frames.count ?? 0 } }

    private static func take(
        from state: inout State
    ) -> (PeerID, [UInt8], CheckedContinuation<Bool, Never>?)? {
        for step in 0..<state.order.count {
            let peer = state.order[(state.cursor + step) % state.order.count]
            guard var queue = state.queues[peer], let frame = queue.frames.popFirst() else { continue }
            queue.bytes -= frame.count
            var unblocked: CheckedContinuation<Bool, Never>?
            if let blocked = queue.blocked {
                queue.frames.append(blocked.frame)
                queue.bytes += blocked.frame.count
                queue.blocked = nil
                unblocked = blocked.continuation
            }
            state.queues[peer] = queue
            state.cursor = (state.cursor + step + 1) % state.order.count
            return (peer, frame, unblocked)
        }
        return nil
    }
}
