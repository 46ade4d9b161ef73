import FMConsensus
import FMCore
import FMDatabase
import FMEncoding
import FMPeerNetwork
import FMSecp256k1
import FMServerCore
import FMSetup
import FMStorage
import FMLightningServer
import FMMintServer
import FMPostgres
import Logging
import NIOConcurrencyHelpers

/// One guardian, assembled from its configs: database, module servers, transaction processor, peer network and
/// consensus driver. ``run()`` runs them all; ``shutdown()`` stops them.
public final class GuardianNode: Sendable {
    public let configs: GuardianConfigs
    /// The SQLite database file named in local.json; its directory is the guardian's data directory (operator token,
    /// backup staging) whichever database holds its state (``GuardianDatabase``).
    public let databasePath: String
    public let federationID: FederationID
    public let clientConfig: ClientConfig
    public let processor: TransactionProcessor
    public let network: PeerNetwork
    public let driver: ConsensusDriver
    /// Clients' encrypted snapshots, in a database of their own (``BackupStore``).
    public let backups: BackupStore
    /// TEST ONLY: how this guardian misserves snapshots (dev federations only).
    public let backupFault: BackupTestFault?
    /// Signalled after every applied block; the API's long polls wait on it.
    public let commits = CommitSignal()
    /// The bound on the API's long polls waiting at once (``LongPollSlots``).
    public let longPolls: LongPollSlots
    /// Applied blocks and transaction latencies, timed (the dashboard's graphs).
    public let activity = GuardianActivity()
    let stoppedAtShutdown = NIOLockedValueBox<ShutdownStatus?>(nil)
    /// The meta proposal this guardian submitted last (``proposeMeta(key:value:)`` builds on it before it is ordered).
    let submittedMeta = NIOLockedValueBox<FederationMeta?>(nil)
    /// The newest announcement sequence relayed per peer and when (``relayAPIAnnouncement(_:)`` skips repeats).
    let relayedAnnouncements = NIOLockedValueBox<[PeerID: (sequence: UInt64, at: ContinuousClock.Instant)]>([:])
    /// Signs this guardian's API URL announcements (``announceAPIURL(_:)``); the key its consensus votes use.
    let consensusKeypair: Keypair
    /// The consensus versions this binary implements, announced to the federation (``announceConsensusVersions()``).
    public let supportedConsensusVersions: SupportedConsensusVersions
    let logger: Logger

