import FMCore
import FMCrypto
import FMEncoding
import FMMintCommon
import FMServerCore
import FMSecp256k1
import FMStorage

/// The guardian side of the mint (BRIEF §3).
///
/// Outputs: signed with this guardian's key share of the output's
/// denomination as soon as they are processed; the share is the output's
/// outcome, stored by out point. Inputs: a note is accepted if its signature
/// verifies under its denomination's aggregate key (all notes of one
/// transaction are batch-verified with one multi-pairing per denomination,
/// in ``verifyInputProofs(_:)``, outside the block's write transaction) and
/// its nonce is not in the spent set; processing inserts the nonce.
///
/// - Important: a nonce can be spent once, ever. The spent set is the table
///   `mint_spent_nonces` with the nonce as primary key, written in the block's
///   transaction by ``processInput(_:db:)`` (`INSERT ... ON CONFLICT DO NOTHING`:
///   no row changed means the key already holds the nonce); a second spend of
///   the same nonce, even within one transaction, is rejected.
public struct MintServerModule: ServerModule {
    public let instance: ModuleInstanceID
    public let config: MintConsensusConfig
    public let ownPeer: PeerID
    /// Indexed by denomination exponent.
    private let secretKeyShares: [SecretKeyShare]
    /// TEST ONLY (``MintServerInit/servesInvalidSharesForTesting``): serve wrong blind signature shares.
    let servesInvalidShares: Bool
    /// TEST ONLY (``MintServerInit/servesBadHistoryForTesting``): recovery pages that lie: digest-only answers
    /// withhold everything (an empty log), full pages carry one wrong record under a digest that matches it.
    let servesBadHistory: Bool
    /// Notes whose signatures verified and outputs that decoded at submission, reused when a block orders them.
    private let verifiedNotes = CheckedPayloads<Bool>(capacity: 4096)
    private let decodedOutputs = CheckedPayloads<MintOutput>(capacity: 4096)

    public var kind: ModuleKind { MintKind.kind }
    /// The mint's consensus version 2: the issuance chain (``MintIssuanceChain``), implemented but not released.
    public static let issuanceChainVersion: UInt32 = 2
    public var schema: StorageSchema { MintSchema.schema }

    /// Builds the module, checking that every secret key share matches this
    /// guardian's public key share in the consensus config.
    public init(
        instance: ModuleInstanceID, consensus: MintConsensusConfig, private: MintPrivateConfig, ownPeer: PeerID,
        servesInvalidSharesForTesting: Bool = false, servesBadHistoryForTesting: Bool = false
    ) throws(MintError) {
        guard !servesBadHistoryForTesting || consensus.devMode else {
            throw .invalidConfig("serving a bad history is a test fault, allowed only on dev federations")
        }
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
        try consensus.checkKeys()  // every key decoded and checked once, at start
        for (keys, secret) in zip(consensus.denominations, `private`.secretKeyShares)
        where try secret.publicKeyShare != keys.publicKeyShare(Int(ownPeer.rawValue)) {
            throw .invalidConfig("the secret key share for \(keys.denomination) does not match \(ownPeer)'s public key share")
        }
        self.instance = instance
        self.config = consensus
        self.ownPeer = ownPeer
        self.secretKeyShares = `private`.secretKeyShares
        self.servesInvalidShares = servesInvalidSharesForTesting
        self.servesBadHistory = servesBadHistoryForTesting
    }

    // MARK: Inputs

    /// Cheap and stateless: what each input claims (amount, spend key), known denominations and dev mode. The
    /// notes' signature points are not decoded here (``MintInputClaim``).
    public func inputMetas(_ payloads: [[UInt8]]) throws -> [InputMeta] {
        try payloads.map { payload throws(TransactionRejection) in
            let claim: MintInputClaim
            do { claim = try MintInputClaim(canonicalBytes: payload) } catch {
                throw MintError.malformed(what: "mint input", reason: "\(error)").rejection
            }
            if let denomination = claim.denomination {
                guard config.keys(for: denomination) != nil else { throw MintError.unknownDenomination(denomination).rejection }
            } else {
                guard config.devMode else { throw MintError.devIssueDisabled.rejection }
            }
            return InputMeta(amount: claim.amount, fee: config.fees.perInput, spendKey: claim.spendKey)
        }
    }

