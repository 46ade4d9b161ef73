import FMClientCore
import FMCore
import FMCrypto
import FMMintCommon

/// Turns the outputs a scan found into notes in bulk: the guardians' shares of up to
/// ``MintAPI/maxSharesPerCall`` outputs per call, the first t shares of each output combined without checking
/// them one by one, and every denomination's notes verified together in one batch (FMCrypto's batch
/// verification, the denominations in parallel). Only when a batch fails are that denomination's shares checked
/// one by one against each guardian's public key share, so a guardian serving wrong shares costs time, never a
/// note, and is named.
struct RecoveredNotes: Sendable {
    let api: FederationAPI
    let config: MintClientConfig

    struct Outcome: Sendable {
        var notes: [(note: Note, index: UInt64)]
        var invalidSharePeers: Set<PeerID>
    }

    func finalize(_ outputs: [HistoryScan.Found]) async throws -> Outcome {
        var outcome = Outcome(notes: [], invalidSharePeers: [])
        var start = 0
        while start < outputs.count {
            let chunk = Array(outputs[start..<min(start + MintAPI.maxSharesPerCall, outputs.count)])
            let part = try await finalizeChunk(chunk)
            outcome.notes += part.notes
            outcome.invalidSharePeers.formUnion(part.invalidSharePeers)
            start += chunk.count
        }
        return outcome
    }

    private func finalizeChunk(_ outputs: [HistoryScan.Found]) async throws -> Outcome {
        let shares = try await fetchShares(outputs, checkingEach: false)
        let byDenomination = Dictionary(grouping: outputs.indices, by: { outputs[$0].secret.denomination })
        let config = self.config
        // Each denomination: combine the first t shares, unblind, batch-verify; `nil` when the batch fails.
        let batches = await withTaskGroup(of: (Denomination, [(Note, UInt64)]?).self) { group in
            for (denomination, positions) in byDenomination {
                let items = positions.map { position in
                    (output: outputs[position], shares: shares.map { peer, all in (peer, all[position]) })
                }
                group.addTask { (denomination, Self.combinedBatch(items, config: config)) }
            }
            var results: [Denomination: [(Note, UInt64)]?] = [:]
            for await (denomination, notes) in group { results[denomination] = notes }
            return results
        }
        var outcome = Outcome(notes: [], invalidSharePeers: [])
        var failed: [Int] = []
        for (denomination, notes) in batches {
            if let notes { outcome.notes += notes.map { (note: $0.0, index: $0.1) } } else { failed += byDenomination[denomination]! }
        }
        guard !failed.isEmpty else { return outcome }
        // Some shares were wrong: ask again, keeping only guardians whose every share verifies; each failed output
        // is then finalized from all shares received, each checked, so the guardians that lied are named.
        let checked = try await fetchShares(failed.map { outputs[$0] }, checkingEach: true)
        for (position, index) in failed.enumerated() {
            var received = shares.mapValues { $0[index] }
            for (peer, all) in checked { received[peer] = all[position] }
            let result = try NoteIssuance.finalize(outputs[index].secret, shares: received, config: config)
            outcome.notes.append((result.note.note, outputs[index].secret.index))
            outcome.invalidSharePeers.formUnion(result.invalidSharePeers)
        }
        return outcome
    }

    /// t guardians' shares of `outputs` (each answer the right length; with `checkingEach`, each share also
    /// verified against that guardian's public key share).
    private func fetchShares(_ outputs: [HistoryScan.Found], checkingEach: Bool) async throws -> [PeerID: [BlindSignatureShare]] {
        let config = self.config
        let count = outputs.count
        let answers = try await api.validAnswers(
            MintAPI.method(MintAPI.recoveryShares), params: MintAPI.RecoverySharesParams(seqs: outputs.map(\.seq)),
            as: MintAPI.RecoverySharesResult.self
        ) { peer, answer in
            guard let shares = Self.decodeShares(answer.shares, count: count) else { return false }
            guard checkingEach else { return true }
            return zip(shares, outputs).allSatisfy { Self.shareVerifies($0, peer: peer, output: $1, config: config) }
        }
        return answers.compactMapValues { Self.decodeShares($0.shares, count: count) }
    }

    static func decodeShares(_ hex: String, count: Int) -> [BlindSignatureShare]? {
        guard let bytes = Hex.decode(hex), bytes.count == count * 48 else { return nil }
        var shares: [BlindSignatureShare] = []
        shares.reserveCapacity(count)
        for start in stride(from: 0, to: bytes.count, by: 48) {
            guard let share = try? BlindSignatureShare(canonicalBytes: bytes[start..<start + 48]) else { return nil }
            shares.append(share)
        }
        return shares
    }

    static func shareVerifies(
        _ share: BlindSignatureShare, peer: PeerID, output: HistoryScan.Found, config: MintClientConfig
    ) -> Bool {
        // A key share that does not decode verifies nothing: its guardian's shares count as invalid.
        guard let key = try? config.keys(for: output.secret.denomination)?.publicKeyShare(Int(peer.rawValue)) else {
            return false
        }
        return key.verify(share, on: output.secret.blindedMessage)
    }

    /// The notes of one denomination from the first t shares of each (by peer id), if they all verify in one batch.
    static func combinedBatch(
        _ items: [(output: HistoryScan.Found, shares: [(PeerID, BlindSignatureShare)])], config: MintClientConfig
    ) -> [(Note, UInt64)]? {
        guard let denomination = items.first?.output.secret.denomination, let keys = config.keys(for: denomination) else {
            return nil
        }
        var notes: [(Note, UInt64)] = []
        for (output, shares) in items {
            let first = shares.sorted { $0.0 < $1.0 }.prefix(config.threshold).map { (peer: Int($0.0.rawValue), share: $0.1) }
            guard let combined = try? BlindSignature.combine(first, threshold: config.threshold) else { return nil }
            let secret = output.secret
            notes.append((Note(denomination: denomination, nonce: secret.nonce, signature: combined.unblinded(by: secret.blindingKey)), secret.index))
        }
        guard let key = try? keys.aggregatePublicKey, key.verifyBatch(notes.map { (message: $0.0.message, signature: $0.0.signature) }) else { return nil }
        return notes
    }
}