    /// Opens the guardian's database (`database`: the SQLite file at `databasePath` by default; created and migrated if
    /// new) and builds every part.
    /// `tuneConsensus` adjusts timeouts (tests use short ones). `byzantineForTesting` makes this guardian lie to its
    /// peers (``GuardianTestFaults/byzantineConsensusVariable``; refused unless the federation is in dev mode).
    public init(
        configs: GuardianConfigs, databasePath: String, database location: GuardianDatabase = .sqlite,
        registry: ModuleRegistry = .standard,
        tuneConsensus: (inout ConsensusConfiguration) -> Void = { _ in }, byzantineForTesting: Bool = false,
        backupFaultForTesting: BackupTestFault? = nil, secondModuleVersionForTesting: String? = nil,
        logger: Logger = Logger(label: "fm.node")
    ) throws {
        try configs.consensus.validate(modules: registry)
        let own = configs.local.peerId
        guard configs.consensus.peerIDs.contains(own) else {
            throw ConfigError.mismatch("local.json names \(own), who is not in the consensus config")
        }
        self.configs = configs
        self.databasePath = databasePath
        longPolls = LongPollSlots(limit: configs.local.apiLimits?.maxLongPolls ?? LongPollSlots.defaultLimit)
        federationID = try configs.consensus.federationID(modules: registry)
        clientConfig = try configs.consensus.clientConfig(modules: registry)
        var logger = logger
        logger[metadataKey: "peer"] = "\(own.rawValue)"
        self.logger = logger

        let modules = try GuardianModules.build(configs, registry: registry)
        let (database, backups) = try location.open(
            databasePath: databasePath, schemas: [ConsensusStore.schema] + TransactionProcessor.schemas(for: modules), logger: logger)
        self.backups = backups
        processor = TransactionProcessor(
            database: database, modules: modules, threshold: configs.consensus.threshold,
            announcementKeys: APIAnnouncementKeys(federation: federationID, keys: try configs.consensus.consensusKeys()),
            guardians: configs.consensus.peerIDs, logger: logger)
        guard secondModuleVersionForTesting == nil || configs.consensus.devMode else {
            throw ConfigError.invalid("the second module version is a test fault, allowed only on dev federations")
        }
        supportedConsensusVersions = try GuardianConsensusVersions.supported(
            components: processor.versionedComponents, secondVersionForTesting: secondModuleVersionForTesting)
        if backupFaultForTesting != nil {
            guard modules.contains(where: { ($0 as? MintServerModule)?.config.devMode == true }) else {
                throw ConfigError.invalid("test faults are allowed only on dev federations")
            }
        }
        backupFault = backupFaultForTesting
        if modules.contains(where: { ($0 as? LightningServerModule)?.servesInvalidShares == true }) {
            guard configs.consensus.devMode else {
                throw ConfigError.invalid("the Lightning invalid-shares test fault is allowed only on dev federations")
            }
        }

        guard let secretBytes = Hex.decode(configs.private.consensusSecretKey),
            let secret = try? SecretKey(rawRepresentation: secretBytes)
        else { throw ConfigError.invalid("private.json: malformed consensus secret key") }
        let keypair = Keypair(secretKey: secret)
        consensusKeypair = keypair
        let keys = try configs.consensus.consensusKeys()
        guard keys[own] == keypair.xOnlyPublicKey else {
            throw ConfigError.mismatch("the consensus secret key does not match \(own)'s public key")
        }
        var endpoints: [PeerID: FMPeerNetwork.PeerEndpoint] = [:]
        var ownCertificate: [UInt8] = []
        for peer in configs.consensus.peers {
            let code = try peer.setupCode().validated()
            if peer.peerId == own {
                ownCertificate = code.certificate.derBytes
            } else {
                endpoints[peer.peerId] = FMPeerNetwork.PeerEndpoint(
                    host: code.p2p.host, port: code.p2p.port, certificate: code.certificate)
            }
        }
        guard let tlsKey = Hex.decode(configs.private.tlsPrivateKey) else {
            throw ConfigError.invalid("private.json: malformed TLS private key")
        }
        let identity = try TLSIdentity(privateKeyRawRepresentation: tlsKey, certificateDER: ownCertificate)
        network = try PeerNetwork(
            configuration: PeerNetworkConfiguration(
                ourID: own, networkID: federationID.hash, identity: identity, listenHost: configs.local.p2pBindHost,
                listenPort: configs.local.p2pBindPort, peers: endpoints))
        var consensus = ConsensusConfiguration(
            peers: configs.consensus.peerIDs, ownID: own, federationID: federationID)
        tuneConsensus(&consensus)
        let signer = SchnorrConsensusSigner(peer: own, keypair: keypair)
        guard !byzantineForTesting || configs.consensus.devMode else {
            throw ConfigError.invalid("the Byzantine consensus test fault is allowed only on dev federations")
        }
        let transport: any ConsensusTransport =
            byzantineForTesting ? ByzantineTransport(wrapping: network, signer: signer, domain: consensus.domain) : network
        driver = ConsensusDriver(
            configuration: consensus, signer: signer, verifier: SchnorrConsensusVerifier(publicKeys: keys),
            transport: transport, store: ConsensusStore(database: database, logger: logger), logger: logger)
    }

    public var peerID: PeerID { configs.local.peerId }