    /// Decodes the notes in full and batch-verifies their signatures, one multi-pairing per denomination. A failed
    /// batch rejects the transaction at once, without searching for the bad note (a guardian needs only the
    /// verdict; a client that wants to know which note is bad checks its notes itself). Notes that verified before
    /// (the same bytes, at the transaction's submission) are not verified again (``CheckedPayloads``).
    public func verifyInputProofs(_ payloads: [[UInt8]]) throws {
        let unchecked = payloads.filter { verifiedNotes.value(for: $0) == nil }
        var notesByDenomination: [Denomination: [Note]] = [:]
        var notePayloads: [[UInt8]] = []
        for (payload, input) in zip(unchecked, try decodedInputs(unchecked)) {
            guard case .note(let note) = input else { continue }
            notesByDenomination[note.denomination, default: []].append(note)
            notePayloads.append(payload)
        }
        for (denomination, notes) in notesByDenomination.sorted(by: { $0.key < $1.key }) {
            guard let keys = config.keys(for: denomination) else {
                throw MintError.unknownDenomination(denomination).rejection
            }
            guard try keys.aggregatePublicKey.verifyBatch(notes.map { (message: $0.message, signature: $0.signature) }) else {
                // Counted over all the payloads, remembered or not: the rejection is recorded as the transaction's
                // outcome, which a client takes only when t guardians answer the same one.
                let count = payloads.count { (try? MintInputClaim(canonicalBytes: $0))?.denomination == denomination }
                throw MintError.invalidNoteSignatureInBatch(denomination: denomination, count: count).rejection
            }
        }
        for payload in notePayloads { verifiedNotes.remember(true, for: payload) }
    }

    public func verifyInput(_ payload: [UInt8], db: any StorageReading) throws -> InputMeta {
        try verifyInputs([payload], db: db)[0]
    }

    public func processInput(_ payload: [UInt8], db: any StorageWriting) throws -> InputMeta {
        try processInputs([payload], db: db)[0]
    }

    /// Stateful check, read-only: no nonce spent before or twice in this transaction.
    public func verifyInputs(_ payloads: [[UInt8]], db: any StorageReading) throws -> [InputMeta] {
        let metas = try inputMetas(payloads)
        var seen = Set<[UInt8]>()
        for payload in payloads {
            let claim = try MintInputClaim(canonicalBytes: payload)
            guard claim.denomination != nil else { continue }
            guard seen.insert(claim.spendKey.rawRepresentation).inserted, try !MintStore.isSpent(claim.spendKey, db: db) else {
                throw MintError.noteAlreadySpent(nonce: claim.spendKey).rejection
            }
        }
        return metas
    }

    /// Applies the inputs: marks each note's nonce spent (rejecting a spent one) and adds to the running totals.
    /// The note signatures were verified by ``verifyInputProofs(_:)`` before the block's write transaction began.
    public func processInputs(_ payloads: [[UInt8]], db: any StorageWriting) throws -> [InputMeta] {
        let metas = try inputMetas(payloads)
        for (payload, meta) in zip(payloads, metas) {
            let claim = try MintInputClaim(canonicalBytes: payload)
            if let denomination = claim.denomination {
                guard try MintStore.markSpent(claim.spendKey, denomination: denomination, db: db) else {
                    throw MintError.noteAlreadySpent(nonce: claim.spendKey).rejection
                }
                try MintStore.subtract(meta.amount, from: .outstanding, db: db)
            } else {
                try MintStore.add(meta.amount, to: .devIssued, db: db)
            }
        }
        return metas
    }

    private func decodedInputs(_ payloads: [[UInt8]]) throws(TransactionRejection) -> [MintInput] {
        try payloads.map { payload throws(TransactionRejection) in
            do { return try MintInput(canonicalBytes: payload) } catch {
                throw MintError.malformed(what: "mint input", reason: "\(error)").rejection
            }
        }
    }

    // MARK: Outputs

    public func verifyOutput(_ payload: [UInt8], outPoint: OutPoint, db: any StorageReading) throws -> OutputMeta {
        let output = try decodedOutputs.value(for: payload) ?? checkedOutput(payload)
        decodedOutputs.remember(output, for: payload)
        return OutputMeta(amount: output.amount, fee: config.fees.perOutput)
    }

    private func checkedOutput(_ payload: [UInt8]) throws(TransactionRejection) -> MintOutput {
        let output: MintOutput
        do { output = try MintOutput(canonicalBytes: payload) } catch {
            throw MintError.malformed(what: "mint output", reason: error.description).rejection
        }
        guard config.keys(for: output.denomination) != nil else {
            throw MintError.unknownDenomination(output.denomination).rejection
        }
        return output
    }

