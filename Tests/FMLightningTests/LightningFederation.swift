import FMCore
import FMDatabase
import FMLightningCommon
import FMLightningServer
import FMMintClient
import FMMintCommon
import FMMintServer
import FMSecp256k1
import FMServer
import FMServerCore
import FMServerTesting
import FMTesting
import Foundation
import Testing
import FMWalletServer
import FMCrypto
import GRDB
import Synchronization

/// A clock tests move by hand (unix seconds).
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UInt64
    init(_ start: UInt64) { value = start }
    var now: UInt64 { lock.withLock { value } }
    func set(_ seconds: UInt64) { lock.withLock { value = seconds } }
}

/// n guardians in one process, each with its own transaction processor and database over the dealer's configs
/// (mint, wallet, ln), fed the same blocks in the same order as consensus would: whole transactions, atomic across
/// modules, with each guardian's own verdict, audit and state digest compared after every block.
struct LightningFederation {
    let processors: [TransactionProcessor]
    /// Each guardian's database, on the backend under test (`FM_TEST_STORAGE`).
    let places: [StoragePlace]
    let lnModules: [LightningServerModule]
    /// Each guardian's count of incoming inputs whose decryption it checked (``ProofCountingModule``).
    let decryptionChecks: [ProofCountingModule]
    /// Each guardian's encryption key share (to compute the decryption shares a guardian makes once a contract is funded).
    let keyShares: [SecretKeyShare]
    let mintConfig: MintClientConfig
    let lnConfig: LightningConsensusConfig
    let clock: TestClock
    let derivation: NoteDerivation
    private(set) var height: UInt64 = 0
    private var nextIndex: UInt64 = 0

    static let start: UInt64 = 1_800_000_000

    init(guardians n: Int = 4) throws {
        let clock = TestClock(Self.start)
        self.clock = clock
        let registry = ModuleRegistry([
            MintServerInit(), WalletServerInit(), LightningServerInit(clock: { clock.now }, voteInterval: 10),
        ])
        // No mint fees: the contract arithmetic in the tests stays exact (fees are the mint's business, tested there).
        let configs = try TestingDealer.generateForTesting(
            guardians: n, basePort: 41_000, devMode: true, modules: registry,
            mintParameters: .object([
                "max_exponent": .unsigned(16), "fees": .object(["per_input": .unsigned(0), "per_output": .unsigned(0)]),
            ]))
        var processors: [TransactionProcessor] = []
        var places: [StoragePlace] = []
        var lnModules: [LightningServerModule] = []
        var counters: [ProofCountingModule] = []
        var keyShares: [SecretKeyShare] = []
        for (index, config) in configs.enumerated() {
            let built = try GuardianModules.build(config, registry: registry)
            let ln = built.compactMap { $0 as? LightningServerModule }[0]
            lnModules.append(ln)
            counters.append(ProofCountingModule(ln))
            keyShares.append(try config.private.module(ln.instance)!.decode(LightningPrivateConfig.self).encryptionKeyShare)
            let modules = built.map { $0.instance == ln.instance ? counters[index].module : $0 }
            let place = try Backend.placeUnderTest()
            places.append(place)
            let database = try place.open(TransactionProcessor.schemas(for: modules))
            processors.append(TransactionProcessor(database: database, modules: modules))
        }
        self.processors = processors
        self.places = places
        self.lnModules = lnModules
        decryptionChecks = counters
        self.keyShares = keyShares
        mintConfig = try configs[0].consensus.modules.first { $0.kind == MintKind.kind }!.config.decode(MintClientConfig.self)
        lnConfig = lnModules[0].config
        derivation = try NoteDerivation(moduleSecret: [UInt8](repeating: 9, count: 64))
    }

    /// The decryption checks every guardian made so far, in guardian order.
    var decryptionCheckCounts: [Int] { decryptionChecks.map(\.count) }

    /// The t decryption shares of `contract` that guardians 0..<t make once it is funded (computed from their key
    /// shares, so a test can claim in the block that funds it).
    func shares(of contract: IncomingContract) -> [PeerDecryptionShare] {
        peers.prefix(lnConfig.threshold).map { peer in
            PeerDecryptionShare(
                peer: peer,
                share: ThresholdEncryption.decryptionShare(
                    for: contract.ciphertext, associatedData: contract.terms.associatedData,
                    with: DecryptionKeyShare(keyShares[Int(peer.rawValue)]))!)
        }
    }

    var peers: [PeerID] { (0..<processors.count).map { PeerID(UInt16($0)) } }
    var lnInstance: ModuleInstanceID { lnModules[0].instance }

    /// Applies the next block at every guardian; every guardian must reach the same outcomes, audit and digest, and
    /// the audit must balance. Returns the outcomes.
    @discardableResult
    mutating func apply(_ items: [FederationItem], proposer: PeerID = PeerID(0)) async throws -> [ProcessedTransaction] {
        defer { height += 1 }
        var results: [BlockOutcome] = []
        for processor in processors {
            guard let outcome = try await processor.apply(height: height, proposer: proposer, items: items.map(\.canonicalBytes)) else {
                throw HarnessError("block \(height) was not applied")
            }
            results.append(outcome)
        }
        guard Set(results.map(\.transactions)).count == 1, Set(results.map(\.audit)).count == 1,
            Set(results.map(\.stateDigest)).count == 1
        else { throw HarnessError("guardians disagree after block \(height)") }
        guard results[0].haltedReason == nil, results[0].audit.total.isSolvent else {
            throw HarnessError("audit failed: \(results[0].audit)")
        }
        return results[0].transactions
    }

    /// Applies one transaction in its own block and returns its outcome.
    mutating func submit(_ transaction: Transaction) async throws -> TransactionOutcome {
        try await apply([.transaction(transaction)]).first { $0.txid == transaction.txid }!.outcome
    }

