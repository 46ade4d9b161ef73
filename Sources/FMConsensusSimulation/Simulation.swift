import FMConsensus
import FMCore

/// n consensus engines in one process under a seeded scheduler: the network delays, reorders,
/// drops and duplicates messages, partitions and heals; honest guardians crash (possibly halfway
/// through performing an event's actions) and restart from what they persisted; Byzantine
/// guardians misbehave per ``ByzantineBehavior``. Every run checks the invariants:
/// - honest guardians' finalized chains are prefix-consistent;
/// - no item is finalized twice;
/// - every finalized block's certificates verify (``ConsensusHistory``);
/// - every item submitted to an honest guardian is finalized by all honest guardians once the
///   network is stable.
///
/// The same scenario (seed included) always replays the same run.
public struct Simulation {
    enum Event {
        case deliver(from: PeerID, to: PeerID, bytes: [UInt8])
        case timer(PeerID, ConsensusTimer, generation: UInt64)
        case submit(item: [UInt8])
        case crash(PeerID)
        case restart(PeerID)
        case repartition
    }

    struct Node {
        let id: PeerID
        let behavior: ByzantineBehavior?
        var engine: ConsensusEngine?
        var checkpoint: ConsensusCheckpoint?
        /// The durable block store.
        var store: [FinalizedBlock] = []
        /// Items the host accepted and must see finalized (re-submitted after a restart).
        var submitted: [[UInt8]] = []
        var timers: [ConsensusTimer: UInt64] = [:]
        var crashPending = false
        /// Messages received, for replaying (Byzantine `replay` only; bounded).
        var heard: [[UInt8]] = []
        var isHonest: Bool { behavior == nil }
        var isUp: Bool { engine != nil }
    }

    public let scenario: SimulationScenario
    let configurationTemplate: [ConsensusConfiguration]
    let keyring: SimulatedKeyring
    var random: SimulationRandom
    var queue = EventQueue<Event>()
    var nodes: [Node] = []
    var now: UInt64 = 0
    var generation: UInt64 = 0
    var partition: [Int] = []  // group per node; empty = none
    var report: SimulationReport
    /// height → hash of the first block an honest guardian finalized there.
    var referenceChain: [Hash256] = []
    var referenceItems: Set<Hash256> = []
    var submittedItems: [Hash256] = []
    struct CastVotes {
        var notarize: Hash256?
        var skip = false
        var finalize = false
    }
    /// Every vote each honest guardian sent, per iteration (an observer's record, survives crashes).
    var castVotes: [PeerID: [UInt64: CastVotes]] = [:]

    public init(_ scenario: SimulationScenario) {
        precondition(scenario.n >= 1 && scenario.byzantine.count < scenario.n)
        self.scenario = scenario
        self.report = SimulationReport(scenario: scenario)
        var random = SimulationRandom(seed: scenario.seed)
        let peers = (0..<scenario.n).map { PeerID(UInt16($0)) }
        keyring = SimulatedKeyring(peers: peers, seed: scenario.seed)
        // Byzantine seats drawn from the seed.
        var seats = Array(0..<scenario.n)
        for i in stride(from: seats.count - 1, to: 0, by: -1) { seats.swapAt(i, Int(random.uniform(0...UInt64(i)))) }
        var behaviors = [ByzantineBehavior?](repeating: nil, count: scenario.n)
        for (index, behavior) in scenario.byzantine.enumerated() { behaviors[seats[index]] = behavior }
        let federation = FederationID(Hash256.sha256(Array("fm simulation \(scenario.seed)".utf8)))
        configurationTemplate = peers.map { peer in
            ConsensusConfiguration(
                peers: peers, ownID: peer, federationID: federation, iterationTimeout: .milliseconds(100),
                // The idle back-off reaches past the iteration timeout, so the runs exercise the wake.
                idleProposalDelay: .milliseconds(5), maxIdleProposalDelay: .milliseconds(400), batchWindow: .milliseconds(10),
                retransmitInterval: .milliseconds(60),
                limits: ConsensusLimits(maxPendingItems: 1_000, iterationWindow: 32, catchUpBatch: 32),
                catchUpSeed: scenario.seed ^ UInt64(peer.rawValue))
        }
        nodes = peers.map { Node(id: $0, behavior: behaviors[Int($0.rawValue)]) }
        self.random = random
    }

    var honestIndices: [Int] { nodes.indices.filter { nodes[$0].isHonest } }

    /// Which half of the honest guardians a guardian is in (alternating), `nil` if Byzantine.
    func honestHalf(of peer: PeerID) -> Int? {
        honestIndices.firstIndex(of: Int(peer.rawValue)).map { $0 % 2 }
    }
    var stableTime: UInt64 { scenario.chaosDuration }

