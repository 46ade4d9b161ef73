import FMClientCore
import FMCore
import FMDatabase
import FMMintCommon
import FMSecp256k1
import GRDB

/// Restores a wallet's notes from its mnemonic alone (BRIEF §7; the design is in docs/rpc.md, "Recovery").
///
/// Pages through the federation's issuance log (`mint/issued_outputs`, t guardians agreeing), matches each
/// output's blinded message against the ones this wallet derives for (denomination, index) within a gap
/// limit, re-fetches the matching outputs' signature shares (each share checked, the note verified), drops
/// notes whose nonces are spent (`mint/spent_nonces`, t agreeing), stores the rest and raises each
/// denomination's derivation index past the highest index found, so new notes never reuse a secret.
public struct MintRecovery: Sendable {
    /// How many consecutive unused indices of one denomination end the search for it.
    public static let defaultGapLimit: UInt64 = 20

    public let api: FederationAPI
    public let config: MintClientConfig
    public let derivation: NoteDerivation
    public let module: ModuleInstanceID
    public let gapLimit: UInt64

    public init(
        api: FederationAPI, config: MintClientConfig, derivation: NoteDerivation, module: ModuleInstanceID,
        gapLimit: UInt64 = MintRecovery.defaultGapLimit
    ) {
        self.api = api
        self.config = config
        self.derivation = derivation
        self.module = module
        self.gapLimit = gapLimit
    }

    /// What a recovery found.
    public struct Summary: Codable, Sendable, Equatable {
        /// Sum of the unspent notes restored.
        public var recoveredMsat: UInt64
        public var notes: Int
        /// Notes of this wallet found in the log whose nonces are already spent (not restored).
        public var spentNotes: Int
        /// Mint outputs of the whole federation read from the log.
        public var scannedOutputs: UInt64
        /// Guardians that served shares that did not verify.
        public var invalidSharePeers: [PeerID]
    }

    /// One of our outputs found in the log.
    struct Found: Sendable {
        let outPoint: OutPoint
        let secret: NoteSecret
    }

    /// Runs the recovery and writes its result to `database` in one transaction.
    public func run(into database: SQLiteDatabase) async throws -> Summary {
        let (found, scanned) = try await scan()
        // The nonces follow from the secrets: ask which are spent before fetching any signature share.
        let spent = try await spentFlags(found.map(\.secret.nonce))
        var unspent: [NoteIssuance.Result] = []
        for (output, isSpent) in zip(found, spent) where !isSpent {
            unspent.append(try await api.awaitNote(output.secret, at: output.outPoint, config: config))
        }
        var nextIndices: [Denomination: UInt64] = [:]
        for output in found {
            nextIndices[output.secret.denomination] = max(nextIndices[output.secret.denomination] ?? 0, output.secret.index + 1)
        }
        let module = self.module
        let raisedIndices = nextIndices
        let notes = unspent.map { ($0.note.note, $0.note.note.denomination) }
        let indexOf = Dictionary(found.map { ($0.secret.nonce, $0.secret.index) }, uniquingKeysWith: { first, _ in first })
        try await database.write { db in
            for (note, _) in notes { try MintNoteStore.insert(note, index: indexOf[note.nonce]!, in: db) }
            for (denomination, next) in raisedIndices {
                try DerivationIndices.raise(to: next, module: module, purpose: MintClientModule.notePurpose(denomination), in: db)
            }
        }
        return Summary(
            recoveredMsat: try Amount.sum(unspent.map(\.note.amount)).msats, notes: unspent.count,
            spentNotes: spent.filter { $0 }.count, scannedOutputs: scanned,
            invalidSharePeers: Set(unspent.flatMap(\.invalidSharePeers)).sorted())
    }

    /// Reads the whole issuance log and returns our outputs in it, and how many outputs were read.
    func scan() async throws -> (found: [Found], scanned: UInt64) {
        var windows: [Denomination: Window] = [:]
        var found: [Found] = []
        var cursor: UInt64 = 0
        while true {
            let page = try await issuedOutputs(from: cursor)
            for output in page.outputs {
                guard config.keys(for: output.denomination) != nil else { continue }
                var window = windows[output.denomination] ?? Window()
                window.extend(to: gapLimit, denomination: output.denomination, derivation: derivation)
                // A blinded message seen twice (a secret reused by a broken wallet) is one note: take the first.
                if let index = window.indexByBlindedMessage.removeValue(forKey: output.blindedMessage) {
                    found.append(Found(
                        outPoint: output.outPoint, secret: derivation.secret(denomination: output.denomination, index: index)))
                    window.highestFound = max(window.highestFound ?? 0, index)
                    window.extend(to: gapLimit, denomination: output.denomination, derivation: derivation)
                }
                windows[output.denomination] = window
            }
            guard page.next > cursor, page.outputs.count == Int(MintAPI.maxOutputsPerPage) else {
                return (found, max(cursor, page.next))
            }
            cursor = page.next
        }
    }

    /// The blinded messages of one denomination derived so far, by hex, with their indices.
    struct Window {
        var indexByBlindedMessage: [String: UInt64] = [:]
        var derivedCount: UInt64 = 0
        var highestFound: UInt64?

        /// Derives indices up to the highest found + 1 + `gap` (or `gap` while none is found).
        mutating func extend(to gap: UInt64, denomination: Denomination, derivation: NoteDerivation) {
            let wanted = (highestFound.map { $0 + 1 } ?? 0) + gap
            while derivedCount < wanted {
                let secret = derivation.secret(denomination: denomination, index: derivedCount)
                indexByBlindedMessage[Hex.encode(secret.blindedMessage.canonicalBytes)] = derivedCount
                derivedCount += 1
            }
        }
    }

    /// One page of the log as t guardians serve it identically.
    func issuedOutputs(from cursor: UInt64) async throws -> MintAPI.IssuedOutputsResult {
        try await agreed(
            MintAPI.issuedOutputs, params: MintAPI.IssuedOutputsParams(from: cursor), as: MintAPI.IssuedOutputsResult.self)
    }

    /// Whether each nonce is spent, t guardians agreeing, in chunks the endpoint accepts.
    func spentFlags(_ nonces: [XOnlyPublicKey]) async throws -> [Bool] {
        var flags: [Bool] = []
        var start = 0
        while start < nonces.count {
            let chunk = nonces[start..<min(start + MintAPI.maxNoncesPerCall, nonces.count)]
            let answer = try await agreed(
                MintAPI.spentNonces, params: MintAPI.SpentNoncesParams(nonces: chunk.map { Hex.encode($0.rawRepresentation) }),
                as: MintAPI.SpentNoncesResult.self)
            guard answer.spent.count == chunk.count else {
                throw FederationQueryError.rejected(
                    method: MintAPI.method(MintAPI.spentNonces), code: "bad_answer",
                    message: "the guardians answered \(answer.spent.count) flags for \(chunk.count) nonces")
            }
            flags += answer.spent
            start += chunk.count
        }
        return flags
    }

    /// A mint endpoint's answer that t guardians give identically. Retried a few times while they
    /// disagree: a guardian still applying the latest block answers from one block earlier.
    func agreed<Result: Decodable & Equatable & Sendable>(
        _ name: String, params: some Encodable & Sendable, as type: Result.Type
    ) async throws -> Result {
        var attempt = 0
        while true {
            let failure: FederationQueryError
            do { return try await api.consensus(MintAPI.method(name), params: params, as: type) } catch { failure = error }
            guard case .noAgreement = failure, attempt < 10 else { throw failure }
            attempt += 1
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
