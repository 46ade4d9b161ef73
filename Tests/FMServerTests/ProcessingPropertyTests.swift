import FMBitcoin
import FMCore
import FMDatabase
import FMEncoding
import FMMintClient
import FMMintCommon
import FMSecp256k1
import FMServer
import FMServerCore
import FMTesting
import FMWalletCommon
import FMWalletServer
import Foundation
import GRDB
import Testing

private typealias Transaction = FMCore.Transaction
private typealias OutPoint = FMCore.OutPoint

/// The property test of issue 24 ("the mechanism") and issue 16 item 3: seeded random sequences of well-formed and
/// malformed consensus items, applied block by block to four independent guardians' processors. After every block:
/// no trap (the test process would die), every guardian reports the same outcome for every item, has the same
/// consensus state and the same audit, and the audit is solvent. Seeds and block counts are in
/// docs/benchmarks/reliability.md; `FM_PROPERTY_BLOCKS` and `FM_PROPERTY_SEEDS` run it longer.
@Suite("Processing property test: random items, four guardians, identical state, solvent audit")
struct ProcessingPropertyTests {
    static let blocks = Int(ProcessInfo.processInfo.environment["FM_PROPERTY_BLOCKS"] ?? "") ?? 40
    static let seeds = (ProcessInfo.processInfo.environment["FM_PROPERTY_SEEDS"] ?? "1,2")
        .split(separator: ",").compactMap { UInt64($0) }

    /// All four on SQLite, then guardians 2 and 3 on PostgreSQL (issue 19): the same random items, malformed and
    /// extreme ones included, must meet the same outcome, state digest and audit whatever each guardian's backend.
    @Test(
        "random item sequences never trap, never diverge, never leave the federation insolvent",
        .timeLimit(.minutes(4)), arguments: [[Backend.sqlite, .sqlite, .sqlite, .sqlite], [.sqlite, .sqlite, .postgres, .postgres]])
    func randomSequences(_ backends: [Backend]) async throws {
        var totals = PropertyRun.Counts()
        for seed in Self.seeds {
            let run = try await PropertyRun(seed: seed, backends: backends)
            defer { run.remove() }
            var state = run
            for _ in 0..<Self.blocks { try await state.step() }
            totals.add(state.counts)
        }
        print("processing property test: seeds \(Self.seeds), \(totals)")
        #expect(totals.accepted > 0 && totals.rejected > 0 && totals.unauthorized > 0 && totals.moduleItems > 0)
        #expect(totals.operations > 0 && totals.metaRevisions > 0 && totals.shutdowns > 0 && totals.announcements > 0)
        #expect(totals.versionActivations > 0)
    }
}

/// One seeded run: the guardians, the generator's state and what it has seen.
private struct PropertyRun {
    struct Counts: CustomStringConvertible {
        var blocks = 0, items = 0, accepted = 0, rejected = 0, unauthorized = 0, moduleItems = 0, undecodable = 0
        var operations = 0, metaRevisions: UInt64 = 0, shutdowns = 0, announcements = 0, versionActivations = 0
        mutating func add(_ other: Counts) {
            blocks += other.blocks; items += other.items; accepted += other.accepted; rejected += other.rejected
            unauthorized += other.unauthorized; moduleItems += other.moduleItems; undecodable += other.undecodable
            operations += other.operations; metaRevisions += other.metaRevisions; shutdowns += other.shutdowns
            announcements += other.announcements; versionActivations += other.versionActivations
        }
        var description: String {
            "\(blocks) blocks, \(items) items: \(accepted) transactions accepted, \(rejected) rejected, \(unauthorized) unauthorized copies, \(moduleItems) module items, \(undecodable) undecodable, \(operations) operations items (\(metaRevisions) meta revisions and \(shutdowns) shutdowns agreed, \(announcements) API announcements kept, \(versionActivations) consensus versions activated)"
        }
    }