    /// Runs the scenario to its end and reports the invariants' outcome.
    public mutating func run() -> SimulationReport {
        setUp()
        let lastSubmission = stableTime + 500
        let deadline = max(lastSubmission, stableTime) + scenario.livenessDeadline
        var steps = 0
        while let (time, event) = queue.pop() {
            now = time
            if now > deadline { break }
            process(event)
            steps += 1
            if steps % 64 == 0, now > lastSubmission, isFinished() { break }
        }
        finish(deadlineReached: now > deadline)
        return report
    }

    /// The honest guardian that joins late (``SimulationScenario/lateJoinAt``), and the finalized
    /// count it must reach: the most any honest guardian held when it joined.
    var lateJoiner: (index: Int, target: UInt64?)?

    private mutating func setUp() {
        if let at = scenario.lateJoinAt, let index = honestIndices.last {
            lateJoiner = (index, nil)
            queue.schedule(.restart(nodes[index].id), at: at)
        }
        for index in nodes.indices where index != lateJoiner?.index { boot(index, restoring: false) }
        // Items: submitted over the chaos period and shortly after it.
        let submissionEnd = stableTime + 500
        for number in 0..<scenario.items {
            let item = Array("item \(number) of seed \(scenario.seed)".utf8) + random.bytes(Int(random.uniform(0...24)))
            queue.schedule(.submit(item: item), at: random.uniform(0...submissionEnd))
        }
        if scenario.crashes && scenario.chaosDuration > 400 {
            for _ in 0..<Int(random.uniform(1...3)) {
                let honest = honestIndices.filter { $0 != lateJoiner?.index }
                let victim = nodes[random.element(of: honest)].id
                let at = random.uniform(0...(scenario.chaosDuration - 400))
                queue.schedule(.crash(victim), at: at)
                queue.schedule(.restart(victim), at: at + random.uniform(50...350))
            }
        }
        if scenario.wholeFederationRestart {
            let at = scenario.chaosDuration / 2
            for index in honestIndices where index != lateJoiner?.index {
                queue.schedule(.crash(nodes[index].id), at: at)
                queue.schedule(.restart(nodes[index].id), at: at + random.uniform(20...200))
            }
        }
        if scenario.splitHonestGuardians {
            partition = nodes.indices.map { honestHalf(of: nodes[$0].id) ?? -1 }
            queue.schedule(.repartition, at: stableTime)
        } else if scenario.partitions && scenario.chaosDuration > 0 {
            var at: UInt64 = 0
            while at < stableTime {
                queue.schedule(.repartition, at: at)
                at += random.uniform(100...400)
            }
            queue.schedule(.repartition, at: stableTime)
        }
    }

    // MARK: Events

    private mutating func process(_ event: Event) {
        switch event {
        case .deliver(let from, let to, let bytes):
            let index = Int(to.rawValue)
            guard nodes[index].isUp else { return }
            report.messagesDelivered += 1
            if nodes[index].behavior == .lieAboutProgress, answerCatchUpWithLies(bytes, from: from, at: index) { return }
            if nodes[index].behavior == .replay, nodes[index].heard.count < 256 { nodes[index].heard.append(bytes) }
            handle(index, .received(from: from, bytes: bytes))
        case .timer(let peer, let timer, let generation):
            let index = Int(peer.rawValue)
            guard nodes[index].isUp, nodes[index].timers[timer] == generation else { return }
            nodes[index].timers[timer] = nil
            handle(index, .timerFired(timer))
        case .submit(let item):
            let candidates = honestIndices.filter { nodes[$0].isUp }
            guard !candidates.isEmpty else {
                queue.schedule(.submit(item: item), at: now + 50)
                return
            }
            submittedItems.append(ConsensusItem.hash(of: item))
            // Sometimes the same item goes to two guardians: it must still be finalized once.
            var targets = [random.element(of: candidates)]
            if candidates.count > 1, random.chance(0.2) { targets.append(random.element(of: candidates)) }
            for target in Set(targets).sorted() {
                nodes[target].submitted.append(item)
                handle(target, .submit(item: item))
            }
        case .crash(let peer):
            if nodes[Int(peer.rawValue)].isUp { nodes[Int(peer.rawValue)].crashPending = true }
        case .restart(let peer):
            let index = Int(peer.rawValue)
            if nodes[index].crashPending { crash(index) }
            if !nodes[index].isUp {
                if index == lateJoiner?.index, lateJoiner?.target == nil {
                    let target = honestIndices.map { UInt64(nodes[$0].store.count) }.max()
                    lateJoiner = (index, target)
                }
                boot(index, restoring: true)
            }
        case .repartition:
            if now >= stableTime {
                partition = []
            } else if !scenario.splitHonestGuardians {
                partition = random.chance(0.5) ? [] : nodes.indices.map { _ in Int(random.uniform(0...1)) }
            }
        }
    }

