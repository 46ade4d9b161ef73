import FMClientCore
import FMCore
import FMCrypto
import FMMintCommon

extension FederationAPI {
    /// The guardians' outcomes for `outPoint` as they arrive: at least t that decode, and the stragglers', decoded
    /// once here (a share's decoding is a square root and a subgroup check: not to be done again when combining).
    public func awaitNoteOutcomes(
        _ outPoint: OutPoint, timeout: Duration = processingTimeout
    ) async throws(FederationQueryError) -> ReceivedShares {
        let answers = try await checkedOutputOutcomes(outPoint, timeout: timeout) { _, bytes in
            try? MintOutputOutcome(canonicalBytes: bytes).blindSignatureShare
        }
        return ReceivedShares(shares: answers.valid, undecodable: Array(answers.failed.keys))
    }

    /// The guardians' outcomes for outputs `outIndices` of `txid`, one ``ReceivedShares`` per output in that order:
    /// one `await_output_outcomes` call per guardian (``awaitOutputOutcomes(_:outIndices:check:)``), from at least t
    /// guardians whose every outcome decodes; a guardian with an outcome that does not decode is named for that
    /// output, and its other shares are used like any others (each is checked before a note is kept). When t
    /// guardians' outcomes did not all decode, each output is asked on its own (``awaitNoteOutcomes(_:)``), which
    /// needs t decodable outcomes per output only.
    ///
    /// Guardians answer only once the transaction is accepted, and answer a rejected one with its rejection (thrown
    /// as `.rejected` when t agree): so this also awaits the federation's verdict, up to `timeout`.
    public func awaitNoteOutcomes(
        _ txid: TransactionID, outIndices: [UInt64], timeout: Duration = processingTimeout
    ) async throws -> [ReceivedShares] {
        guard !outIndices.isEmpty else { return [] }
        do {
            return try await batchedNoteOutcomes(txid, outIndices: outIndices, timeout: timeout)
        } catch {
            // Untyped on purpose: a typed `catch .noAgreement` here crashes Swift 6.3.1's SILGen (SILGenCleanup).
            let failure: any Error = error
            guard let query = failure as? FederationQueryError, case .noAgreement = query else { throw failure }
        }
        return try await withThrowingTaskGroup(of: OutputShares.self) { group in
            for (position, outIndex) in outIndices.enumerated() {
                group.addTask {
                    OutputShares(
                        position: position,
                        received: try await awaitNoteOutcomes(OutPoint(txid: txid, outIndex: outIndex), timeout: timeout))
                }
            }
            var received = [ReceivedShares](repeating: ReceivedShares(shares: [:]), count: outIndices.count)
            for try await output in group { received[output.position] = output.received }
            return received
        }
    }

    /// ``awaitNoteOutcomes(_:outIndices:)`` in one call per guardian and chunk of outputs, without the per-output
    /// fallback. Guardians take up to ``Transaction/maxOutcomesPerQuery`` strictly increasing indices per call.
    private func batchedNoteOutcomes(
        _ txid: TransactionID, outIndices: [UInt64], timeout: Duration
    ) async throws -> [ReceivedShares] {
        let ordered = Array(Set(outIndices)).sorted()
        let size = Transaction.maxOutcomesPerQuery
        let chunks = stride(from: 0, to: ordered.count, by: size).map { Array(ordered[$0..<min($0 + size, ordered.count)]) }
        var byIndex: [UInt64: ReceivedShares] = [:]
        if chunks.count == 1 {
            for (outIndex, received) in zip(ordered, try await batchedChunk(txid, outIndices: ordered, timeout: timeout)) {
                byIndex[outIndex] = received
            }
        } else {
            try await withThrowingTaskGroup(of: ChunkShares.self) { group in
                for chunk in chunks {
                    group.addTask {
                        ChunkShares(outIndices: chunk, received: try await batchedChunk(txid, outIndices: chunk, timeout: timeout))
                    }
                }
                for try await part in group {
                    for (outIndex, received) in zip(part.outIndices, part.received) { byIndex[outIndex] = received }
                }
            }
        }
        return outIndices.map { byIndex[$0]! }
    }

    /// One chunk's shares as a child task returns them.
    struct ChunkShares: Sendable {
        let outIndices: [UInt64]
        let received: [ReceivedShares]
    }

