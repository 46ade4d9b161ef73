import FMCore
import FMDatabase
import FMMintClient
import FMMintCommon
import FMSecp256k1
import FMServer
import FMServerCore
import FMTesting
import Foundation
import Testing

/// A guardian's transaction processor over a fresh database in a temporary directory, built from a dealer config.
struct ProcessorHarness {
    let directory: URL
    let configs: [GuardianConfigs]
    let processor: TransactionProcessor
    /// Where the processor's database lives (kept open for the harness's lifetime).
    let place: StoragePlace
    let mintConfig: MintClientConfig
    let derivation: NoteDerivation
    var height: UInt64 = 0
    var nextIndex: UInt64 = 0

    static let mintParameters: JSONValue = .object(["max_exponent": .unsigned(12)])

    init(extraModules: [any ServerModule] = [], backend: Backend = .underTest) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        configs = try TestingDealer.generateForTesting(
            guardians: 1, basePort: 40_000, devMode: true, mintParameters: Self.mintParameters)
        let modules = try GuardianModules.build(configs[0], registry: .standard) + extraModules
        place = try backend.place()
        processor = TransactionProcessor(database: try place.open(TransactionProcessor.schemas(for: modules)), modules: modules)
        mintConfig = try configs[0].consensus.modules[0].config.decode(MintClientConfig.self)
        derivation = try NoteDerivation(moduleSecret: [UInt8](repeating: 7, count: 64))
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Fresh note secrets for `exponents`.
    mutating func secrets(_ exponents: [UInt8]) -> [NoteSecret] {
        exponents.map { exponent in
            defer { nextIndex += 1 }
            return derivation.secret(denomination: Denomination(exponent: exponent), index: nextIndex)
        }
    }

    /// A dev-issue transaction creating notes `secrets`, balanced with the default fees unless `extra` is added.
    func devIssue(_ secrets: [NoteSecret], extra: Int64 = 0, signer: Keypair = Keypair()) -> Transaction {
        let outputs = secrets.reduce(UInt64(0)) { $0 + $1.denomination.amount.msats }
        let amount = UInt64(Int64(outputs + 100 * UInt64(1 + secrets.count)) + extra)
        let input = MintInput.devIssue(.init(amount: Amount(msats: amount), spendKey: signer.xOnlyPublicKey))
        return signed(
            Transaction(
                inputs: [ModuleItem(module: ModuleInstanceID(0), encoding: input)],
                outputs: secrets.map { ModuleItem(module: ModuleInstanceID(0), encoding: $0.output) },
                nonce: .random()),
            by: [signer])
    }

    /// A transaction spending `notes` into fresh `outputs` (balanced with the default fees).
    func reissue(_ notes: [SpendableNote], into outputs: [NoteSecret]) -> Transaction {
        signed(
            Transaction(
                inputs: notes.map { ModuleItem(module: ModuleInstanceID(0), encoding: $0.input) },
                outputs: outputs.map { ModuleItem(module: ModuleInstanceID(0), encoding: $0.output) },
                nonce: .random()),
            by: notes.map(\.spendKey))
    }

    func signed(_ transaction: Transaction, by keys: [Keypair]) -> Transaction {
        var transaction = transaction
        transaction.signatures = keys.map { $0.signSchnorr(message: transaction.txid.hash.bytes) }
        return transaction
    }

    /// Applies the next block holding `transactions`.
    @discardableResult
    mutating func applyBlock(_ transactions: [Transaction]) async throws -> BlockOutcome? {
        defer { height += 1 }
        return try await processor.apply(
            height: height, proposer: PeerID(0),
            items: transactions.map { FederationItem.transaction($0).canonicalBytes })
    }

    /// A 1024 msat note, dev-issued and applied in a block of its own.
    mutating func issuedNote() async throws -> SpendableNote {
        let secrets = secrets([10])
        let issue = devIssue(secrets)
        try await applyBlock([issue])
        return try await note(secrets[0], txid: issue.txid, index: 0)
    }

    /// The note issued for `secret` by output `index` of `txid`, from this guardian's stored share.
    func note(_ secret: NoteSecret, txid: TransactionID, index: UInt64) async throws -> SpendableNote {
        let outcome = try await processor.outputOutcome(OutPoint(txid: txid, outIndex: index))
        return try NoteIssuance.finalize(secret, outcomes: [PeerID(0): outcome ?? []], config: mintConfig).note
    }
}

/// Storage look-ups the tests need in both dialects.
enum TestStorage {
    static func tableExists(_ table: String, _ db: any StorageReading) throws -> Bool {
        switch db.dialect {
        case .sqlite: try db.fetchOne("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", [table]) != nil
        case .postgres:
            try db.fetchOne(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?", [table]) != nil
        }
    }
}
