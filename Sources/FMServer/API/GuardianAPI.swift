import FMCore
import FMEncoding
import FMRPC
import FMServerCore
import Foundation

/// The guardian's client API methods (docs/rpc.md conventions: snake_case JSON, hex for bytes).
///
/// - `submit_transaction {transaction: hex}` → `{txid}`; an invalid transaction is refused at once with its reason.
/// - `await_transaction {txid}` → `{status: "accepted"|"rejected", reason?: {code, message}}` (long poll).
/// - `await_output_outcome {out_point: {txid, out_index}}` → `{outcome: hex}` (long poll).
/// - `await_output_outcomes {txid, out_indices: [n]}` → `{outcomes: [hex]}` in the order asked, once every one exists
///   (long poll; core API 1.1): one call for all outputs of a transaction instead of one per output.
/// - `await_signed_session {index}` → `{block: hex}`: the finalized block with its certificate (long poll).
/// - `version` → `{core: ["1.0"], modules: {mint: ["1.0"], ...}}`: the API versions served (``GuardianAPIVersions``).
/// - `session_count` → the number of blocks applied; `client_config`; `consensus_config` (public: clients hash it
///   to check the federation id on join); `status`; `audit`.
/// - `backup_upload`, `backup_fetch`: clients' encrypted snapshots (``BackupAPI``).
/// - `meta`, `operations`, and the admin methods `meta_set`, `meta_unset`, `schedule_shutdown` (``OperationsAPI``).
/// - every module's own endpoints as `<kind>/<name>` (``registerModuleEndpoints(into:node:)``).
public enum GuardianAPI {
    /// How long the long polls wait before answering `not_yet_processed`.
    public static let longPoll: Duration = .seconds(50)