    /// One `await_output_outcomes` call per guardian for `outIndices` (strictly increasing, at most
    /// ``Transaction/maxOutcomesPerQuery``).
    private func batchedChunk(_ txid: TransactionID, outIndices: [UInt64], timeout: Duration) async throws -> [ReceivedShares] {
        let answers: CheckedAnswers<[BlindSignatureShare], [[UInt8]]> = try await awaitOutputOutcomes(
            txid, outIndices: outIndices, timeout: timeout
        ) { _, outcomes in
            var shares: [BlindSignatureShare] = []
            shares.reserveCapacity(outcomes.count)
            for bytes in outcomes {
                guard let outcome = try? MintOutputOutcome(canonicalBytes: bytes) else { return nil }
                shares.append(outcome.blindSignatureShare)
            }
            return shares
        }
        return outIndices.indices.map { position in
            var received = ReceivedShares(shares: answers.valid.mapValues { $0[position] })
            for (peer, outcomes) in answers.failedVerification {
                if position < outcomes.count, let outcome = try? MintOutputOutcome(canonicalBytes: outcomes[position]) {
                    received.shares[peer] = outcome.blindSignatureShare
                } else {
                    received.undecodable.append(peer)
                }
            }
            return received
        }
    }

    /// One output's shares as a child task returns them (a struct, not a tuple: see FederationAPI.Reply).
    struct OutputShares: Sendable {
        let position: Int
        let received: ReceivedShares
    }

    /// The note issued for `secret` at `outPoint`, from the first outcomes received (``awaitNoteOutcomes(_:)``):
    /// combines t of them and checks the note, and checks every further share received against its guardian's
    /// public key share (``NoteIssuance/finalizeCombiningFirst(_:received:config:)``). What an issuance falls back to
    /// when its batch check (``NoteIssuance/finalizeAllCombiningFirst(_:received:config:)``) fails.
    ///
    /// Guardians whose shares did not verify are named in the result's `invalidSharePeers` (the note is
    /// still made from the honest ones). When the first answers did not hold t valid shares, the outcomes
    /// are asked for again with every share checked as it arrives, until t valid ones are in; fewer throw.
    public func finishNote(
        _ secret: NoteSecret, at outPoint: OutPoint, received: ReceivedShares, config: MintClientConfig
    ) async throws -> NoteIssuance.Result {
        do {
            return try NoteIssuance.finalizeCombiningFirst(secret, received: received, config: config)
        } catch .notEnoughValidShares(_, _, let invalidFrom) {
            let keys = config.keys(for: secret.denomination)
            let blinded = secret.blindedMessage
            let checked = try await checkedOutputOutcomes(outPoint) { peer, bytes -> BlindSignatureShare? in
                // A key share that does not decode counts its guardian as invalid here; `finalize` below throws
                // the config error if too few remain.
                guard let key = try? keys?.publicKeyShare(Int(peer.rawValue)),
                    let share = try? MintOutputOutcome(canonicalBytes: bytes).blindSignatureShare,
                    key.verify(share, on: blinded)
                else { return nil }
                return share
            }
            // The shares that failed go in as they decode, so that `finalize` names their guardians.
            let failed = ReceivedShares(outcomes: checked.failed)
            var shares = checked.valid
            for (peer, share) in failed.shares { shares[peer] = share }
            let result = try NoteIssuance.finalize(
                secret, received: ReceivedShares(shares: shares, undecodable: failed.undecodable), config: config)
            return NoteIssuance.Result(
                note: result.note, invalidSharePeers: Array(Set(result.invalidSharePeers + invalidFrom)).sorted())
        }
    }

    /// Each answering guardian's outcome for `outPoint`: what `check` made of at least t of them, and the bytes of
    /// those that failed it (to be named).
    func checkedOutputOutcomes<Checked: Sendable>(
        _ outPoint: OutPoint, timeout: Duration = processingTimeout, check: @escaping @Sendable (PeerID, [UInt8]) -> Checked?
    ) async throws(FederationQueryError) -> (valid: [PeerID: Checked], failed: [PeerID: [UInt8]]) {
        let answers: CheckedAnswers<Checked, CoreAPI.OutputOutcome> = try await checkedAnswers(
            CoreAPI.awaitOutputOutcome, params: CoreAPI.AwaitOutputOutcomeParams(outPoint: outPoint),
            as: CoreAPI.OutputOutcome.self, timeout: timeout
        ) { peer, answer in
            Hex.decode(answer.outcome).flatMap { check(peer, $0) }
        }
        return (answers.valid, answers.failedVerification.mapValues { Hex.decode($0.outcome) ?? [] })
    }
}
