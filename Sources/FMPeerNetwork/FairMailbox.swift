import DequeModule
import NIOConcurrencyHelpers

/// A bounded many-producer, one-consumer queue that serves its sources round-robin.
///
/// Each source (a peer, or an event kind) has its own share of `maxElements` elements and `maxBytes` bytes. A
/// producer whose share is full waits in ``deliver(_:from:bytes:)`` until the consumer makes room, so memory stays
/// bounded and a busy source slows only itself; the round-robin ``next()`` keeps it from starving the others.
package final class FairMailbox<Source: Hashable & Comparable & Sendable, Element: Sendable>: Sendable {
    private struct Blocked {
        let id: UInt64
        let element: Element
        let size: Int
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct Share {
        var elements: Deque<(Element, Int)> = []
        var bytes = 0
        var blocked: Deque<Blocked> = []
    }

    private enum DeliveryOutcome {
        case accepted, refused, blocked
        case toConsumer(CheckedContinuation<(Source, Element)?, Never>)
    }

    private struct State {
        var shares: [Source: Share]
        var order: [Source]
        var cursor = 0
        var consumer: (id: UInt64, continuation: CheckedContinuation<(Source, Element)?, Never>)?
        var finished = false
        var nextID: UInt64 = 0
    }

    private let maxElements: Int
    private let maxBytes: Int
    private let state: NIOLockedValueBox<State>

    /// - Parameters:
    ///   - sources: every source that may deliver; others are refused.
    ///   - maxElements: elements buffered per source (at least 1).
    ///   - maxBytes: bytes buffered per source, by the sizes producers declare; one element is always admitted.
    package init(sources: [Source], maxElements: Int, maxBytes: Int = .max) {
        self.maxElements = max(1, maxElements)
        self.maxBytes = maxBytes
        let sorted = Array(Set(sources)).sorted()
        state = NIOLockedValueBox(
            State(shares: Dictionary(uniqueKeysWithValues: sorted.map { ($0, Share()) }), order: sorted))
    }

    /// Hands over an element from `source`, waiting while that source's share is full.
    ///
    /// Returns false if the element was not taken: the mailbox is finished, the source is unknown, or the calling
    /// task was cancelled while waiting.
    package func deliver(_ element: Element, from source: Source, bytes size: Int = 0) async -> Bool {
        let id = state.withLockedValue { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let outcome: DeliveryOutcome = state.withLockedValue { state in
                    guard !state.finished, !Task.isCancelled, var share = state.shares[source] else { return .refused }
                    if let consumer = state.consumer {
                        // A waiting consumer means every share is empty: handing over directly keeps the order.
                        state.consumer = nil
                        return .toConsumer(consumer.continuation)
                    }
                    defer { state.shares[source] = share }
                    let fits = share.elements.count < maxElements && share.bytes + size <= maxBytes
                    if share.blocked.isEmpty && (fits || share.elements.isEmpty) {
                        share.elements.append((element, size))
                        share.bytes += size
                        return .accepted
                    }
                    share.blocked.append(Blocked(id: id, element: element, size: size, continuation: continuation))
                    return .blocked
                }
                switch outcome {
                case .accepted: continuation.resume(returning: true)
                case .refused: continuation.resume(returning: false)
                case .blocked: break
                case .toConsumer(let consumer):
                    consumer.resume(returning: (source, element))
                    continuation.resume(returning: true)
                }
            }
        } onCancel: {
            let blocked = state.withLockedValue { state -> CheckedContinuation<Bool, Never>? in
                guard let index = state.shares[source]?.blocked.firstIndex(where: { $0.id == id }) else { return nil }
                return state.shares[source]?.blocked.remove(at: index).continuation
            }
            blocked?.resume(returning: false)
        }
    }

    /// The next element, taking sources in turn; nil once finished and drained, or if the calling task is
    /// cancelled. One consumer at a time: a second concurrent caller displaces the first (which gets nil).
    package func next() async -> (Source, Element)? {
        let id = state.withLockedValue { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<(Source, Element)?, Never>) in
                let (item, admitted, displaced) = state.withLockedValue {
                    state -> ((Source, Element)??, [CheckedContinuation<Bool, Never>], CheckedContinuation<(Source, Element)?, Never>?) in
                    if Task.isCancelled { return (.some(nil), [], nil) }
                    if let (source, element, admitted) = take(from: &state) { return (.some((source, element)), admitted, nil) }
                    if state.finished { return (.some(nil), [], nil) }
                    let displaced = state.consumer?.continuation
                    state.consumer = (id, continuation)
                    return (nil, [], displaced)
                }
                displaced?.resume(returning: nil)
                for producer in admitted { producer.resume(returning: true) }
                if let item { continuation.resume(returning: item) }
            }
        } onCancel: {
            let consumer = state.withLockedValue { state -> CheckedContinuation<(Source, Element)?, Never>? in
                guard let consumer = state.consumer, consumer.id == id else { return nil }
                state.consumer = nil
                return consumer.continuation
            }
            consumer?.resume(returning: nil)
        }
    }

    /// Refuses further deliveries and releases waiting producers (with false); the consumer still drains what is
    /// buffered, then gets nil.
    package func finish() {
        let (consumer, blocked) = state.withLockedValue { state in
            state.finished = true
            let consumer = state.consumer?.continuation
            state.consumer = nil
            var blocked: [CheckedContinuation<Bool, Never>] = []
            for source in state.order {
                blocked += state.shares[source]?.blocked.map(\.continuation) ?? []
                state.shares[source]?.blocked = []
            }
            return (consumer, blocked)
        }
        consumer?.resume(returning: nil)
        for producer in blocked { producer.resume(returning: false) }
    }

    /// Finishes the mailbox and returns everything still buffered or waiting, without suspending; waiting producers
    /// get true (their element is in the result). For a consumer that stops early and must settle what it leaves.
    package func drain() -> [(Source, Element)] {
        let (items, producers, consumer) = state.withLockedValue { state in
            state.finished = true
            var items: [(Source, Element)] = []
            var producers: [CheckedContinuation<Bool, Never>] = []
            for source in state.order {
                guard let share = state.shares[source] else { continue }
                items += share.elements.map { (source, $0.0) }
                items += share.blocked.map { (source, $0.element) }
                producers += share.blocked.map(\.continuation)
                state.shares[source] = Share()
            }
            let consumer = state.consumer?.continuation
            state.consumer = nil
            return (items, producers, consumer)
        }
        consumer?.resume(returning: nil)
        for producer in producers { producer.resume(returning: true) }
        return items
    }

    /// Elements buffered from `source` (not counting producers still waiting).
    package func bufferedCount(from source: Source) -> Int {
        state.withLockedValue { $0.shares[source]?.elements.count ?? 0 }
    }

    /// Pops the next element round-robin and admits blocked producers of that source that now fit.
    private func take(from state: inout State) -> (Source, Element, [CheckedContinuation<Bool, Never>])? {
        for step in 0..<state.order.count {
            let source = state.order[(state.cursor + step) % state.order.count]
            guard var share = state.shares[source], let (element, size) = share.elements.popFirst() else { continue }
            share.bytes -= size
            var admitted: [CheckedContinuation<Bool, Never>] = []
            while let first = share.blocked.first,
                share.elements.isEmpty
                    || (share.elements.count < maxElements && share.bytes + first.size <= maxBytes)
            {
                share.blocked.removeFirst()
                share.elements.append((first.element, first.size))
                share.bytes += first.size
                admitted.append(first.continuation)
            }
            state.shares[source] = share
            state.cursor = (state.cursor + step + 1) % state.order.count
            return (source, element, admitted)
        }
        return nil
    }
}