    private mutating func boot(_ index: Int, restoring: Bool) {
        let node = nodes[index]
        var engine = ConsensusEngine(
            configuration: configurationTemplate[index], signer: keyring.signer(for: node.id),
            verifier: keyring.verifier, restoring: restoring ? node.checkpoint : nil,
            finalizedTail: Array(node.store.suffix(256)))
        let actions = engine.handle(.start)
        nodes[index].engine = engine
        perform(actions, at: index)
        // The host re-submits what it accepted and has not seen finalized.
        if restoring {
            let finalized = Set(node.store.flatMap(\.items).map(ConsensusItem.hash(of:)))
            for item in node.submitted where !finalized.contains(ConsensusItem.hash(of: item)) {
                handle(index, .submit(item: item))
            }
        }
    }

    private mutating func crash(_ index: Int) {
        nodes[index].engine = nil
        nodes[index].timers = [:]
        nodes[index].crashPending = false
        report.crashes += 1
    }

    private mutating func handle(_ index: Int, _ event: ConsensusEvent) {
        guard var engine = nodes[index].engine else { return }
        let actions = engine.handle(event)
        nodes[index].engine = engine
        if nodes[index].crashPending {
            // Crash partway through performing the actions: only a prefix takes effect.
            let done = Int(random.uniform(0...UInt64(actions.count)))
            perform(Array(actions.prefix(done)), at: index)
            crash(index)
        } else {
            perform(actions, at: index)
        }
    }

    // MARK: Actions

    private mutating func perform(_ actions: [ConsensusAction], at index: Int) {
        let me = nodes[index].id
        for action in actions {
            switch action {
            case .persist(let checkpoint):
                nodes[index].checkpoint = checkpoint
            case .send(let message, let peer):
                emit(message, from: index, to: [peer])
            case .broadcast(let message):
                emit(message, from: index, to: nodes.map(\.id).filter { $0 != me })
            case .setTimer(let timer, let after):
                generation += 1
                nodes[index].timers[timer] = generation
                queue.schedule(.timer(me, timer, generation: generation), at: now + milliseconds(after))
            case .cancelTimer(let timer):
                nodes[index].timers[timer] = nil
            case .finalized(let block):
                store(block, at: index)
            case .serveBlocks(let peer, let height, let maxCount):
                let store = nodes[index].store
                guard height < UInt64(store.count) else { break }
                let blocks = Array(store[Int(height)..<min(store.count, Int(height) + maxCount)])
                emit(.blockResponse(blocks), from: index, to: [peer])
            case .rejected:
                report.messagesRejected += 1
            case .itemRejected:
                break
            }
        }
    }

    private mutating func store(_ block: FinalizedBlock, at index: Int) {
        let height = Int(block.header.height)
        if height != nodes[index].store.count {
            violation("\(nodes[index].id) finalized height \(height) after \(nodes[index].store.count) blocks")
        }
        nodes[index].store.append(block)
        if index == lateJoiner?.index, let target = lateJoiner?.target, report.lateJoinerCatchUpTime == nil,
            UInt64(nodes[index].store.count) >= target, let joined = scenario.lateJoinAt {
            report.lateJoinerCatchUpTime = now - joined
        }
        guard nodes[index].isHonest else { return }
        let hash = block.header.hash
        if height < referenceChain.count {
            if referenceChain[height] != hash {
                violation("prefix consistency: \(nodes[index].id) finalized \(hash) at height \(height), another honest guardian \(referenceChain[height])")
            }
        } else if height == referenceChain.count {
            referenceChain.append(hash)
            for item in block.items {
                if !referenceItems.insert(ConsensusItem.hash(of: item)).inserted {
                    violation("item \(ConsensusItem.hash(of: item)) finalized twice (height \(height))")
                }
            }
        }
    }