    /// Every guardian votes `seconds` (each in a block it proposes): consensus time becomes `seconds`.
    mutating func agreeTime(_ seconds: UInt64) async throws {
        clock.set(seconds)
        for peer in peers {
            let vote = ModuleItem(module: lnInstance, payload: LightningConsensusItem.timeVote(seconds).canonicalBytes)
            try await apply([.module(vote)], proposer: peer)
        }
    }

    /// Consensus time at each guardian.
    func consensusTimes() async throws -> [UInt64] {
        var times: [UInt64] = []
        for (processor, module) in zip(processors, lnModules) {
            let endpoint = module.apiEndpoints.first { $0.name == LightningAPI.consensusTime }!
            let result = try await processor.database.read { db in try endpoint.handler(.object([:]), db) }
            times.append(try result.decode(LightningAPI.ConsensusTimeResult.self).seconds)
        }
        return times
    }

    /// Calls `ln/<name>` at guardian `peer`.
    func call(_ name: String, _ params: JSONValue, at peer: Int = 0) async throws -> JSONValue {
        let endpoint = lnModules[peer].apiEndpoints.first { $0.name == name }!
        return try await processors[peer].database.read { db in try endpoint.handler(params, db) }
    }

    /// The federation's total audit (identical everywhere, checked by ``apply(_:proposer:)``).
    func audit() async throws -> FederationAudit { try await processors[0].audit() }

    /// The Lightning module's liabilities.
    func contractLiabilities() async throws -> Amount {
        try await audit().modules.first { $0.kind == LightningKind.kind }!.audit.liabilities
    }

    // MARK: Notes

    mutating func secrets(_ exponents: [UInt8]) -> [NoteSecret] {
        exponents.map { exponent in
            defer { nextIndex += 1 }
            return derivation.secret(denomination: Denomination(exponent: exponent), index: nextIndex)
        }
    }

    /// Notes of `exponents`, created with a dev-issue transaction and signed by t guardians.
    mutating func issue(_ exponents: [UInt8]) async throws -> [SpendableNote] {
        let secrets = self.secrets(exponents)
        let signer = Keypair()
        let total = secrets.reduce(Amount.zero) { try! $0.adding($1.denomination.amount) }
        let transaction = Self.signed(
            Transaction(
                inputs: [ModuleItem(module: MintKind.defaultInstance, encoding: MintInput.devIssue(.init(amount: total, spendKey: signer.xOnlyPublicKey)))],
                outputs: secrets.map { ModuleItem(module: MintKind.defaultInstance, encoding: $0.output) }, nonce: .random()),
            by: [signer])
        guard try await submit(transaction) == .accepted else { throw HarnessError("dev-issue rejected") }
        return try await notes(secrets, txid: transaction.txid, firstIndex: 0)
    }

    /// The notes for `secrets` issued by outputs `firstIndex…` of `txid`, from t guardians' shares.
    func notes(_ secrets: [NoteSecret], txid: TransactionID, firstIndex: UInt64) async throws -> [SpendableNote] {
        var notes: [SpendableNote] = []
        for (offset, secret) in secrets.enumerated() {
            var outcomes: [PeerID: [UInt8]] = [:]
            for (peer, processor) in zip(peers, processors).prefix(mintConfig.threshold) {
                outcomes[peer] = try await processor.outputOutcome(OutPoint(txid: txid, outIndex: firstIndex + UInt64(offset)))
            }
            notes.append(try NoteIssuance.finalize(secret, outcomes: outcomes, config: mintConfig).note)
        }
        return notes
    }

    // MARK: Transactions

    static func signed(_ transaction: Transaction, by keys: [Keypair]) -> Transaction {
        var transaction = transaction
        transaction.signatures = keys.map { $0.signSchnorr(message: transaction.txid.hash.bytes) }
        return transaction
    }

    /// Notes in, the contract out.
    func fund(_ contract: OutgoingContract, with notes: [SpendableNote]) -> Transaction {
        Self.signed(
            Transaction(
                inputs: notes.map { ModuleItem(module: MintKind.defaultInstance, encoding: $0.input) },
                outputs: [ModuleItem(module: lnInstance, encoding: LightningOutput.outgoing(contract))], nonce: .random()),
            by: notes.map(\.spendKey))
    }

    /// The contract in (signed by `key`), notes `outputs` out.
    func spend(_ input: LightningInput, key: Keypair, into outputs: [NoteSecret]) -> Transaction {
        Self.signed(
            Transaction(
                inputs: [ModuleItem(module: lnInstance, encoding: input)],
                outputs: outputs.map { ModuleItem(module: MintKind.defaultInstance, encoding: $0.output) }, nonce: .random()),
            by: [key])
    }
}

/// Counts the inputs whose proofs (an incoming input's decryption: ~7 pairings) a guardian's Lightning module is asked
/// to check, in the stateless phase or deferred: timing-free evidence of what a transaction cost.
final class ProofCountingModule: Sendable {
    private final class Tally: Sendable { let checked = Mutex(0) }
    private let tally: Tally
    /// The guardian's module, counting through ``ProofObservedModule``.
    let module: ProofObservedModule

    init(_ wrapped: LightningServerModule) {
        let tally = Tally()
        self.tally = tally
        module = ProofObservedModule(wrapped) { payloads in
            let incoming = try payloads.filter {
                switch try LightningInput(canonicalBytes: $0) {
                case .incomingClaim, .incomingRefund: true
                case .outgoingClaim, .outgoingRefund: false
                }
            }
            tally.checked.withLock { $0 += incoming.count }
        }
    }

    var count: Int { tally.checked.withLock { $0 } }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
