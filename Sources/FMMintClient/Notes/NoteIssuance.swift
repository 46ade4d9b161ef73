import FMCore
import FMCrypto
import FMMintCommon

/// The guardians' answers to one issued output, decoded once as they arrive: each guardian's blind signature
/// share (not yet checked), and the guardians whose outcome did not decode (to be named).
public struct ReceivedShares: Sendable {
    public var shares: [PeerID: BlindSignatureShare]
    public var undecodable: [PeerID]

    public init(shares: [PeerID: BlindSignatureShare], undecodable: [PeerID] = []) {
        self.shares = shares
        self.undecodable = undecodable
    }

    /// Decodes each guardian's outcome as it came on the wire (canonical bytes of ``MintOutputOutcome``).
    public init(outcomes: [PeerID: [UInt8]]) {
        var shares: [PeerID: BlindSignatureShare] = [:]
        var undecodable: [PeerID] = []
        for (peer, bytes) in outcomes {
            if let outcome = try? MintOutputOutcome(canonicalBytes: bytes) {
                shares[peer] = outcome.blindSignatureShare
            } else {
                undecodable.append(peer)
            }
        }
        self.init(shares: shares, undecodable: undecodable)
    }
}

/// Turns the guardians' answers to one issued output into a note (BRIEF §3).
public enum NoteIssuance {
    /// The note made from the valid shares, and the guardians whose shares were invalid.
    public struct Result: Sendable {
        public let note: SpendableNote
        /// Guardians that answered with a share that does not verify (or are not in the config), ascending.
        public let invalidSharePeers: [PeerID]
    }

    /// Checks every guardian's share against that guardian's public key share,
    /// combines the first t valid ones (by peer id), unblinds, and verifies the
    /// resulting note signature.
    ///
    /// A guardian that lies is named in ``Result/invalidSharePeers`` and does
    /// not stop the note as long as t others answered correctly.
    ///
    /// - Throws: ``MintError/unknownDenomination(_:)``,
    ///   ``MintError/notEnoughValidShares(needed:valid:invalidFrom:)`` when fewer
    ///   than t shares verify, ``MintError/combinedSignatureInvalid(denomination:)``
    ///   when the config's keys are inconsistent, ``MintError/invalidConfig(_:)`` when a stored key does not decode.
    public static func finalize(
        _ secret: NoteSecret, shares: [PeerID: BlindSignatureShare], config: MintClientConfig
    ) throws(MintError) -> Result {
        guard let keys = config.keys(for: secret.denomination) else { throw .unknownDenomination(secret.denomination) }
        let blinded = secret.blindedMessage
        var valid: [(peer: Int, share: BlindSignatureShare)] = []
        var invalid: [PeerID] = []
        for (peer, share) in shares.sorted(by: { $0.key < $1.key }) {
            let index = Int(peer.rawValue)
            if let key = try keys.publicKeyShare(index), key.verify(share, on: blinded) {
                valid.append((peer: index, share: share))
            } else {
                invalid.append(peer)
            }
        }
        guard valid.count >= config.threshold else {
            throw .notEnoughValidShares(needed: config.threshold, valid: valid.count, invalidFrom: invalid)
        }
        let combined: BlindSignature
        do { combined = try BlindSignature.combine(valid, threshold: config.threshold) } catch {
            preconditionFailure("distinct, non-negative peers and enough shares were checked above: \(error)")
        }
        let note = Note(
            denomination: secret.denomination, nonce: secret.nonce, signature: combined.unblinded(by: secret.blindingKey))
        guard note.isValid(under: try keys.aggregatePublicKey) else {
            throw .combinedSignatureInvalid(denomination: secret.denomination)
        }
        return Result(note: SpendableNote(note: note, spendKey: secret.spendKey), invalidSharePeers: invalid)
    }

    /// Like ``finalize(_:outcomes:config:)``, but cheaper when the guardians are honest: combines the
    /// first t decodable shares (by peer id) without checking them, and checks the resulting note once. If
    /// that note verifies, the t shares were correct (a wrong share would move the combined signature off
    /// the one valid signature); every other share received is then checked one by one, so a liar among
    /// them is still named. If the note does not verify, falls back to checking every share one by one.
    ///
    /// Costs one note verification plus one per extra share, instead of one per share plus one.
    public static func finalizeCombiningFirst(
        _ secret: NoteSecret, outcomes: [PeerID: [UInt8]], config: MintClientConfig
    ) throws(MintError) -> Result {
        try finalizeCombiningFirst(secret, received: ReceivedShares(outcomes: outcomes), config: config)
    }

    /// ``finalizeCombiningFirst(_:outcomes:config:)`` of shares already decoded.
    public static func finalizeCombiningFirst(
        _ secret: NoteSecret, received: ReceivedShares, config: MintClientConfig
    ) throws(MintError) -> Result {
        guard let keys = config.keys(for: secret.denomination) else { throw .unknownDenomination(secret.denomination) }
        guard let combined = Combined(secret, received: received, keys: keys, threshold: config.threshold),
            combined.note.isValid(under: try keys.aggregatePublicKey)
        else { return try finalize(secret, received: received, config: config) }
        let blinded = secret.blindedMessage
        var invalidExtra: [PeerID] = []
        for (peer, share) in combined.extraShares where try keys.publicKeyShare(Int(peer.rawValue))?.verify(share, on: blinded) != true {
            invalidExtra.append(peer)
        }
        return combined.result(invalidExtra: invalidExtra)
    }