    /// Invariant: an honest guardian never votes for two blocks in one iteration, nor both ⊥
    /// and finalize, across crashes included (the write-ahead checkpoint's job).
    private mutating func observeOwnVote(in message: ConsensusMessage, from index: Int) {
        let me = nodes[index].id
        let vote: Vote
        switch message {
        case .proposal(let proposal) where proposal.block.header.proposer == me: vote = proposal.leaderVote
        case .vote(let own) where own.voter == me: vote = own
        default: return
        }
        var record = castVotes[me, default: [:]][vote.iteration] ?? CastVotes()
        switch vote.statement.kind {
        case .notarize(let hash):
            if let earlier = record.notarize, earlier != hash {
                violation("\(me) voted for two blocks in iteration \(vote.iteration)")
            }
            record.notarize = hash
        case .skip:
            record.skip = true
        case .finalize:
            record.finalize = true
        }
        if record.skip && record.finalize {
            violation("\(me) voted both ⊥ and finalize in iteration \(vote.iteration)")
        }
        castVotes[me, default: [:]][vote.iteration] = record
    }

    private mutating func violation(_ text: String) {
        if report.violations.count < 20 { report.violations.append("t=\(now)ms: \(text)") }
    }

    // MARK: Network

    private mutating func emit(_ message: ConsensusMessage, from index: Int, to peers: [PeerID]) {
        if nodes[index].isHonest { observeOwnVote(in: message, from: index) }
        if let behavior = nodes[index].behavior {
            for (peer, bytes) in distort(message, from: index, to: peers, behavior: behavior) {
                transmit(bytes, from: index, to: Int(peer.rawValue))
            }
        } else {
            let bytes = message.encoded
            for peer in peers { transmit(bytes, from: index, to: Int(peer.rawValue)) }
        }
    }

    mutating func transmit(_ bytes: [UInt8], from: Int, to: Int) {
        let source = nodes[from].id
        let target = nodes[to].id
        if now < stableTime {
            if !partition.isEmpty, partition[from] >= 0, partition[to] >= 0, partition[from] != partition[to] { return }
            if random.chance(scenario.dropRate) { return }
            queue.schedule(.deliver(from: source, to: target, bytes: bytes), at: now + random.uniform(1...max(1, scenario.maxChaosDelay)))
            if random.chance(scenario.duplicateRate) {
                queue.schedule(.deliver(from: source, to: target, bytes: bytes), at: now + random.uniform(1...max(1, scenario.maxChaosDelay)))
            }
        } else {
            queue.schedule(.deliver(from: source, to: target, bytes: bytes), at: now + random.uniform(1...max(1, scenario.stableDelay)))
        }
    }

    // MARK: Invariants

    private func isFinished() -> Bool {
        if let target = scenario.targetIteration {
            return honestIndices.allSatisfy { (nodes[$0].engine?.iteration ?? 0) >= target }
        }
        if let lateJoiner, lateJoiner.target.map({ UInt64(nodes[lateJoiner.index].store.count) < $0 }) ?? true {
            return false  // the late guardian has not joined, or not caught up yet
        }
        let wanted = Set(submittedItems)
        guard wanted.count == scenario.items else { return false }
        return honestIndices.allSatisfy { index in
            guard nodes[index].isUp else { return false }
            let finalized = Set(nodes[index].store.flatMap(\.items).map(ConsensusItem.hash(of:)))
            return wanted.isSubset(of: finalized)
        }
    }

    private mutating func finish(deadlineReached: Bool) {
        report.simulatedTime = now
        let honest = honestIndices
        report.finalizedBlocks = honest.map { nodes[$0].store.count }.min() ?? 0
        report.iterationsReached = honest.compactMap { nodes[$0].engine?.iteration }.min() ?? 0
        report.finalizedItems = referenceItems.count
        let configuration = configurationTemplate[0]
        for index in honest {
            let store = nodes[index].store
            do {
                let proven = try ConsensusHistory.verify(
                    store, after: .genesis(configuration.genesisHash), peers: configuration.peers,
                    quorum: configuration.quorum, domain: configuration.domain, verifier: keyring.verifier)
                if proven != store.count {
                    violation("\(nodes[index].id): only \(proven) of \(store.count) finalized blocks are proven final")
                }
            } catch {
                violation("\(nodes[index].id): finalized history does not verify: \(error)")
            }
        }
        if scenario.targetIteration == nil {
            let wanted = Set(submittedItems)
            for index in honest {
                let finalized = Set(nodes[index].store.flatMap(\.items).map(ConsensusItem.hash(of:)))
                let missing = wanted.subtracting(finalized).count
                if missing > 0 {
                    violation("liveness: \(nodes[index].id) has not finalized \(missing) of \(wanted.count) items after the network stabilized")
                }
            }
        } else if deadlineReached {
            violation("liveness: target iteration not reached before the deadline")
        }
    }
}

func milliseconds(_ duration: Duration) -> UInt64 {
    let (seconds, attoseconds) = duration.components
    return UInt64(max(0, seconds)) * 1_000 + UInt64(max(0, attoseconds)) / 1_000_000_000_000_000
}
