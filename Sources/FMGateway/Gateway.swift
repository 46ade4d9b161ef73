import FMClient
import FMClientCore
import FMCore
import FMDatabase
import FMLightningClient
import FMLightningCommon
import FMLightningRPC
import FMSecp256k1
import Foundation
import Logging
import NIOConcurrencyHelpers

/// fm-gateway's core (docs/lightning.md, "Gateway"): the federations it serves as a client, its one Lightning node
/// (only through Core Lightning's JSON-RPC), its database of payments and receives, and the checks of the public API.
///
/// Data directory layout: `gateway.sqlite` (payments, receives, fees), `client/` (a ``ClientDirectory``: the
/// gateway's mnemonic and one database per federation), `operator.token` (0600).
public final class Gateway: Sendable {
    public struct Configuration: Sendable {
        public var dataDirectory: String
        public var lightningRPC: String
        /// The URL users' clients reach the public API at (announced to the federations).
        public var apiURL: String
        /// Fees used until the operator sets others.
        public var defaultFees: (baseMsat: UInt64, ppm: UInt64)
        /// Announcement TTL; refreshed at half of it.
        public var announcementTTL: UInt64
        /// How long `pay` waits for a Lightning payment before answering "ask again".
        public var payWait: Duration
        /// Per-client limits of the public API.
        public var limits: GatewayLimits

        public init(
            dataDirectory: String, lightningRPC: String, apiURL: String, defaultFees: (baseMsat: UInt64, ppm: UInt64) = (1000, 1000),
            announcementTTL: UInt64 = 600, payWait: Duration = .seconds(120), limits: GatewayLimits = GatewayLimits()
        ) {
            self.dataDirectory = dataDirectory
            self.lightningRPC = lightningRPC
            self.apiURL = apiURL
            self.defaultFees = defaultFees
            self.announcementTTL = announcementTTL
            self.payWait = payWait
            self.limits = limits
        }
    }

    /// Margins (docs/lightning.md, "Gateway margins").
    public enum Margins {
        /// The CLTV the gateway's hold invoices ask for (blocks): its time to fund, decrypt and settle.
        public static let holdInvoiceCLTV: UInt32 = 144
        /// Seconds an incoming contract must outlive the invoice (consensus time lags, funding takes a moment).
        public static let incomingExpirationSecs: UInt64 = 600
        /// How far consensus time may move between the client's read and the gateway's: the invoice is shortened by it.
        public static let consensusTimeDriftSecs: UInt64 = 120
        /// A held HTLC not yet paid for by a funded contract is failed back this many blocks before its expiry.
        public static let htlcCancelBlocks: UInt64 = 6
        /// Invoice expiries the gateway accepts.
        public static let invoiceExpiry: ClosedRange<UInt64> = 60...(7 * 24 * 3600)

        /// The expiry of the invoice for an incoming contract, or nil when the contract expires too soon. Checked
        /// against consensus time, as the guardians check funding (it may lag the clock by minutes when idle): the
        /// contract must outlive the invoice by ``incomingExpirationSecs``. Consensus time may have moved on since
        /// the client read it, so up to ``consensusTimeDriftSecs`` short of `requested` shortens the invoice instead
        /// of refusing it.
        public static func invoiceExpiry(requested: UInt64, contractExpiration: UInt64, consensusTime: UInt64) -> UInt64? {
            let (fundableUntil, early) = contractExpiration.subtractingReportingOverflow(incomingExpirationSecs)
            let (available, late) = fundableUntil.subtractingReportingOverflow(consensusTime)
            guard !early, !late, available >= requested - min(requested, consensusTimeDriftSecs),
                available >= invoiceExpiry.lowerBound
            else { return nil }
            return min(requested, available)
        }
    }

    let configuration: Configuration
    let store: SQLiteDatabase
    let node: LightningRPCClient
    let clientDirectory: ClientDirectory
    let logger: Logger
    let links = NIOLockedValueBox<[FederationID: FederationLink]>([:])
    let inflight = InflightTasks()
    let recentlyUnfunded = RecentlyUnfunded()
    public let nodeID: String

