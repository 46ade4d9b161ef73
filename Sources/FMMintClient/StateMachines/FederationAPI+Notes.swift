import FMClientCore
import FMCore
import FMMintCommon

extension FederationAPI {
    /// The note issued for `secret` at `outPoint`: waits for the guardians' outcomes, checks every share
    /// received against its guardian's public key share, and combines t valid ones.
    ///
    /// Guardians whose shares did not verify are named in the result's `invalidSharePeers` (the note is
    /// still made from the honest ones); fewer than t valid shares throw.
    public func awaitNote(
        _ secret: NoteSecret, at outPoint: OutPoint, config: MintClientConfig
    ) async throws -> NoteIssuance.Result {
        let keys = config.keys(for: secret.denomination)
        let blinded = secret.blindedMessage
        let outcomes = try await awaitOutputOutcomes(outPoint) { peer, bytes in
            guard let keys, Int(peer.rawValue) < keys.publicKeyShares.count,
                let outcome = try? MintOutputOutcome(canonicalBytes: bytes)
            else { return false }
            return keys.publicKeyShares[Int(peer.rawValue)].verify(outcome.blindSignatureShare, on: blinded)
        }
        return try NoteIssuance.finalize(secret, outcomes: outcomes, config: config)
    }
}