    static let address = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
    static let extremes: [UInt64] = [0, 1, 99, 100, 1 << 32, (1 << 53) + 1, UInt64(Int64.max), 1 << 63, .max - 1, .max]

    let directory: URL
    /// Each guardian's database (a PostgreSQL one is closed when its place goes).
    let places: [StoragePlace]
    let processors: [TransactionProcessor]
    /// The guardians' consensus keys (to sign API announcements, genuine and forged) and the federation's id.
    let consensusKeys: [Keypair]
    let federationID: FederationID
    let mintConfig: MintClientConfig
    let derivation: NoteDerivation
    var rng: SeededRandom
    /// Draws the consensus-version announcements, apart from `rng`, so the other items' sequence is the one before
    /// version voting existed.
    var versionRNG: SeededRandom
    var height: UInt64 = 0
    var nextIndex: UInt64 = 0
    /// Notes issued to us (spent ones stay: spending them again is a test case).
    var notes: [SpendableNote] = []
    /// Secrets of outputs awaiting issuance, by out point.
    var pending: [OutPoint: NoteSecret] = [:]
    /// Transactions seen, to replay and to forge copies of.
    var history: [Transaction] = []
    var heightVote: UInt32 = 0
    var counts = Counts()

    init(seed: UInt64, backends: [Backend]) async throws {
        rng = SeededRandom(seed: seed)
        versionRNG = SeededRandom(seed: seed ^ 0x7665_7273_696F_6E73)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-property-\(UUID().uuidString)")
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configs = try TestingDealer.generateForTesting(
            guardians: 4, basePort: 41_000, devMode: true, mintParameters: .object(["max_exponent": .unsigned(12)]))
        let registry = ModuleRegistry.standard(walletChain: InstantChain())
        let federationID = try configs[0].consensus.federationID(modules: registry)
        self.federationID = federationID
        consensusKeys = try configs.map { config in
            Keypair(secretKey: try SecretKey(rawRepresentation: try #require(Hex.decode(config.private.consensusSecretKey))))
        }
        let keys = APIAnnouncementKeys(federation: federationID, keys: try configs[0].consensus.consensusKeys())
        let places = try backends.map { try $0.place() }
        self.places = places
        processors = try zip(configs, places).map { config, place in
            let modules = try GuardianModules.build(config, registry: registry)
            let database = try place.open(TransactionProcessor.schemas(for: modules))
            return TransactionProcessor(
                database: database, modules: modules, threshold: config.consensus.threshold, announcementKeys: keys,
                guardians: config.consensus.peerIDs)
        }
        mintConfig = try configs[0].consensus.modules[0].config.decode(MintClientConfig.self)
        var secret = [UInt8](repeating: 0, count: 64)
        for index in secret.indices { secret[index] = UInt8.random(in: 0...255, using: &rng) }
        derivation = try NoteDerivation(moduleSecret: secret)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    // MARK: One block

    mutating func step() async throws {
        let proposer = PeerID(UInt16.random(in: 0..<4, using: &rng))
        var items = (0..<Int.random(in: 1...8, using: &rng)).map { _ in randomItem(proposer: proposer) }
        if Bool.random(using: &versionRNG) {
            items.insert(versionItem(proposer: proposer), at: Int.random(in: 0...items.count, using: &versionRNG))
        }
        var outcomes: [BlockOutcome] = []
        for processor in processors {
            outcomes.append(try #require(try await processor.apply(height: height, proposer: proposer, items: items)))
        }
        let first = outcomes[0]
        for (index, outcome) in outcomes.enumerated() {
            #expect(outcome.transactions == first.transactions, "guardian \(index) diverged at block \(height)")
            #expect(outcome.audit.total == first.audit.total, "guardian \(index)'s audit diverged at block \(height)")
            #expect(outcome.stateDigest == first.stateDigest, "guardian \(index)'s state digest diverged at block \(height)")
            #expect(outcome.digestMismatches == first.digestMismatches)
            #expect(outcome.haltedReason == nil, "guardian \(index) halted at block \(height): \(outcome.haltedReason ?? "")")
            #expect(outcome.audit.total.isSolvent)
        }
        let states = try await processors.asyncMap { try await Self.consensusState($0.database) }
        #expect(Set(states).count == 1, "the guardians' states diverged at block \(height)")
        counts.blocks += 1
        counts.items += items.count
        for entry in first.transactions {
            switch (entry.outcome, entry.recorded) {
            case (.accepted, _): counts.accepted += 1
            case (.rejected, true): counts.rejected += 1
            case (.rejected, false): counts.unauthorized += 1
            }
        }
        counts.undecodable += items.filter { (try? FederationItem(canonicalBytes: $0)) == nil }.count
        counts.moduleItems += items.compactMap { try? FederationItem(canonicalBytes: $0) }.filter {
            if case .module = $0 { true } else { false }
        }.count
        counts.operations += items.compactMap { try? FederationItem(canonicalBytes: $0) }.filter {
            switch $0 {
            case .metaProposal, .shutdownRequest, .apiAnnouncement, .versionAnnouncement: true
            default: false
            }
        }.count
        let operations = try await processors.asyncMap { try await $0.operationsStatus() }
        #expect(Set(operations).count == 1, "the guardians' operations state diverged at block \(height)")
        counts.metaRevisions = operations[0].meta.revision
        if first.shutdownAgreed != nil { counts.shutdowns += 1 }
        let announcements = try await processors.asyncMap { try await $0.apiAnnouncements() }
        #expect(Set(announcements.map { $0.map(\.canonicalBytes) }).count == 1, "the guardians' API announcements diverged at block \(height)")
        counts.announcements = announcements[0].count
        let versions = try await processors.asyncMap { try await $0.consensusVersionStatus() }
        #expect(Set(versions).count == 1, "the guardians' consensus versions diverged at block \(height)")
        counts.versionActivations = versions[0].activations.count
        try await collectIssuedNotes(accepted: Set(first.transactions.filter { $0.outcome == .accepted }.map(\.txid)))
        height += 1
    }

    /// Every table that consensus decides, in a canonical order (output outcomes are excluded: each guardian's
    /// blind signature shares are its own).
    static let consensusTables = [
        "server_transactions", "mint_spent_nonces", "mint_totals", "mint_issued_outputs", "wallet_state",
        "wallet_block_height_votes", "wallet_fee_rate_votes", "wallet_block_hashes", "wallet_block_hash_votes",
        "wallet_confirmation_votes", "wallet_scan_votes", "wallet_utxos", "wallet_peg_outs", "wallet_peg_out_signatures",
        "server_meta", "server_meta_proposals", "server_shutdown", "server_shutdown_requests", "server_api_announcements",
        "server_version_announcements", "server_consensus_activations", "mint_issuance_chain",
    ]

    static func consensusState(_ database: any Storage) async throws -> String {
        try await database.read { db in
            var dump = ""
            for table in consensusTables where try TestStorage.tableExists(table, db) {
                for row in try db.fetchAll("SELECT * FROM \(table) ORDER BY 1, 2") { dump += "\(table) \(row)\n" }
            }
            return dump
        }
    }

    /// Turns the outputs of accepted transactions into spendable notes (combining every guardian's share).
    mutating func collectIssuedNotes(accepted: Set<TransactionID>) async throws {
        for (outPoint, secret) in pending where accepted.contains(outPoint.txid) {
            var outcomes: [PeerID: [UInt8]] = [:]
            for (index, processor) in processors.enumerated() {
                outcomes[PeerID(UInt16(index))] = try await processor.outputOutcome(outPoint)
            }
            notes.append(try NoteIssuance.finalize(secret, outcomes: outcomes, config: mintConfig).note)
        }
        pending = pending.filter { !accepted.contains($0.key.txid) }
        if pending.count > 200 { pending = [:] }  // outputs of rejected transactions, which a replay rarely revives
    }

    // MARK: Items

    mutating func randomItem(proposer: PeerID) -> [UInt8] {
        switch Int.random(in: 0..<20, using: &rng) {
        case 0, 1: return item(devIssue(extra: nil))
        case 2, 3: return item(reissue(notes: pick(notes, upTo: 3)))
        case 4: return item(reissue(notes: pick(notes, upTo: 1) + pick(notes, upTo: 1)))  // maybe a repeated note
        case 5: return history.isEmpty ? randomBytes() : item(history[Int.random(in: 0..<history.count, using: &rng)])
        case 6:
            // A forged copy of a transaction no block has carried yet (its genuine copy stays in `history`, so a
            // later replay can still apply it: the forgery must not have shadowed it).
            var copy = Bool.random(using: &rng) ? devIssue(extra: nil) : reissue(notes: pick(notes, upTo: 2))
            copy.signatures = copy.signatures.map { _ in sign(copy, with: keypair()) }
            if Bool.random(using: &rng) { copy.signatures.removeLast() }
            return item(copy)
        case 7: return item(devIssue(extra: extreme()))
        case 8: return item(extremeInputs())
        case 9: return item(transactionWithGarbagePayloads())
        case 10: return item(pegOut())
        case 11: return walletVote(proposer: proposer)
        case 12: return FederationItem.module(ModuleItem(module: randomModule(), payload: randomBytes())).canonicalBytes
        case 13: return randomBytes()
        case 14:
            if Bool.random(using: &rng) { return item(Transaction(inputs: [], outputs: [], nonce: nonce())) }
            let digest = FMCore.Hash256.sha256((0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) })
            let report = StateDigestReport(peer: proposer, height: UInt64.random(in: 0...height, using: &rng), digest: digest)
            return FederationItem.stateDigest(report).canonicalBytes
        case 16, 17: return operationsItem(proposer: proposer)
        case 19: return announcementItem()
        case 18:
            // A meta or shutdown variant whose body is garbage or out of bounds: a deterministic rejection.
            var encoder = CanonicalEncoder()
            encoder.writeVariant(UInt64.random(in: 3...4, using: &rng)) { body in
                if Bool.random(using: &rng) {
                    body.writeFixed(randomBytes())
                } else {
                    body.write(UInt64.random(in: 0...2, using: &rng))
                    body.writeVarint(UInt64(FederationMeta.maxEntries + 1))
                }
            }
            return encoder.bytes
        default: return item(devIssue(extra: Int64.random(in: -200...200, using: &rng)))
        }
    }

    /// A meta proposal or a shutdown request from a small space, so that t guardians often propose the same one;
    /// revisions and heights are sometimes stale, far ahead or extreme.
    mutating func operationsItem(proposer: PeerID) -> [UInt8] {
        if Bool.random(using: &rng) {
            let revision: UInt64 = switch Int.random(in: 0..<6, using: &rng) {
            case 0: extremeAmount()
            case 1: counts.metaRevisions  // the agreed one: stale
            case 2: counts.metaRevisions + 2  // too far ahead
            default: counts.metaRevisions + 1
            }
            var values = [FederationMeta.name: "rev \(revision)"]
            if Int.random(in: 0..<4, using: &rng) == 0 { values["app:x"] = "1" }
            let meta = try! FederationMeta(revision: revision, values: values)
            return FederationItem.metaProposal(MetaProposal(peer: speaker(proposer), meta: meta, nonce: rng.next())).canonicalBytes
        }
        let target: UInt64 = switch Int.random(in: 0..<6, using: &rng) {
        case 0: extremeAmount()
        default: (height / 8 + 1) * 8
        }
        return FederationItem.shutdownRequest(ShutdownRequest(peer: speaker(proposer), height: target, nonce: rng.next()))
            .canonicalBytes
    }

    /// An API announcement from a small sequence space (so replays and equal sequences are common), sometimes
    /// signed by the wrong guardian, for another federation, with an extreme sequence, or with garbage for a body.
    mutating func announcementItem() -> [UInt8] {
        let peer = UInt16.random(in: 0..<5, using: &rng)  // 4: not a guardian
        let signer = Int.random(in: 0..<6, using: &rng) == 0 ? Int.random(in: 0..<4, using: &rng) : Int(peer % 4)
        let sequence = Int.random(in: 0..<8, using: &rng) == 0 ? extremeAmount() : UInt64.random(in: 0...12, using: &rng)
        let federation = Int.random(in: 0..<8, using: &rng) == 0 ? FederationID(FMCore.Hash256.sha256([1])) : federationID
        if Int.random(in: 0..<8, using: &rng) == 0 {
            var encoder = CanonicalEncoder()
            encoder.writeVariant(5) { $0.writeFixed(randomBytes()) }
            return encoder.bytes
        }
        let announcement = APIAnnouncement(
            federation: federation, peer: PeerID(peer), sequence: sequence, url: "ws://10.0.0.\(peer):\(sequence % 100)/",
            key: consensusKeys[signer])
        return FederationItem.apiAnnouncement(announcement).canonicalBytes
    }

    /// A consensus-version announcement from a small space (mostly mint [1, 2], so all four often agree and it
    /// activates mid-run, changing the mint's rules for the dev-issues around it), sometimes naming another guardian,
    /// taking a version back, or with a garbage body.
    mutating func versionItem(proposer: PeerID) -> [UInt8] {
        if Int.random(in: 0..<8, using: &versionRNG) == 0 {
            var encoder = CanonicalEncoder()
            encoder.writeVariant(6) { body in
                body.writeFixed((0..<Int.random(in: 0...40, using: &versionRNG)).map { _ in UInt8.random(in: 0...255, using: &versionRNG) })
            }
            return encoder.bytes
        }
        let mint: [UInt32] = switch Int.random(in: 0..<10, using: &versionRNG) {
        case 0: [1]
        case 1: [1, 2, 3]
        case 2: [2]
        default: [1, 2]
        }
        var components = ["core": [UInt32(1)], "mint": mint]
        if Bool.random(using: &versionRNG) { components["wallet"] = [1, UInt32.max] }
        let speaker = Int.random(in: 0..<8, using: &versionRNG) == 0 ? PeerID(UInt16.random(in: 0..<4, using: &versionRNG)) : proposer
        let supported = try! SupportedConsensusVersions(components)
        let nonce = versionRNG.next()
        return FederationItem.versionAnnouncement(ConsensusVersionAnnouncement(peer: speaker, supported: supported, nonce: nonce))
            .canonicalBytes
    }

    /// Mostly the proposer; sometimes another guardian (an item the proposer may not make in its name).
    mutating func speaker(_ proposer: PeerID) -> PeerID {
        Int.random(in: 0..<8, using: &rng) == 0 ? PeerID(UInt16.random(in: 0..<4, using: &rng)) : proposer
    }

    func item(_ transaction: Transaction) -> [UInt8] { FederationItem.transaction(transaction).canonicalBytes }

    mutating func randomModule() -> ModuleInstanceID { ModuleInstanceID(UInt16.random(in: 0...2, using: &rng)) }

    mutating func randomBytes() -> [UInt8] {
        (0..<Int.random(in: 0...80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    mutating func extreme() -> Int64 {
        Bool.random(using: &rng) ? Int64.random(in: Int64.min...Int64.max, using: &rng) : Int64.max
    }

    mutating func extremeAmount() -> UInt64 {
        Bool.random(using: &rng) ? Self.extremes[Int.random(in: 0..<Self.extremes.count, using: &rng)] : rng.next()
    }

    mutating func pick<T>(_ from: [T], upTo count: Int) -> [T] {
        guard !from.isEmpty else { return [] }
        return (0..<Int.random(in: 1...count, using: &rng)).map { _ in from[Int.random(in: 0..<from.count, using: &rng)] }
    }

    mutating func keypair() -> Keypair {
        while true {
            let raw = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if let key = try? SecretKey(rawRepresentation: raw) { return Keypair(secretKey: key) }
        }
    }

    mutating func nonce() -> TransactionNonce { TransactionNonce(bytes: (0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) })! }

    mutating func sign(_ transaction: Transaction, with key: Keypair) -> SchnorrSignature {
        let aux = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return try! key.signSchnorr(message: transaction.txid.hash.bytes, auxiliaryRandomness: aux)
    }

    mutating func signed(_ transaction: Transaction, by keys: [Keypair]) -> Transaction {
        var transaction = transaction
        transaction.signatures = keys.map { sign(transaction, with: $0) }
        history.append(transaction)
        if history.count > 64 { history.removeFirst() }
        return transaction
    }

    mutating func newSecrets(_ count: Int) -> [NoteSecret] {
        (0..<count).map { _ in
            defer { nextIndex += 1 }
            return derivation.secret(denomination: Denomination(exponent: UInt8.random(in: 0...12, using: &rng)), index: nextIndex)
        }
    }

    /// Spends `spent` notes (and a dev-issue that balances the fees) into fresh notes; `extra` unbalances it.
    mutating func reissue(notes spent: [SpendableNote], extra: Int64? = 0) -> Transaction {
        let secrets = newSecrets(Int.random(in: 0...4, using: &rng))
        let outputTotal = secrets.reduce(UInt64(0)) { $0 + $1.denomination.amount.msats }
        let fees = 100 * UInt64(spent.count + 1 + secrets.count)
        let inputTotal = spent.reduce(UInt64(0)) { $0 + $1.note.amount.msats }
        let need = Int64(outputTotal + fees) - Int64(inputTotal)
        let issued = UInt64(clamping: max(0, need).addingReportingOverflow(extra ?? 0).partialValue)
        let issuer = keypair()
        let inputs = spent.map { ModuleItem(module: ModuleInstanceID(0), encoding: $0.input) }
            + [ModuleItem(module: ModuleInstanceID(0), encoding: MintInput.devIssue(.init(amount: Amount(msats: issued), spendKey: issuer.xOnlyPublicKey)))]
        let transaction = signed(
            Transaction(inputs: inputs, outputs: secrets.map { ModuleItem(module: ModuleInstanceID(0), encoding: $0.output) }, nonce: nonce()),
            by: spent.map(\.spendKey) + [issuer])
        for (index, secret) in secrets.enumerated() { pending[OutPoint(txid: transaction.txid, outIndex: UInt64(index))] = secret }
        return transaction
    }

    mutating func devIssue(extra: Int64?) -> Transaction { reissue(notes: [], extra: extra) }

    /// Dev-issue inputs of extreme amounts, balanced or not, with a note output.
    mutating func extremeInputs() -> Transaction {
        let keys = (0..<Int.random(in: 1...3, using: &rng)).map { _ in keypair() }
        let inputs = keys.map { key in
            ModuleItem(module: ModuleInstanceID(0), encoding: MintInput.devIssue(.init(amount: Amount(msats: extremeAmount()), spendKey: key.xOnlyPublicKey)))
        }
        let outputs = newSecrets(1).map { ModuleItem(module: ModuleInstanceID(0), encoding: $0.output) }
        return signed(Transaction(inputs: inputs, outputs: outputs, nonce: nonce()), by: keys)
    }

    /// A signed transaction whose input or output payloads are random bytes for a random module.
    mutating func transactionWithGarbagePayloads() -> Transaction {
        let key = keypair()
        let garbageInput = Bool.random(using: &rng)
        let input = garbageInput
            ? ModuleItem(module: randomModule(), payload: randomBytes())
            : ModuleItem(module: ModuleInstanceID(0), encoding: MintInput.devIssue(.init(amount: Amount(msats: 300), spendKey: key.xOnlyPublicKey)))
        let output = ModuleItem(module: randomModule(), payload: randomBytes())
        return signed(Transaction(inputs: [input], outputs: [output], nonce: nonce()), by: [key])
    }

    /// A peg-out of random (often extreme) amount and fee, paid for by a dev-issue of random size.
    mutating func pegOut() -> Transaction {
        let key = keypair()
        // Fee rates, amounts and fees range over all of UInt64 (issue 24 item 1: bounded at decode, checked after).
        let pegOut = PegOut(
            address: try! SegwitAddress(Self.address), amount: extremeAmount(), feeRate: extremeAmount(),
            fee: extremeAmount())
        let inputs = [ModuleItem(module: ModuleInstanceID(0), encoding: MintInput.devIssue(.init(amount: Amount(msats: extremeAmount()), spendKey: key.xOnlyPublicKey)))]
        return signed(
            Transaction(inputs: inputs, outputs: [ModuleItem(module: ModuleInstanceID(1), encoding: WalletOutput.pegOut(pegOut))], nonce: nonce()),
            by: [key])
    }

    /// A wallet vote: height votes rise in small steps, fee-rate votes take any value, chain-fact votes name one of
    /// two hashes at heights around (and far from) the window, or transactions that mostly are not the
    /// federation's; the voter is sometimes not the proposer.
    mutating func walletVote(proposer: PeerID) -> [UInt8] {
        let voter = Int.random(in: 0..<5, using: &rng) == 0 ? PeerID(UInt16.random(in: 0...5, using: &rng)) : proposer
        let hash = { (rng: inout SeededRandom) in
            try! FMBitcoin.Hash256(bytes: [UInt8](repeating: UInt8.random(in: 1...2, using: &rng), count: 32))
        }
        let vote: WalletConsensusItem
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:
            heightVote += UInt32.random(in: 0...20, using: &rng)
            vote = .blockHeight(heightVote, voter: voter)
        case 1: vote = .feeRate(extremeAmount(), voter: voter, atHeight: extremeAmount())
        case 2:
            let first = Bool.random(using: &rng) ? UInt64.random(in: 0...UInt64(heightVote) + 2, using: &rng) : extremeAmount()
            vote = .blockHashes(first: first, hashes: (0..<Int.random(in: 1...3, using: &rng)).map { _ in hash(&rng) }, voter: voter)
        case 3:
            vote = .confirmations([TransactionConfirmation(txid: hash(&rng), height: extremeAmount())], voter: voter)
        default:
            let height = Bool.random(using: &rng) ? UInt64.random(in: 0...UInt64(heightVote) + 2, using: &rng) : extremeAmount()
            vote = .scannedThrough(height, voter: voter)
        }
        return FederationItem.module(ModuleItem(module: ModuleInstanceID(1), encoding: vote)).canonicalBytes
    }
}

/// A bitcoin node that answers at once: block hashes derived from the height, a fixed tip, no fee estimate.
struct InstantChain: WalletChainSource {
    func blockCount() async throws -> UInt64 { 1_000_000 }
    func blockHash(height: UInt64) async throws -> FMBitcoin.Hash256 {
        try FMBitcoin.Hash256(bytes: FMCore.Hash256.sha256(Array("block \(height)".utf8)).bytes)
    }
    /// No block bodies behind the derived hashes. Never asked for: final blocks are read only while a peg-out is
    /// unconfirmed, and no peg-in (so no peg-out) can be proven against these hashes.
    func block(hash: FMBitcoin.Hash256) async throws -> FMBitcoin.Block { throw InstantChainError.noBlockBodies }
    func feeRate() async throws -> UInt64? { nil }
    func broadcast(_ transaction: FMBitcoin.Transaction) async throws -> BroadcastResult { .accepted }
    func broadcastPackage(_ transactions: [FMBitcoin.Transaction]) async throws -> BroadcastResult { .accepted }
}

enum InstantChainError: Error { case noBlockBodies }

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