    public init(configuration: Configuration, logger: Logger) async throws {
        self.configuration = configuration
        self.logger = logger
        try AtomicFile.createPrivateDirectory(configuration.dataDirectory)
        store = try SQLiteDatabase(
            path: (configuration.dataDirectory as NSString).appendingPathComponent("gateway.sqlite"), schemas: [GatewaySchema.schema])
        clientDirectory = ClientDirectory(path: (configuration.dataDirectory as NSString).appendingPathComponent("client"))
        node = try LightningRPCClient(socketPath: configuration.lightningRPC, timeout: .seconds(30))
        nodeID = try await node.call(GetinfoRequest()).id
        let defaults = GatewayFees(baseFeeMsat: configuration.defaultFees.baseMsat, feePpm: configuration.defaultFees.ppm)
        try await store.write { db in if try GatewayFees.load(in: db) == nil { try defaults.store(in: db) } }
        var opened: [FederationID: FederationLink] = [:]
        for id in clientDirectory.joinedFederations() { opened[id] = try FederationLink.open(id, directory: clientDirectory) }
        links.withLockedValue { $0 = opened }
    }

    // MARK: Federations

    func link(_ id: FederationID) throws(GatewayAPI.ErrorResponse) -> FederationLink {
        guard let link = links.withLockedValue({ $0[id] }) else {
            throw GatewayAPI.ErrorResponse(code: .unknownFederation, message: "federation_id: this gateway does not serve \(id)")
        }
        return link
    }

    var allLinks: [FederationLink] { links.withLockedValue { Array($0.values) }.sorted { $0.id.hash < $1.id.hash } }

    /// Joins the federation of `invite` (idempotent: a known federation is returned as it is) and announces at once.
    public func connect(invite: InviteCode) async throws -> FederationID {
        if links.withLockedValue({ $0[invite.federationId] }) != nil { return invite.federationId }
        let link = try await FederationLink.join(invite, directory: clientDirectory)
        links.withLockedValue { $0[link.id] = link }
        try await announce(link)
        return link.id
    }

    func fees() async throws -> GatewayFees {
        let defaults = GatewayFees(baseFeeMsat: configuration.defaultFees.baseMsat, feePpm: configuration.defaultFees.ppm)
        return try await store.read { db in try GatewayFees.load(in: db) ?? defaults }
    }

    /// Sets the fees and announces them to every federation.
    public func setFees(baseMsat: UInt64, ppm: UInt64) async throws {
        guard baseMsat <= LightningBounds.maxAmount.msats else { throw GatewayError.invalidParameter("base_fee_msat", "at most 21 million BTC") }
        guard ppm <= LightningBounds.maxFeePartsPerMillion else {
            throw GatewayError.invalidParameter("fee_ppm", "at most \(LightningBounds.maxFeePartsPerMillion)")
        }
        let fees = GatewayFees(baseFeeMsat: baseMsat, feePpm: ppm)
        try await store.write { db in try fees.store(in: db) }
        for link in allLinks { try await announce(link) }
    }

    /// The gateway's fee on `amount` at the current fees (the formula of ``GatewayAnnouncement/fee(for:)``).
    func fee(for amount: Amount) async throws -> Amount {
        let fees = try await fees()
        return try GatewayAnnouncement.fee(for: amount, baseFee: Amount(msats: fees.baseFeeMsat), feePartsPerMillion: fees.feePpm)
    }

    // MARK: Announcements

    func announce(_ link: FederationLink) async throws {
        let fees = try await fees()
        guard let nodeKey = Hex.decode(nodeID).flatMap({ try? PublicKey(serialized: $0) }) else {
            throw GatewayError.lightning("getinfo id \(nodeID) is not a public key")
        }
        _ = try await link.operations.announce(
            nodeKey: nodeKey, apiURL: configuration.apiURL, baseFee: Amount(msats: fees.baseFeeMsat), feePartsPerMillion: fees.feePpm,
            ttl: configuration.announcementTTL)
    }