    /// ``finalizeCombiningFirst(_:outcomes:config:)`` for every note of one issuance at once (`outcomes[i]` for `secrets[i]`), when everything
    /// checks out: the combined notes and all extra shares go into one ``SignatureBatch`` (one multi-pairing,
    /// instead of a pairing per note and per extra share). Returns nil if anything fails (a note that does not
    /// combine, an unknown denomination, a key that does not decode, a batch that does not hold): the caller
    /// then finalizes each note on its own, which names the liars and throws the errors.
    public static func finalizeAllCombiningFirst(
        _ secrets: [NoteSecret], outcomes: [[PeerID: [UInt8]]], config: MintClientConfig
    ) -> [Result]? {
        finalizeAllCombiningFirst(secrets, received: outcomes.map(ReceivedShares.init(outcomes:)), config: config)
    }

    /// ``finalizeAllCombiningFirst(_:outcomes:config:)`` of shares already decoded.
    public static func finalizeAllCombiningFirst(
        _ secrets: [NoteSecret], received: [ReceivedShares], config: MintClientConfig
    ) -> [Result]? {
        precondition(secrets.count == received.count, "one set of outcomes per note")
        var batch = SignatureBatch()
        var results: [Result] = []
        for (secret, received) in zip(secrets, received) {
            guard let keys = config.keys(for: secret.denomination),
                let combined = Combined(secret, received: received, keys: keys, threshold: config.threshold),
                let aggregate = try? keys.aggregatePublicKey
            else { return nil }
            let message = secret.message
            batch.add(combined.note.signature, on: message, under: aggregate)
            if !combined.extraShares.isEmpty {
                let blinded = message.blinded(by: secret.blindingKey)
                for (peer, share) in combined.extraShares {
                    guard let key = try? keys.publicKeyShare(Int(peer.rawValue)) else { return nil }
                    batch.add(share, on: blinded, under: key)
                }
            }
            results.append(combined.result(invalidExtra: []))
        }
        return batch.allHold() ? results : nil
    }

    /// A note combined from the first t decodable shares (by peer id), not yet checked; the shares beyond those t,
    /// and the peers whose outcome does not decode (or who are not in the config).
    struct Combined {
        let secret: NoteSecret
        let note: Note
        let extraShares: ArraySlice<(peer: PeerID, share: BlindSignatureShare)>
        let undecodable: [PeerID]

        init?(_ secret: NoteSecret, received: ReceivedShares, keys: MintDenominationKeys, threshold: Int) {
            var decoded: [(peer: PeerID, share: BlindSignatureShare)] = []
            var undecodable = received.undecodable
            for (peer, share) in received.shares.sorted(by: { $0.key < $1.key }) {
                if Int(peer.rawValue) < keys.peerCount {
                    decoded.append((peer, share))
                } else {
                    undecodable.append(peer)
                }
            }
            guard decoded.count >= threshold,
                let combined = try? BlindSignature.combine(
                    decoded.prefix(threshold).map { (peer: Int($0.peer.rawValue), share: $0.share) }, threshold: threshold)
            else { return nil }
            self.secret = secret
            note = Note(denomination: secret.denomination, nonce: secret.nonce, signature: combined.unblinded(by: secret.blindingKey))
            extraShares = decoded.dropFirst(threshold)
            self.undecodable = undecodable
        }

        /// The result once the note verified, naming the undecodable peers and the extra shares that failed.
        func result(invalidExtra: [PeerID]) -> Result {
            Result(note: SpendableNote(note: note, spendKey: secret.spendKey), invalidSharePeers: (invalidExtra + undecodable).sorted())
        }
    }

    /// ``finalize(_:shares:config:)`` from the guardians' outcomes as they
    /// arrive on the wire (canonical bytes of ``MintOutputOutcome``); an outcome
    /// that does not decode counts as an invalid share of that guardian.
    public static func finalize(
        _ secret: NoteSecret, outcomes: [PeerID: [UInt8]], config: MintClientConfig
    ) throws(MintError) -> Result {
        try finalize(secret, received: ReceivedShares(outcomes: outcomes), config: config)
    }

    /// ``finalize(_:outcomes:config:)`` of shares already decoded.
    public static func finalize(
        _ secret: NoteSecret, received: ReceivedShares, config: MintClientConfig
    ) throws(MintError) -> Result {
        let undecodable = received.undecodable
        do {
            let result = try finalize(secret, shares: received.shares, config: config)
            return Result(note: result.note, invalidSharePeers: (result.invalidSharePeers + undecodable).sorted())
        } catch .notEnoughValidShares(let needed, let valid, let invalidFrom) {
            throw .notEnoughValidShares(needed: needed, valid: valid, invalidFrom: (invalidFrom + undecodable).sorted())
        }
    }
}