    public static func register(into registry: inout RPCMethodRegistry, node: GuardianNode) {
        registry.register(
            CoreAPI.submitTransaction, summary: "Checks a transaction and submits it to consensus",
            cost: RPCMethodRegistry.submitCost
        ) {
            (params: CoreAPI.SubmitTransactionParams, _) async throws -> CoreAPI.SubmitTransactionResult in
            guard let bytes = Hex.decode(params.transaction), let transaction = try? Transaction(canonicalBytes: bytes) else {
                throw JSONRPCError.invalidParams(field: "transaction", expected: "a canonically encoded transaction as hex")
            }
            if case .rejected(let rejection) = try await node.submit(transaction) { throw rejection }
            return CoreAPI.SubmitTransactionResult(txid: transaction.txid)
        }
        registry.register(
            CoreAPI.awaitTransaction, summary: "Waits until a transaction is accepted or rejected",
            timeout: longPoll + .seconds(5)
        ) { (params: CoreAPI.AwaitTransactionParams, _) async throws -> TransactionStatus in
            let outcome = try await longPoll(node, what: "transaction \(params.txid)") {
                try await node.processor.outcome(of: params.txid)
            }
            return TransactionStatus(outcome)
        }
        registry.register(
            CoreAPI.awaitOutputOutcome, summary: "Waits for an accepted output's outcome (the mint: a blind signature share)",
            timeout: longPoll + .seconds(5)
        ) { (params: CoreAPI.AwaitOutputOutcomeParams, _) async throws -> CoreAPI.OutputOutcome in
            let bytes = try await longPoll(node, what: "output \(params.outPoint)") { () async throws -> [UInt8]? in
                if let bytes = try await node.processor.outputOutcome(params.outPoint) { return bytes }
                if case .rejected(let rejection) = try await node.processor.outcome(of: params.outPoint.txid) {
                    throw rejection
                }
                return nil
            }
            return CoreAPI.OutputOutcome(outcome: Hex.encode(bytes))
        }
        registry.register(
            CoreAPI.awaitOutputOutcomes,
            summary: "Waits for the outcomes of several outputs of one accepted transaction, in the order asked",
            timeout: longPoll + .seconds(5), cost: outputOutcomesCost
        ) { (params: CoreAPI.AwaitOutputOutcomesParams, _) async throws -> CoreAPI.OutputOutcomes in
            // Bounded work per call: at most 64 outputs, each read once (strictly increasing: no repeats), and no index
            // a transaction cannot have (a poll for one would wait in vain).
            guard !params.outIndices.isEmpty, params.outIndices.count <= Transaction.maxOutcomesPerQuery,
                zip(params.outIndices, params.outIndices.dropFirst()).allSatisfy({ $0 < $1 }),
                params.outIndices.last! < UInt64(Transaction.maxItems)
            else {
                throw JSONRPCError.invalidParams(
                    field: "params.out_indices",
                    expected: "1 to \(Transaction.maxOutcomesPerQuery) strictly increasing output indices, each below \(Transaction.maxItems)")
            }
            let outPoints = params.outIndices.map { OutPoint(txid: params.txid, outIndex: $0) }
            // Outcomes found stay found: each re-check reads only from the first output still missing on.
            var found: [[UInt8]] = []
            let outcomes = try await longPoll(node, what: "outputs of \(params.txid)") { () async throws -> [[UInt8]]? in
                found += try await presentOutputOutcomes(outPoints[found.count...], processor: node.processor)
                if found.count == outPoints.count { return found }
                if case .rejected(let rejection) = try await node.processor.outcome(of: params.txid) { throw rejection }
                return nil
            }
            return CoreAPI.OutputOutcomes(outcomes: outcomes.map { Hex.encode($0) })
        }
        registry.register(
            "await_signed_session", summary: "Waits for finalized block INDEX and returns it with its certificate",
            timeout: longPoll + .seconds(5)
        ) { (params: AwaitSignedSessionParams, _) async throws -> SignedSessionResult in
            let block = try await longPoll(node, what: "session \(params.index)") {
                try await node.driver.store.blocks(from: params.index, maxCount: 1).first
            }
            return SignedSessionResult(block: Hex.encode(block.canonicalBytes))
        }
        registry.register("session_count", summary: "How many consensus blocks this guardian has applied") {
            (_: NoParams, _) async throws -> UInt64 in
            try await node.processor.nextHeight()
        }
        registry.register(CoreAPI.clientConfig, summary: "The federation's client config") {
            (_: NoParams, _) async throws -> ClientConfig in
            node.clientConfig
        }
        registry.register(
            CoreAPI.consensusConfig, summary: "The federation's consensus config, whose canonical hash is the federation id"
        ) { (_: NoParams, _) async throws -> ConsensusConfig in
            node.configs.consensus
        }
        registry.register("status", summary: "Peer id, block height, peers, consensus health, version") {
            (_: NoParams, _) async throws -> GuardianStatus in
            try await node.status()
        }
        registry.register("audit", summary: "Every module's assets and liabilities") {
            (_: NoParams, _) async throws -> AuditReport in
            AuditReport(try await node.processor.audit(), haltedReason: try await node.processor.haltReason())
        }
        let versions = Result { try GuardianAPIVersions.served(by: node, environment: ProcessInfo.processInfo.environment) }
        registry.register("version", summary: "The core and module API versions this guardian serves (MAJOR.MINOR)") {
            (_: NoParams, _) async throws -> SupportedAPIVersions in
            try versions.get()
        }
        BackupAPI(store: node.backups, fault: node.backupFault).register(into: &registry)
        OperationsAPI.register(into: &registry, node: node)
        registerModuleEndpoints(into: &registry, node: node)
    }

    /// Re-checks `check` whenever the guardian commits a block (``GuardianNode/commits``), at least every
    /// ``longPollRecheck`` (a block finalized but not applied by a halted guardian still answers
    /// `await_signed_session`), until it yields a value or ``longPoll`` passes. When the guardian holds its
    /// maximum of waiting polls (``GuardianNode/longPolls``), checks once and answers at once.
    static func longPoll<Value: Sendable>(
        _ node: GuardianNode, what: String, limit: Duration = longPoll, _ check: () async throws -> Value?
    ) async throws -> Value {
        let deadline = ContinuousClock.now + limit
        let waits = node.longPolls.acquire()
        defer { if waits { node.longPolls.release() } }
        while true {
            let seen = node.commits.generation
            if let value = try await check() { return value }
            let remaining = deadline - ContinuousClock.now
            guard waits, remaining > .zero else { throw NotYetProcessed(what: what) }
            await node.commits.wait(after: seen, timeout: min(remaining, longPollRecheck))
            try Task.checkCancellation()
        }
    }

    /// `await_output_outcomes` asks for up to ``Transaction/maxOutcomesPerQuery`` outputs: a few units of the
    /// client's budget, where each output asked alone costs one.
    static let outputOutcomesCost = 4

