import FMCore

/// Frames received from the transport, waiting for the round engine, with a deadline on every wait.
///
/// One task delivers (the transport's reader), one consumes (the round engine). At most `limit` frames wait;
/// beyond that the reader waits too, so that a flooding peer is held back by the transport's own bounds.
actor FrameInbox {
    typealias Frame = (peer: PeerID, bytes: [UInt8])

    private let limit: Int
    private var frames: [Frame] = []
    private var head = 0
    private var closed = false
    private var waiter: (id: UInt64, continuation: CheckedContinuation<Frame?, Never>)?
    private var nextWaiterID: UInt64 = 0
    private var spaceWaiter: CheckedContinuation<Void, Never>?

    init(limit: Int) { self.limit = limit }

    private var bufferedCount: Int { frames.count - head }

    /// Hands a frame to the waiting consumer or buffers it; waits while the buffer is full.
    func deliver(_ frame: Frame) async {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume(returning: frame)
            return
        }
        while bufferedCount >= limit && !closed {
            await withCheckedContinuation { spaceWaiter = $0 }
        }
        frames.append(frame)
    }

    /// No more frames will come; a waiting consumer gets nil.
    func close() {
        closed = true
        waiter?.continuation.resume(returning: nil)
        waiter = nil
        spaceWaiter?.resume()
        spaceWaiter = nil
    }

    /// The oldest frame, waiting until `deadline` for one; nil at the deadline, on cancellation, or once closed
    /// and drained.
    func next(until deadline: ContinuousClock.Instant) async -> Frame? {
        if let frame = popFirst() { return frame }
        if closed || Task.isCancelled { return nil }
        nextWaiterID += 1
        let id = nextWaiterID
        let timer = Task { [weak self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            await self?.expire(id)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in waiter = (id, continuation) }
        } onCancel: {
            Task { await self.expire(id) }
        }
    }

    private func popFirst() -> Frame? {
        guard head < frames.count else { return nil }
        let frame = frames[head]
        head += 1
        if head > 64 && head * 2 > frames.count {
            frames.removeFirst(head)
            head = 0
        }
        spaceWaiter?.resume()
        spaceWaiter = nil
        return frame
    }

    private func expire(_ id: UInt64) {
        guard let waiter, waiter.id == id else { return }
        self.waiter = nil
        waiter.continuation.resume(returning: nil)
    }
}