    /// Set when this guardian stopped after the agreed shutdown height (``run()`` then returns).
    public var completedShutdown: ShutdownStatus? { stoppedAtShutdown.withLockedValue { $0 } }

    /// Runs network, consensus and block processing until ``shutdown()``; throws if any of them fails (a halted
    /// guardian keeps its network and consensus running but applies no block: ``run()`` then keeps waiting).
    public func run() async throws {
        try await checkActiveConsensusVersions()
        try await withThrowingTaskGroup(of: Void.self) { outer in
            // Module work (votes, background watchers) runs for as long as consensus does, then is cancelled.
            outer.addTask { try await self.runModuleWork() }
            outer.addTask {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await self.network.run() }
                    group.addTask { try await self.driver.run() }
                    group.addTask { try await self.processBlocks() }
                    do {
                        while try await group.next() != nil {}
                    } catch {
                        self.shutdown()
                        throw error
                    }
                }
            }
            defer { outer.cancelAll() }
            try await outer.next()
        }
    }

    /// How often modules are asked for the consensus items they want to propose.
    static let moduleProposalInterval = Duration.milliseconds(250)

    /// Every module's background work (``BackgroundServerModule``), this binary's consensus-version announcement
    /// (``announceConsensusVersions()``) and the loop that submits the modules' consensus proposals (block height
    /// and fee-rate votes, signature shares) to consensus. Runs until cancelled.
    func runModuleWork() async throws {
        let modules = processor.modules.values.sorted { $0.instance < $1.instance }
        let database = processor.database
        try await withThrowingTaskGroup(of: Void.self) { group in
            for case let module as any BackgroundServerModule in modules {
                group.addTask {
                    do { try await module.runBackground(storage: database) } catch is CancellationError {} catch {
                        self.logger.error("background work of module \(module.instance) (\(module.kind)) stopped: \(error)")
                    }
                }
            }
            group.addTask {
                do { try await self.announceConsensusVersions() } catch is CancellationError {} catch {
                    self.logger.error("consensus version announcement stopped: \(error)")
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    for module in modules { await self.submitProposals(of: module) }
                    try await Task.sleep(for: Self.moduleProposalInterval)
                }
            }
            try await group.waitForAll()
        }
    }

    /// Submits what `module` proposes now; items already pending or just finalized are refused as duplicates.
    func submitProposals(of module: any ServerModule) async {
        let payloads: [[UInt8]]
        do { payloads = try await processor.database.read { db in try module.consensusProposal(db: db) } } catch {
            logger.warning("module \(module.instance) could not propose: \(error)")
            return
        }
        for payload in payloads {
            let item = FederationItem.module(ModuleItem(module: module.instance, payload: payload))
            do { try await driver.submit(item: item.canonicalBytes) } catch {
                if error == .notRunning { return }
            }
        }
    }

    /// Stops driver and network; ``run()`` returns once both have stopped. A PostgreSQL guardian's waits for an
    /// unreachable database end too (they would hold the shutdown until the database answers).
    public func shutdown() {
        (processor.database as? PostgresStorage)?.stopWaiting()
        driver.shutdown()
        network.shutdown()
    }

    /// Closes a PostgreSQL guardian's connections (postgres-nio requires it before they are released); nothing for
    /// SQLite. Only after ``run()`` and the API server have returned: the database must not be used afterwards.
    public func closeDatabase() {
        (processor.database as? PostgresStorage)?.close()
    }

    /// Applies finalized blocks as the driver delivers them, from the processing cursor on.
    func processBlocks() async throws {
        if let reason = try await processor.haltReason() {
            logger.critical("GUARDIAN HALTED: \(reason). Not applying blocks.")
            return
        }
        let start = try await processor.nextHeight()
        if let shutdown = try await processor.scheduledShutdown(), shutdown >= start {
            await driver.limitOrdering(toHeight: shutdown)
        }
        var schedule = DigestReportSchedule()
        for try await block in driver.finalizedBlocks(from: start) {
            let outcome = try await applyRetrying(block)
            commits.notifyCommit()
            if let outcome {
                DigestMetrics.shared.record(outcome)
                activity.applied(outcome)
                let changed = DigestReportSchedule.changesState(block.items)
                if schedule.shouldReport(afterBlock: outcome.height, changedState: changed) { await reportStateDigest(outcome) }
                if let height = outcome.shutdownAgreed { await driver.limitOrdering(toHeight: height) }
                try refuseUnsupported(outcome.activatedVersions)
                if outcome.stopsHere {
                    try await stopForScheduledShutdown(outcome)
                    return
                }
            }
            if outcome?.haltedReason != nil { return }
        }
    }

    /// The longest a guardian that reached the shutdown height keeps serving its peers' catch-up.
    static let shutdownLinger = Duration.seconds(30)

    /// After the agreed shutdown height: keeps consensus running (it orders nothing past the height) until every
    /// peer announced that it finalized that block, or ``shutdownLinger`` passed, so a lagging peer can still fetch
    /// it; then stops everything, and ``run()`` returns.
    func stopForScheduledShutdown(_ outcome: BlockOutcome) async throws {
        logger.notice(
            "SCHEDULED SHUTDOWN: applied block \(outcome.height), state digest \(outcome.stateDigest.hex); stopping once the peers have it")
        let deadline = ContinuousClock.now + Self.shutdownLinger
        let others = configs.consensus.peerIDs.filter { $0 != peerID }
        while ContinuousClock.now < deadline {
            let counts = driver.status.peerFinalizedCounts
            if others.allSatisfy({ (counts[$0] ?? 0) > outcome.height }) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        stoppedAtShutdown.withLockedValue {
            $0 = ShutdownStatus(height: outcome.height, reached: true, stateDigest: outcome.stateDigest.hex)
        }
        shutdown()
    }

    /// Proposes this guardian's digest after a block for the others to compare (when: ``DigestReportSchedule``).
    func reportStateDigest(_ outcome: BlockOutcome) async {
        let report = StateDigestReport(peer: peerID, height: outcome.height, digest: outcome.stateDigest)
        do { try await driver.submit(item: FederationItem.stateDigest(report).canonicalBytes) } catch {
            logger.debug("state digest of block \(outcome.height) not submitted: \(error)")
        }
    }

    /// Applies `block`, retrying with backoff while applying it fails for an environmental reason (disk I/O, disk
    /// full, a module's unavailable dependency: ``ProcessingFailure``), since nothing of a failed attempt is kept
    /// and every other failure of an item is a rejection. A halted guardian or a block out of order is an error.
    func applyRetrying(_ block: FinalizedBlock) async throws -> BlockOutcome? {
        var delay = Duration.milliseconds(500)
        var commitUncertain = false
        while true {
            do {
                let outcome = try await processor.apply(
                    height: block.header.height, proposer: block.header.proposer, items: block.items)
                if outcome == nil, commitUncertain {
                    // The unknown COMMIT went through: act on the block as if this attempt had applied it.
                    return try await processor.storedOutcome(height: block.header.height)
                }
                return outcome
            } catch let error as ProcessingError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // A statement interrupted by cancellation reaches here wrapped as a storage error: shutting down.
                if Task.isCancelled { throw CancellationError() }
                if (error as? StorageError)?.kind == .commitOutcomeUnknown { commitUncertain = true }
                logger.error("could not apply block \(block.header.height), retrying in \(delay): \(error)")
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    /// Checks `transaction` against committed state and, if valid, submits it to consensus.
    /// Returns the pre-check's verdict; a rejected transaction is not submitted.
    public func submit(_ transaction: Transaction) async throws -> TransactionOutcome {
        // The pre-check answers a transaction already applied with its recorded outcome (a resubmission).
        let verdict = try await processor.precheck(transaction)
        guard verdict == .accepted else { return verdict }
        if try await processor.outcome(of: transaction.txid) != nil { return verdict }
        activity.submitted(transaction.txid)
        do {
            try await driver.submit(item: FederationItem.transaction(transaction).canonicalBytes)
        } catch .rejected(.duplicate) {
            // Submitted before (by this client or another); consensus orders it once.
        }
        return verdict
    }

    /// What `status` reports.
    public func status() async throws -> GuardianStatus {
        let driverStatus = driver.status
        return GuardianStatus(
            peerId: peerID, federationId: federationID, version: FMServerVersion.current,
            blockHeight: try await processor.nextHeight(), finalizedBlocks: driverStatus.finalizedCount,
            consensusIteration: driverStatus.iteration, pendingItems: driverStatus.pendingItems,
            rejectedPeerMessages: driverStatus.rejectedMessages,
            peerFaults: Dictionary(uniqueKeysWithValues: driverStatus.rejectedByPeer.map { ("\($0.key.rawValue)", $0.value) }),
            stalePeerMessages: driverStatus.staleMessages,
            consensusRunning: driverStatus.isRunning,
            peers: peerStatuses(),
            haltedReason: try await processor.haltReason(),
            stateDigest: try await processor.stateDigestStatus(),
            shutdown: try await processor.operationsStatus().shutdown,
            consensusVersions: try await consensusVersionStatus(),
            modules: Dictionary(
                processor.modules.values.compactMap { module in
                    (module as? any BackgroundServerModule).map { (module.kind.rawValue, $0.backgroundStatus) }
                }, uniquingKeysWith: { first, _ in first }))
    }
}

/// A guardian's health as `status` reports it.
public struct GuardianStatus: Codable, Hashable, Sendable {
    public struct Peer: Codable, Hashable, Sendable {
        public var peerId: PeerID
        public var name: String
        public var apiUrl: String
        /// The link as this guardian sees it (``GuardianNode/peerStatuses()``); nil for this guardian itself.
        public var connected: Bool?
        /// The last ping round trip of the link, in microseconds; nil while down or not yet measured.
        public var roundTripMicros: UInt64?
        /// Milliseconds since any frame (a message, ping or pong) from this peer arrived; nil if none ever did.
        public var lastMessageAgeMillis: UInt64?
    }

    public var peerId: PeerID
    public var federationId: FederationID
    public var version: String
    /// Blocks applied to this guardian's state.
    public var blockHeight: UInt64
    /// Blocks finalized by consensus (may run ahead of `block_height` briefly).
    public var finalizedBlocks: UInt64
    public var consensusIteration: UInt64
    public var pendingItems: Int
    public var rejectedPeerMessages: UInt64
    /// ``rejectedPeerMessages`` by the sending guardian's id and the kind of fault (`equivocation`,
    /// `invalid_signature`, `undecodable`, ...): the guardians that lie or are broken, by name.
    public var peerFaults: [String: [String: UInt64]]?
    /// Late votes for iterations already left (normal; see ``ConsensusDriverStatus/staleMessages``).
    public var stalePeerMessages: UInt64
    public var consensusRunning: Bool
    public var peers: [Peer]
    /// Set when the audit failed and the guardian stopped applying blocks.
    public var haltedReason: String?
    /// The state digest after the last applied block and the other guardians' digests that differed from ours.
    public var stateDigest: StateDigestStatus?
    /// The agreed scheduled shutdown, if any: its height, whether it was reached and the state digest after it.
    public var shutdown: ShutdownStatus?
    /// The consensus versions this binary supports, the active ones, and every guardian's announcement.
    public var consensusVersions: ConsensusVersionStatus?
    /// Modules' background health by kind, e.g. `"wallet": "bitcoin node at height 812"`.
    public var modules: [String: String]?
}

/// The version fm-node reports.
public enum FMServerVersion {
    public static let current = "0.1.0"
}