    /// The outcomes of the leading outputs of `outPoints` that have one, from one read transaction: up to the first
    /// output without an outcome.
    static func presentOutputOutcomes(_ outPoints: ArraySlice<OutPoint>, processor: TransactionProcessor) async throws -> [[UInt8]] {
        let modules = Array(processor.modules.values)
        let outPoints = Array(outPoints)
        return try await processor.database.read { db in
            var outcomes: [[UInt8]] = []
            outcomes.reserveCapacity(outPoints.count)
            next: for outPoint in outPoints {
                for module in modules {
                    if let bytes = try module.outputOutcome(outPoint, db: db) {
                        outcomes.append(bytes)
                        continue next
                    }
                }
                break
            }
            return outcomes
        }
    }

    /// The longest a long poll sleeps without re-checking the database.
    static let longPollRecheck: Duration = .milliseconds(250)

    /// Registers each module's ``ModuleEndpoint``s as `<kind>/<name>`, answered from committed state in a
    /// read-only transaction (a waiting endpoint: again after each commit, ``longPoll(_:what:limit:_:)``). When a
    /// federation runs two instances of one kind, the lowest instance serves.
    public static func registerModuleEndpoints(into registry: inout RPCMethodRegistry, node: GuardianNode) {
        var served = Set<ModuleKind>()
        for instance in node.processor.modules.keys.sorted() {
            let module = node.processor.modules[instance]!
            guard served.insert(module.kind).inserted else { continue }
            for endpoint in module.apiEndpoints {
                let database = node.processor.database
                let name = "\(module.kind)/\(endpoint.name)"
                let answer: @Sendable (JSONValue) async throws -> JSONValue = { params in
                    do {
                        return try await database.read { db in try endpoint.handler(params, db) }
                    } catch ModuleEndpointError.invalidParams(let field, let expected) {
                        throw JSONRPCError.invalidParams(field: field.isEmpty ? "params" : "params.\(field)", expected: expected)
                    }
                }
                guard let waiting = endpoint.waiting else {
                    registry.register(name, summary: endpoint.summary, cost: endpoint.cost) {
                        (params: JSONValue, _) async throws -> JSONValue in try await answer(params)
                    }
                    continue
                }
                registry.register(name, summary: endpoint.summary, timeout: waiting.limit + .seconds(5), cost: endpoint.cost) {
                    (params: JSONValue, _) async throws -> JSONValue in
                    var notYet: (any Error)?
                    do {
                        return try await longPoll(node, what: name, limit: waiting.limit) { () async throws -> JSONValue? in
                            do { return try await answer(params) } catch let error as any ReportableError where waiting.codes.contains(error.code) {
                                notYet = error
                                return nil
                            }
                        }
                    } catch is NotYetProcessed {
                        throw notYet ?? NotYetProcessed(what: name)
                    }
                }
            }
        }
    }
}

/// `await_transaction`'s answer.
public struct TransactionStatus: Codable, Hashable, Sendable {
    public var status: String
    public var reason: TransactionRejection?

    public init(_ outcome: TransactionOutcome) {
        switch outcome {
        case .accepted:
            status = "accepted"
            reason = nil
        case .rejected(let rejection):
            status = "rejected"
            reason = rejection
        }
    }
}

public struct AwaitSignedSessionParams: Codable, Sendable {
    public var index: UInt64
    public init(index: UInt64) { self.index = index }
}

public struct SignedSessionResult: Codable, Hashable, Sendable {
    /// The canonical encoding of the finalized block (FMConsensus `FinalizedBlock`, certificate included), as hex.
    public var block: String
}

/// `audit`'s answer.
public struct AuditReport: Codable, Hashable, Sendable {
    public struct Module: Codable, Hashable, Sendable {
        public var instance: ModuleInstanceID
        public var kind: ModuleKind
        public var assets: Amount
        public var liabilities: Amount
    }

    public var modules: [Module]
    public var assets: Amount
    public var liabilities: Amount
    public var solvent: Bool
    public var haltedReason: String?

    public init(_ audit: FederationAudit, haltedReason: String?) {
        modules = audit.modules.map {
            Module(instance: $0.instance, kind: $0.kind, assets: $0.audit.assets, liabilities: $0.audit.liabilities)
        }
        assets = audit.total.assets
        liabilities = audit.total.liabilities
        solvent = audit.total.isSolvent
        self.haltedReason = haltedReason
    }
}

/// A long poll ended before the awaited thing happened; ask again.
public struct NotYetProcessed: ReportableError {
    public let what: String
    public var category: FailureCategory { .unreachable }
    public var code: String { "not_yet_processed" }
    public var description: String { "\(what) is not processed yet; ask again" }
}