    /// Signs the output with this guardian's key share; an output checked at submission is not decoded again.
    public func processOutput(_ payload: [UInt8], outPoint: OutPoint, db: any StorageWriting) throws -> OutputMeta {
        let output = try decodedOutputs.take(payload) ?? checkedOutput(payload)
        let share = secretKeyShares[Int(output.denomination.exponent)].sign(output.blindedMessage)
        try MintStore.storeOutcome(share, denomination: output.denomination, outPoint: outPoint, db: db)
        try MintStore.logIssued(output, outPoint: outPoint, db: db)
        if try ConsensusVersions.active(of: kind.rawValue, db: db) >= Self.issuanceChainVersion {
            let (seq, _) = try MintRecoveryStore.logLength(db: db).subtractingReportingOverflow(1)
            try MintIssuanceChain.extend(with: output, outPoint: outPoint, seq: seq, db: db)
        }
        try MintStore.add(output.amount, to: .outstanding, db: db)
        return OutputMeta(amount: output.amount, fee: config.fees.perOutput)
    }

    /// The share stored when the output was signed, served as stored: it was encoded from a point this guardian
    /// computed, so it is not decoded again (a square root and a subgroup check per request).
    public func outputOutcome(_ outPoint: OutPoint, db: any StorageReading) throws -> [UInt8]? {
        guard let share = try MintStore.outcomeShareEncoding(at: outPoint, db: db) else { return nil }
        if servesInvalidShares, let blinded = try MintStore.blindedMessage(at: outPoint, db: db) {
            // TEST FAULT: a well-formed share under the wrong denomination's key, which no client may accept.
            let exponent = try MintStore.outcomeDenomination(at: outPoint, db: db) ?? 0
            let wrong = secretKeyShares[(Int(exponent) + 1) % secretKeyShares.count].sign(blinded)
            return MintOutputOutcome(blindSignatureShare: wrong).canonicalBytes
        }
        return MintOutputOutcome.canonicalBytes(shareEncoding: share)
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
            .typed(MintAPI.issuanceChain, summary: "The mint's consensus version and its issuance chain (version 2)") {
                (_: MintAPI.IssuanceChainParams, db) -> MintAPI.IssuanceChain in
                try MintIssuanceChain.status(db: db)
            },
            .typed(
                MintAPI.recoveryPage, summary: "The issuance log as compact records with their digest, paged",
                cost: Self.recoveryPageCost
            ) { (params: MintAPI.RecoveryPageParams, db) -> MintAPI.RecoveryPage in
                let limit = min(params.limit ?? MintAPI.maxRecordsPerPage, MintAPI.maxRecordsPerPage)
                guard limit > 0 else { throw ModuleEndpointError.invalidParams(field: "limit", expected: "at least 1") }
                var records = try MintRecoveryStore.records(from: params.from, limit: limit, db: db)
                let end = params.digestOnly == true ? nil : try MintRecoveryStore.logLength(db: db)
                if servesBadHistory {
                    // TEST FAULT: withhold the history from digest queries; alter the first record of full pages.
                    if end == nil { records = [] } else if records.count >= 2 { records[1] ^= 0x01 }
                }
                return MintAPI.RecoveryPage(from: params.from, records: records, end: end)
            },
            .typed(
                MintAPI.recoveryShares, summary: "This guardian's blind signature shares of logged outputs, in bulk",
                cost: Self.recoveryPageCost
            ) { (params: MintAPI.RecoverySharesParams, db) -> MintAPI.RecoverySharesResult in
                guard params.seqs.count <= MintAPI.maxSharesPerCall else {
                    throw ModuleEndpointError.invalidParams(
                        field: "seqs", expected: "at most \(MintAPI.maxSharesPerCall) sequence numbers per call")
                }
                guard let outputs = try MintRecoveryStore.shares(seqs: params.seqs, db: db) else {
                    throw ModuleEndpointError.invalidParams(field: "seqs", expected: "sequence numbers of logged outputs")
                }
                return MintAPI.RecoverySharesResult(shares: Hex.encode(outputs.flatMap { output in
                    guard servesInvalidShares else { return output.share.canonicalBytes }
                    // TEST FAULT: a well-formed share under the wrong denomination's key, which no client may accept.
                    let wrong = (Int(output.denomination.exponent) + 1) % secretKeyShares.count
                    return secretKeyShares[wrong].sign(output.blinded).canonicalBytes
                }))
            },
        ]
    }

    /// What a recovery page or a bulk share call costs the caller's budget: it reads up to thousands of rows.
    static let recoveryPageCost = 4

    // MARK: Audit

    /// Liabilities: notes outstanding (issued, not yet redeemed). Assets: dev-issued
    /// amounts (dev mode only; the wallet module brings the real assets).
    public func audit(db: any StorageReading) throws -> ModuleAudit {
        ModuleAudit(
            assets: try MintStore.total(.devIssued, db: db),
            liabilities: try MintStore.total(.outstanding, db: db))
    }
}

extension MintError {
    /// This error as the reason a guardian gives for rejecting a transaction.
    public var rejection: TransactionRejection { TransactionRejection(code: code, message: description) }
}
