import FMConsensus
import FMCore
import Testing

/// Batching under load (ConsensusEngine+Batching.swift) on the virtual clock of ``VirtualFederation``: messages take
/// 1 ms, so a block takes about 2 ms and, without the window, a steady stream of items goes a few per block.
@Suite("Batching under load: a stream of items shares blocks; a lone item is proposed at once")
struct BatchWindowTests {
    /// Submits two fresh items to every guardian every `spacing` for `duration`, then runs until all are finalized.
    /// Returns the items and, for each, the time from its submission to its finalization at guardian 0.
    static func stream(
        in federation: inout VirtualFederation, every spacing: Duration, for duration: Duration
    ) throws -> (items: [[UInt8]], latencies: [Duration]) {
        var items: [[UInt8]] = [], submitted: [Duration] = []
        let end = federation.now + duration
        var counter: UInt16 = 0
        while federation.now < end {
            for _ in 0..<2 {  // two clients at once, so the blocks carry two items
                counter += 1
                let item = [0xB7, UInt8(counter >> 8), UInt8(counter & 0xFF)]
                federation.submitToAll(item)
                items.append(item)
                submitted.append(federation.now)
            }
            federation.run(until: federation.now + spacing)
        }
        var latencies: [Duration] = []
        for (item, time) in zip(items, submitted) {
            let finished = federation.runUntilFinalized(item, limit: .seconds(10))
            #expect(finished != nil, "item \(item) not finalized")
            latencies.append(try #require(federation.finalizedAt(item, by: 0)) - time)
        }
        return (items, latencies)
    }

    /// Blocks finalized at guardian 0 that carry items of `items`.
    static func blocks(carrying items: [[UInt8]], in federation: VirtualFederation) -> Int {
        let wanted = Set(items)
        return federation.finalized[0].filter { $0.items.contains(where: wanted.contains) }.count
    }

    @Test("a steady stream (two items every 2 ms for 400 ms) takes a fraction of the blocks it takes without the window, each item within two windows")
    func aStreamSharesBlocks() throws {
        var batched = VirtualFederation()
        let window = batched.configuration.batchWindow
        #expect(window > .zero)
        let (items, latencies) = try Self.stream(in: &batched, every: .milliseconds(2), for: .milliseconds(400))
        var unbatched = VirtualFederation { $0.batchWindow = .zero }
        let (plainItems, _) = try Self.stream(in: &unbatched, every: .milliseconds(2), for: .milliseconds(400))

        let withWindow = Self.blocks(carrying: items, in: batched)
        let without = Self.blocks(carrying: plainItems, in: unbatched)
        // Without the window a block takes ~2 ms (the proposal, then the votes, 1 ms each): ~200 blocks for 400 items.
        // With it, one block per window and a few before batching starts.
        #expect(without >= 100, "without the window: \(without) blocks for \(plainItems.count) items")
        #expect(withWindow <= Int(Duration.milliseconds(400) / window) + 6, "with the window: \(withWindow) blocks")
        #expect(withWindow * 5 <= without)
        let slowest = try #require(latencies.max())
        #expect(slowest <= window * 2 + .milliseconds(20), "slowest item: \(slowest)")
        #expect(batched.skipVotes == 0, "voters must not time out on a leader holding its block back")
    }

    @Test("a single guardian does not batch: after a block of two items it proposes the next item at once")
    func aSingleGuardianDoesNotWait() {
        var engine = TestFederation(n: 1).engine(0)
        #expect(engine.configuration.batchWindow > .zero)
        _ = engine.handle(.submit(item: [1]))
        _ = engine.handle(.submit(item: [2]))
        let first = engine.handle(.start)  // block 1 carries both items, finalized at once (its own vote is the quorum)
        #expect(first.finalized.map(\.items) == [[[1], [2]]])
        #expect(!first.contains { if case .setTimer(.batchWindow, _) = $0 { true } else { false } })
        let next = engine.handle(.submit(item: [3]))
        #expect(next.finalized.map(\.items) == [[[3]]])
    }

    @Test("after a block of one item, the next lone item is proposed at once, as without the window")
    func aLoneItemDoesNotWait() throws {
        var latencies: [Duration] = []
        for window in [Duration.milliseconds(40), .zero] {
            var federation = VirtualFederation { $0.batchWindow = window }
            federation.submitToAll([1])
            let first = federation.runUntilFinalized([1], limit: .seconds(30))
            _ = try #require(first)
            let start = federation.now
            federation.submitToAll([2])
            let finished = federation.runUntilFinalized([2], limit: .seconds(30))
            latencies.append(try #require(finished) - start)
        }
        #expect(latencies[0] == latencies[1], "with the window: \(latencies[0]); without: \(latencies[1])")
        #expect(latencies[0] < .milliseconds(40))
    }

    /// Review 18: with a window at (or above) the iteration timeout, a loaded federation must still finalize: the engine
    /// uses at most a quarter of the timeout, and a ⊥ iteration does not reopen the window.
    @Test("a window as long as the iteration timeout is cut to a quarter of it: a stream still goes through without timeouts")
    func anOverlongWindowIsBounded() throws {
        var federation = VirtualFederation { $0.batchWindow = $0.iterationTimeout * 2 }
        let quarter = federation.configuration.iterationTimeout / 4
        let (_, latencies) = try Self.stream(in: &federation, every: .milliseconds(2), for: .milliseconds(400))
        let slowest = try #require(latencies.max())
        #expect(slowest <= quarter * 2 + .milliseconds(20), "slowest item: \(slowest)")
        #expect(federation.skipVotes == 0)
    }

    /// Review 18: a block that leaves items out (here by bytes) gains nothing from waiting, so it goes at once.
    @Test("a block full by bytes is proposed at once under load")
    func aFullBlockDoesNotWait() throws {
        var full = VirtualFederation { $0.limits.maxBlockBytes = 64; $0.limits.maxItemBytes = 40 }
        var open = VirtualFederation()
        var latencies: [Duration] = []
        for index in 0..<2 {
            var federation = index == 0 ? full : open
            // [0] goes alone (proposed as it arrives); [1] and [2] wait for the next block together, which makes the
            // leader after it wait. Then two 40-byte items: only one fits in 64 bytes.
            for item in [[UInt8(0)], [1], [2]] { federation.submitToAll(item) }
            _ = federation.runUntilFinalized([2], limit: .seconds(10))
            #expect(federation.finalized[0].contains { $0.items == [[1], [2]] })
            let start = federation.now
            federation.submitToAll([UInt8](repeating: 3, count: 40))
            federation.submitToAll([UInt8](repeating: 4, count: 40))
            let finished = federation.runUntilFinalized([UInt8](repeating: 3, count: 40), limit: .seconds(10))
            latencies.append(try #require(finished) - start)
            if index == 0 { full = federation } else { open = federation }
        }
        #expect(latencies[0] < .milliseconds(40), "full block: \(latencies[0])")
        #expect(latencies[1] >= .milliseconds(30), "a block with room waits out the window: \(latencies[1])")
    }
}
