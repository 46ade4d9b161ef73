import FMCore
import FMCrypto
import FMDatabase
import FMEncoding
import FMMintCommon
import FMServerCore
import FMSecp256k1
import Foundation
import GRDB

/// The guardian side of the mint (BRIEF §3).
///
/// Outputs: signed with this guardian's key share of the output's
/// denomination as soon as they are processed; the share is the output's
/// outcome, stored by out point. Inputs: a note is accepted if its signature
/// verifies under its denomination's aggregate key (all notes of one
/// transaction are batch-verified with one multi-pairing per denomination)
/// and its nonce is not in the spent set; processing inserts the nonce.
///
/// - Important: a nonce can be spent once, ever. The spent set is the table
///   `mint_spent_nonces` with the nonce as primary key, written in the block's
///   transaction by ``processInput(_:db:)``; a second spend of the same nonce,
///   even within one transaction, fails on that key and is rejected.
public struct MintServerModule: ServerModule {
    public let instance: ModuleInstanceID
    public let config: MintConsensusConfig
    public let ownPeer: PeerID
    /// Indexed by denomination exponent.
    private let secretKeyShares: [SecretKeyShare]
    /// TEST ONLY (``MintServerInit/servesInvalidSharesForTesting``): serve wrong blind signature shares.
    let servesInvalidShares: Bool

    public var kind: ModuleKind { MintKind.kind }
    public var schema: SubsystemSchema { MintSchema.schema }

    /// Builds the module, checking that every secret key share matches this
    /// guardian's public key share in the consensus config.
    public init(
        instance: ModuleInstanceID, consensus: MintConsensusConfig, private: MintPrivateConfig, ownPeer: PeerID,
        servesInvalidSharesForTesting: Bool = false
    ) throws(MintError) {
        guard !servesInvalidSharesForTesting || (consensus.devMode && consensus.denominations.count > 1) else {
            throw .invalidConfig("serving invalid shares is a test fault, allowed only on dev federations")
        }
        guard Int(ownPeer.rawValue) < consensus.peerCount else {
            throw .invalidConfig("\(ownPeer) is not one of the config's \(consensus.peerCount) guardians")
        }
        guard `private`.secretKeyShares.count == consensus.denominations.count else {
            throw .invalidConfig(
                "\(`private`.secretKeyShares.count) secret key shares for \(consensus.denominations.count) denominations")
        }
        for (keys, secret) in zip(consensus.denominations, `private`.secretKeyShares)
        where secret.publicKeyShare != keys.publicKeyShares[Int(ownPeer.rawValue)] {
            throw .invalidConfig("the secret key share for \(keys.denomination) does not match \(ownPeer)'s public key share")
        }
        self.instance = instance
        self.config = consensus
        self.ownPeer = ownPeer
        self.secretKeyShares = `private`.secretKeyShares
        self.servesInvalidShares = servesInvalidSharesForTesting
    }

    // MARK: Inputs

    public func verifyInput(_ payload: [UInt8], db: Database) throws -> InputMeta {
        try verifyInputs([payload], db: db)[0]
    }

    public func processInput(_ payload: [UInt8], db: Database) throws -> InputMeta {
        try processInputs([payload], db: db)[0]
    }

    public func verifyInputs(_ payloads: [[UInt8]], db: Database) throws -> [InputMeta] {
        let inputs = try checkedInputs(payloads)
        var seen = Set<[UInt8]>()
        for case .note(let note) in inputs {
            guard seen.insert(note.nonce.rawRepresentation).inserted, try !MintStore.isSpent(note.nonce, db: db) else {
                throw MintError.noteAlreadySpent(nonce: note.nonce).rejection
            }
        }
        return inputs.map(meta)
    }

    public func processInputs(_ payloads: [[UInt8]], db: Database) throws -> [InputMeta] {
        let inputs = try checkedInputs(payloads)
        for input in inputs {
            switch input {
            case .note(let note):
                guard try MintStore.markSpent(note.nonce, denomination: note.denomination, db: db) else {
                    throw MintError.noteAlreadySpent(nonce: note.nonce).rejection
                }
                try MintStore.add(note.amount, to: .redeemed, db: db)
            case .devIssue(let issue):
                try MintStore.add(issue.amount, to: .devIssued, db: db)
            }
        }
        return inputs.map(meta)
    }

    private func meta(_ input: MintInput) -> InputMeta {
        InputMeta(amount: input.amount, fee: config.fees.perInput, spendKey: input.spendKey)
    }

    /// Decodes the inputs and checks everything that does not depend on state:
    /// known denominations, dev mode, and every note signature (batch-verified
    /// per denomination; on failure the first bad note is named).
    private func checkedInputs(_ payloads: [[UInt8]]) throws(TransactionRejection) -> [MintInput] {
        var inputs: [MintInput] = []
        var notesByDenomination: [Denomination: [Note]] = [:]
        for payload in payloads {
            let input: MintInput
            do { input = try MintInput(canonicalBytes: payload) } catch {
                throw MintError.malformed(what: "mint input", reason: error.description).rejection
            }
            switch input {
            case .note(let note):
                guard config.keys(for: note.denomination) != nil else {
                    throw MintError.unknownDenomination(note.denomination).rejection
                }
                notesByDenomination[note.denomination, default: []].append(note)
            case .devIssue:
                guard config.devMode else { throw MintError.devIssueDisabled.rejection }
            }
            inputs.append(input)
        }
        for (denomination, notes) in notesByDenomination.sorted(by: { $0.key < $1.key }) {
            let key = config.keys(for: denomination)!.aggregatePublicKey
            let batch = notes.map { (message: $0.message, signature: $0.signature) }
            guard key.verifyBatch(batch) else {
                let bad = key.invalidSignatures(in: batch).first ?? 0
                throw MintError.invalidNoteSignature(nonce: notes[bad].nonce, denomination: denomination).rejection
            }
        }
        return inputs
    }

