import FMClientCore
import FMCore
import FMDatabase
import FMMintCommon
import FMSecp256k1
import Foundation
import GRDB

/// Restores a wallet's notes from its mnemonic (BRIEF §7; docs/wallet.md, "Recovery"), from a snapshot when
/// one is given, else from the start of history.
///
/// 1. Start: the snapshot's notes, next derivation indices and log cursor (or none, 0 and 0).
/// 2. Scan the issuance log from the cursor (``HistoryScan``: compact pages checked against digests t guardians
///    agree on) for outputs whose blinded message this wallet derives.
/// 3. Ask which nonces of the snapshot's notes and of the found outputs are spent (t agreeing), drop those.
/// 4. Make notes of the unspent found outputs from the guardians' shares (``RecoveredNotes``: batch-verified),
///    check the snapshot's notes in one batch per denomination, and store everything, the raised derivation
///    indices and the snapshot's out-of-band spend records in one transaction.
public struct MintRecovery: Sendable {
    /// How many consecutive unused indices of one denomination end the search for it (at least; indices are
    /// derived in batches).
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
        /// Notes of this wallet (from the snapshot or found in the log) whose nonces are spent (not restored).
        public var spentNotes: Int
        /// Log records read: the whole federation's outputs after the snapshot's cursor (all of them without one).
        public var scannedOutputs: UInt64
        /// Where the scan started (the snapshot's cursor; 0 without a snapshot).
        public var scanFrom: UInt64
        public var scanMilliseconds: UInt64
        /// Notes restored from the snapshot, and out-of-band spend records restored with it.
        public var snapshotNotes: Int
        public var restoredSpends: Int
        /// Guardians that served shares that did not verify.
        public var invalidSharePeers: [PeerID]
    }

    /// Runs the recovery and writes its result to `database` in one transaction.
    public func run(into database: SQLiteDatabase, request: RecoveryRequest = RecoveryRequest()) async throws -> Summary {
        let snapshot = try request.snapshot.map { bytes in
            do { return try MintSnapshot(canonicalBytes: bytes) } catch { throw MintError.malformed(what: "mint snapshot", reason: "\(error)") }
        }
        let started = ContinuousClock.now
        let scan = try await HistoryScan(api: api, config: config, derivation: derivation, gapLimit: gapLimit).run(
            from: snapshot?.cursor ?? 0, nextIndices: snapshot?.nextIndices ?? [:], progress: request.progress)
        let scanTime = ContinuousClock.now - started

        let held = try validSnapshotNotes(snapshot?.notes ?? [])
        let spent = try await spentFlags(held.map(\.note.nonce) + scan.found.map(\.secret.nonce))
        let unspentHeld = zip(held, spent).filter { !$0.1 }.map(\.0)
        let unspentFound = zip(scan.found, spent.dropFirst(held.count)).filter { !$0.1 }.map(\.0)
        let issued = try await RecoveredNotes(api: api, config: config).finalize(unspentFound)

        var nextIndices = snapshot?.nextIndices ?? [:]
        for output in scan.found {
            nextIndices[output.secret.denomination] = max(nextIndices[output.secret.denomination] ?? 0, output.secret.index + 1)
        }
        let notes = unspentHeld.map { ($0.note, $0.index) } + issued.notes.map { ($0.note, $0.index) }
        let module = self.module
        let raised = nextIndices
        let spends = snapshot?.spends ?? []
        try await database.write { db in
            for (note, index) in notes { try MintNoteStore.insert(note, index: index, in: db) }
            for (denomination, next) in raised {
                try DerivationIndices.raise(to: next, module: module, purpose: MintClientModule.notePurpose(denomination), in: db)
            }
            try OperationLog.restore(spends, in: db)
            try MintOutstandingSpends.indexRestoredSpends(in: db)
        }
        return Summary(
            recoveredMsat: try Amount.sum(notes.map(\.0.amount)).msats, notes: notes.count,
            spentNotes: spent.filter { $0 }.count, scannedOutputs: scan.scanned, scanFrom: snapshot?.cursor ?? 0,
            scanMilliseconds: UInt64(max(0, scanTime.components.seconds)) * 1000 + UInt64(scanTime.components.attoseconds / 1_000_000_000_000_000),
            snapshotNotes: unspentHeld.count, restoredSpends: spends.count, invalidSharePeers: issued.invalidSharePeers.sorted())
    }

    /// The snapshot's notes whose signatures verify (one batch per denomination; a snapshot is authenticated, so a
    /// failure means a corrupted wallet, and only the failing notes are dropped).
    func validSnapshotNotes(_ notes: [MintNoteStore.StoredNote]) throws(MintError) -> [MintNoteStore.StoredNote] {
        var valid: [MintNoteStore.StoredNote] = []
        for (denomination, group) in Dictionary(grouping: notes, by: \.note.denomination) {
            guard let key = try config.keys(for: denomination)?.aggregatePublicKey else { continue }
            let batch = group.map { (message: $0.note.message, signature: $0.note.signature) }
            if key.verifyBatch(batch) {
                valid += group
            } else {
                let invalid = Set(key.invalidSignatures(in: batch))
                valid += group.indices.filter { !invalid.contains($0) }.map { group[$0] }
            }
        }
        return valid
    }

    /// Whether each nonce is spent, t guardians agreeing, in chunks the endpoint accepts.
    func spentFlags(_ nonces: [XOnlyPublicKey]) async throws -> [Bool] {
        var flags: [Bool] = []
        var start = 0
        while start < nonces.count {
            let chunk = nonces[start..<min(start + MintAPI.maxNoncesPerCall, nonces.count)]
            let answer = try await api.agreedMint(
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
}
