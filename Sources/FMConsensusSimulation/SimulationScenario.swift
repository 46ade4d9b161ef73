/// How a Byzantine guardian misbehaves in a simulation. Each runs a real engine and distorts
/// what it sends.
public enum ByzantineBehavior: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Sends nothing (a crashed or cut-off guardian).
    case silent
    /// As leader proposes different blocks to different peers; votes for different blocks to
    /// different peers; votes both ⊥ and finalize in an iteration.
    case equivocate
    /// Corrupts signatures in what it sends.
    case forgeSignatures
    /// Re-sends old messages it received, to random peers.
    case replay
    /// Sends random bytes and mangled encodings besides its normal messages.
    case garbage
    /// Colludes with the other `coalitionSplit` guardians: in iterations a member leads, it
    /// shows one block to half of the honest guardians and another to the other half, and the
    /// whole coalition votes and finalizes both. Safe only while the coalition is at most f.
    case coalitionSplit
    /// Votes honestly but lies to guardians that are behind: every message it sends comes with a
    /// status claiming a huge finalized count, and it answers every block request at once with an
    /// empty response, trying to keep a lagging guardian asking it instead of an honest peer.
    case lieAboutProgress

    public var description: String { rawValue }

    /// The behaviors a simulation with at most f Byzantine guardians draws from.
    public static let individual: [ByzantineBehavior] = [.silent, .equivocate, .forgeSignatures, .replay, .garbage]
}

/// One simulated run: the federation, its adversary and the network's misbehavior.
/// Times are logical milliseconds.
public struct SimulationScenario: Sendable, CustomStringConvertible {
    public var n: Int
    public var seed: UInt64
    /// Behaviors of the Byzantine guardians (which guardians is drawn from the seed).
    public var byzantine: [ByzantineBehavior]
    /// Items submitted to honest guardians over the run.
    public var items: Int
    /// Until this time the network is asynchronous: it drops, duplicates, delays and partitions
    /// messages, and honest guardians crash and restart. Afterwards it delivers every message
    /// within `stableDelay` (global stabilization time).
    public var chaosDuration: UInt64
    public var dropRate: Double
    public var duplicateRate: Double
    public var maxChaosDelay: UInt64
    public var stableDelay: UInt64
    public var partitions: Bool
    public var crashes: Bool
    /// During chaos, split the honest guardians in two halves that cannot reach each other
    /// (Byzantine guardians reach both).
    public var splitHonestGuardians: Bool
    /// Crash every honest guardian at once in the middle of the chaos period, and restart them
    /// all from their checkpoints and block stores shortly after.
    public var wholeFederationRestart: Bool
    /// Every item must be finalized by every honest guardian this long after stabilization.
    public var livenessDeadline: UInt64
    /// Stop once every honest guardian reached this iteration (throughput measurement) instead
    /// of when all items are finalized.
    public var targetIteration: UInt64?
    /// One honest guardian stays down from the start until this time, then joins with an empty
    /// store: it can only catch up through finalized-block requests.
    public var lateJoinAt: UInt64?

    public init(
        n: Int, seed: UInt64, byzantine: [ByzantineBehavior] = [], items: Int = 12, chaosDuration: UInt64 = 1_500,
        dropRate: Double = 0.1, duplicateRate: Double = 0.05, maxChaosDelay: UInt64 = 150, stableDelay: UInt64 = 10,
        partitions: Bool = true, crashes: Bool = true, splitHonestGuardians: Bool = false,
        wholeFederationRestart: Bool = false, livenessDeadline: UInt64 = 30_000, targetIteration: UInt64? = nil,
        lateJoinAt: UInt64? = nil
    ) {
        self.n = n
        self.seed = seed
        self.byzantine = byzantine
        self.items = items
        self.chaosDuration = chaosDuration
        self.dropRate = dropRate
        self.duplicateRate = duplicateRate
        self.maxChaosDelay = maxChaosDelay
        self.stableDelay = stableDelay
        self.partitions = partitions
        self.crashes = crashes
        self.splitHonestGuardians = splitHonestGuardians
        self.wholeFederationRestart = wholeFederationRestart
        self.livenessDeadline = livenessDeadline
        self.targetIteration = targetIteration
        self.lateJoinAt = lateJoinAt
    }

    /// A scenario with f Byzantine guardians drawn from the seed (the standard CI scenario).
    public static func standard(n: Int, seed: UInt64) -> SimulationScenario {
        var random = SimulationRandom(seed: seed)
        let faulty = (n - 1) / 3
        let byzantine = (0..<faulty).map { _ in random.element(of: ByzantineBehavior.individual) }
        return SimulationScenario(n: n, seed: seed, byzantine: byzantine)
    }

    /// A harsher scenario whose network parameters are drawn from the seed too: up to 30% drops,
    /// 20% duplicates, 400 ms delays, 4 s of chaos, 40 items (used by the soak).
    public static func randomized(n: Int, seed: UInt64) -> SimulationScenario {
        var scenario = standard(n: n, seed: seed)
        var random = SimulationRandom(seed: seed ^ 0xA5A5_5A5A)
        scenario.dropRate = Double(random.uniform(0...30)) / 100
        scenario.duplicateRate = Double(random.uniform(0...20)) / 100
        scenario.maxChaosDelay = random.uniform(5...400)
        scenario.chaosDuration = random.uniform(0...4_000)
        scenario.items = Int(random.uniform(1...40))
        return scenario
    }

    public var description: String {
        "n=\(n) seed=\(seed) byzantine=\(byzantine) items=\(items) chaos=\(chaosDuration)ms drop=\(dropRate) dup=\(duplicateRate) partitions=\(partitions) crashes=\(crashes) split=\(splitHonestGuardians) restartAll=\(wholeFederationRestart) lateJoin=\(lateJoinAt.map(String.init) ?? "-")"
    }
}

/// The outcome of a run: invariant violations (empty when it passed) and figures.
public struct SimulationReport: Sendable, CustomStringConvertible {
    public let scenario: SimulationScenario
    /// Invariants that failed, in the order found. Empty means the run passed.
    public var violations: [String] = []
    /// Finalized blocks of the honest guardian that finalized the fewest.
    public var finalizedBlocks = 0
    /// Items finalized (in the reference chain).
    public var finalizedItems = 0
    /// Lowest iteration reached by an honest guardian.
    public var iterationsReached: UInt64 = 0
    /// Logical milliseconds simulated.
    public var simulatedTime: UInt64 = 0
    public var messagesDelivered = 0
    public var messagesRejected = 0
    public var crashes = 0
    /// With ``SimulationScenario/lateJoinAt``: how long after joining the late guardian first held
    /// as many finalized blocks as the honest guardian ahead had when it joined (nil: never).
    public var lateJoinerCatchUpTime: UInt64?

    public var passed: Bool { violations.isEmpty }

    /// One line that replays the run: the scenario, including its seed.
    public var replayHint: String { "replay with SimulationScenario(\(scenario))" }

    public var description: String {
        let status = passed ? "passed" : "FAILED (\(violations.count) violations: \(violations.prefix(3).joined(separator: "; ")))"
        return "\(scenario): \(status); blocks=\(finalizedBlocks) items=\(finalizedItems) iterations=\(iterationsReached) time=\(simulatedTime)ms delivered=\(messagesDelivered) rejected=\(messagesRejected) crashes=\(crashes)"
    }
}