    /// Announces to every federation now and then every TTL/2 (a failure is logged and retried in 10 s).
    func announceLoop() async {
        while !Task.isCancelled {
            var failed = false
            for link in allLinks {
                do { try await announce(link) } catch {
                    failed = true
                    logger.warning("announcing to \(link.id) failed: \(error)")
                }
            }
            try? await Task.sleep(for: .seconds(failed ? 10 : Int64(configuration.announcementTTL / 2)))
        }
    }

    // MARK: Info

    public func info() async throws -> GatewayAPI.InfoResponse {
        let fees = try await fees()
        return GatewayAPI.InfoResponse(
            nodePubkey: nodeID, apiUrl: configuration.apiURL,
            federations: allLinks.map { link in
                GatewayAPI.InfoResponse.FederationTerms(
                    federationId: link.id, gatewayKey: link.gatewayKeyHex, baseFeeMsat: fees.baseFeeMsat, feePpm: fees.feePpm,
                    minOutgoingTimelockSecs: GatewayAPI.outgoingTimelockSecs(minFinalCLTV: 18),
                    incomingExpirationMarginSecs: Margins.incomingExpirationSecs)
            })
    }

    /// Resumes every unfinished payment and receive (after a restart), each in its own task.
    func resumeAll() async throws {
        for payment in try await store.read({ db in try PaymentRecord.all(in: db, unfinishedOnly: true) }) {
            _ = inflight.start(payment.contractID) { [self] in await self.drivePayment(payment.contractID) }
        }
        for receive in try await store.read({ db in try ReceiveRecord.all(in: db, unfinishedOnly: true) }) {
            _ = inflight.start(receive.contractID) { [self] in await self.driveReceive(receive.contractID) }
        }
    }

    /// Background work: announcements, and a sweep that picks up receives and payments not yet driven.
    public func runBackground() async throws {
        try await resumeAll()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.announceLoop() }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(5))
                    try? await self.resumeAll()
                }
            }
        }
    }
}

/// One driver task per contract: a second request for the same contract waits for the first's task.
final class InflightTasks: Sendable {
    private let tasks = NIOLockedValueBox<[Hash256: Task<Void, Never>]>([:])

    /// The running task for `id`, or a new one running `body` (removed when it ends).
    @discardableResult
    func start(_ id: Hash256, _ body: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        tasks.withLockedValue { tasks in
            if let running = tasks[id] { return running }
            let task = Task { [self] in
                await body()
                self.tasks.withLockedValue { _ = $0.removeValue(forKey: id) }
            }
            tasks[id] = task
            return task
        }
    }
}

/// Why the gateway refuses an operator request or cannot go on.
public enum GatewayError: ReportableError {
    case federationWithoutLightning(FederationID)
    case invalidParameter(String, String)
    case lightning(String)
    case unknownFederation(String)

    public var category: FailureCategory {
        switch self {
        case .invalidParameter, .unknownFederation: .badInput
        case .federationWithoutLightning, .lightning: .failed
        }
    }

    public var code: String {
        switch self {
        case .federationWithoutLightning: "federation_without_lightning"
        case .invalidParameter: "invalid_parameter"
        case .lightning: "lightning_node"
        case .unknownFederation: "unknown_federation"
        }
    }

    public var field: String? {
        switch self {
        case .invalidParameter(let field, _): field
        case .unknownFederation: "federation_id"
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .federationWithoutLightning(let id): "federation \(id) has no Lightning (or no mint) module"
        case .invalidParameter(let field, let expected): "\(field): expected \(expected)"
        case .lightning(let why): "the Lightning node: \(why)"
        case .unknownFederation(let id): "federation_id: this gateway does not serve \(id)"
        }
    }
}