    // MARK: Outputs

    public func processOutput(_ payload: [UInt8], outPoint: OutPoint, db: Database) throws -> OutputMeta {
        let output: MintOutput
        do { output = try MintOutput(canonicalBytes: payload) } catch {
            throw MintError.malformed(what: "mint output", reason: error.description).rejection
        }
        guard config.keys(for: output.denomination) != nil else {
            throw MintError.unknownDenomination(output.denomination).rejection
        }
        let share = secretKeyShares[Int(output.denomination.exponent)].sign(output.blindedMessage)
        try MintStore.storeOutcome(share, denomination: output.denomination, outPoint: outPoint, db: db)
        try MintStore.logIssued(output, outPoint: outPoint, db: db)
        try MintStore.add(output.amount, to: .issued, db: db)
        return OutputMeta(amount: output.amount, fee: config.fees.perOutput)
    }

    public func outputOutcome(_ outPoint: OutPoint, db: Database) throws -> [UInt8]? {
        guard var share = try MintStore.outcome(at: outPoint, db: db) else { return nil }
        if servesInvalidShares, let blinded = try MintStore.blindedMessage(at: outPoint, db: db) {
            // TEST FAULT: a well-formed share under the wrong denomination's key, which no client may accept.
            share = secretKeyShares[(Int(try denominationOf(outPoint, db: db)) + 1) % secretKeyShares.count].sign(blinded)
        }
        return MintOutputOutcome(blindSignatureShare: share).canonicalBytes
    }

    private func denominationOf(_ outPoint: OutPoint, db: Database) throws -> UInt8 {
        try UInt8(storedInteger: Int64.fetchOne(
            db, sql: "SELECT denomination FROM mint_output_outcomes WHERE txid = ? AND out_index = ?",
            arguments: [Data(outPoint.txid.hash.bytes), outPoint.outIndex.storedInteger("out_index")]) ?? 0, "denomination")
    }

    // MARK: API endpoints

    /// `mint/spent_nonces` and `mint/issued_outputs` (``MintAPI``): what a recovering client needs.
    public var apiEndpoints: [ModuleEndpoint] {
        [
            .typed(MintAPI.spentNonces, summary: "Whether each nonce is in the spent set") {
                (params: MintAPI.SpentNoncesParams, db) -> MintAPI.SpentNoncesResult in
                guard params.nonces.count <= MintAPI.maxNoncesPerCall else {
                    throw ModuleEndpointError.invalidParams(
                        field: "nonces", expected: "at most \(MintAPI.maxNoncesPerCall) nonces per call")
                }
                let spent = try params.nonces.enumerated().map { index, text in
                    guard let raw = Hex.decode(text), let nonce = try? XOnlyPublicKey(rawRepresentation: raw) else {
                        throw ModuleEndpointError.invalidParams(field: "nonces.\(index)", expected: "hex of a 32-byte x-only key")
                    }
                    return try MintStore.isSpent(nonce, db: db)
                }
                return MintAPI.SpentNoncesResult(spent: spent)
            },
            .typed(MintAPI.issuedOutputs, summary: "Accepted mint outputs (blinded messages) in issuance order, paged") {
                (params: MintAPI.IssuedOutputsParams, db) -> MintAPI.IssuedOutputsResult in
                let limit = min(params.limit ?? MintAPI.maxOutputsPerPage, MintAPI.maxOutputsPerPage)
                guard limit > 0 else { throw ModuleEndpointError.invalidParams(field: "limit", expected: "at least 1") }
                let outputs = try MintStore.issued(from: params.from, limit: limit, db: db)
                return MintAPI.IssuedOutputsResult(outputs: outputs, next: outputs.last.map { $0.seq + 1 } ?? params.from)
            },
        ]
    }

    // MARK: Audit

    /// Liabilities: notes issued minus notes redeemed. Assets: dev-issued
    /// amounts (dev mode only; the wallet module brings the real assets).
    public func audit(db: Database) throws -> ModuleAudit {
        let issued = try MintStore.total(.issued, db: db)
        let redeemed = try MintStore.total(.redeemed, db: db)
        guard redeemed <= issued else { throw MintStorageError.redeemedExceedsIssued(issued: issued, redeemed: redeemed) }
        return ModuleAudit(
            assets: try MintStore.total(.devIssued, db: db),
            liabilities: Amount(msats: issued.msats - redeemed.msats))
    }
}

extension MintError {
    /// This error as the reason a guardian gives for rejecting a transaction.
    public var rejection: TransactionRejection { TransactionRejection(code: code, message: description) }
}
