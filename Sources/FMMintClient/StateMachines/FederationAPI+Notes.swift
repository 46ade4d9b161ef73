import FMClientCore
import FMCore
import FMMintCommon

extension FederationAPI {
    /// The guardians' outcomes for `outPoint` as they arrive: at least t that decode, and the stragglers'.
    public func awaitNoteOutcomes(_ outPoint: OutPoint) async throws(FederationQueryError) -> [PeerID: [UInt8]] {
        try await awaitOutputOutcomes(outPoint) { _, bytes in (try? MintOutputOutcome(canonicalBytes: bytes)) != nil }
    }

    /// The note issued for `secret` at `outPoint`, from the first outcomes received (``awaitNoteOutcomes(_:)``):
    /// combines t of them and checks the note, and checks every further share received against its guardian's
    /// public key share (``NoteIssuance/finalizeCombiningFirst(_:outcomes:config:)``). What an issuance falls back to
    /// when its batch check (``NoteIssuance/finalizeAllCombiningFirst(_:outcomes:config:)``) fails.
    ///
    /// Guardians whose shares did not verify are named in the result's `invalidSharePeers` (the note is
    /// still made from the honest ones). When the first answers did not hold t valid shares, the outcomes
    /// are asked for again with every share checked as it arrives, until t valid ones are in; fewer throw.
    public func finishNote(
        _ secret: NoteSecret, at outPoint: OutPoint, outcomes decodable: [PeerID: [UInt8]], config: MintClientConfig
    ) async throws -> NoteIssuance.Result {
        do {
            return try NoteIssuance.finalizeCombiningFirst(secret, outcomes: decodable, config: config)
        } catch .notEnoughValidShares(_, _, let invalidFrom) {
            let keys = config.keys(for: secret.denomination)
            let blinded = secret.blindedMessage
            let checked = try await awaitOutputOutcomes(outPoint) { peer, bytes in
                // A key share that does not decode counts its guardian as invalid here; `finalize` below throws
                // the config error if too few remain.
                guard let share = try? keys?.publicKeyShare(Int(peer.rawValue)),
                    let outcome = try? MintOutputOutcome(canonicalBytes: bytes)
                else { return false }
                return share.verify(outcome.blindSignatureShare, on: blinded)
            }
            let result = try NoteIssuance.finalize(secret, outcomes: checked, config: config)
            return NoteIssuance.Result(
                note: result.note, invalidSharePeers: Array(Set(result.invalidSharePeers + invalidFrom)).sorted())
        }
    }
}
