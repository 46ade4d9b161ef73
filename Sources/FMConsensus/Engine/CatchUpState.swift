import FMCore

/// What the engine remembers to fetch finalized blocks it lacks without letting a lying peer
/// monopolize it: every peer's claimed finalized count, the one outstanding request, and a
/// per-peer penalty for answers that brought no progress.
///
/// A peer that claims to be ahead and answers with nothing (or nothing new, nothing proven final,
/// an invalid history, or too little) gets a strike and is not asked for 2^strikes periods (at
/// most ``maxBackoffPeriods``); an answer that brings the requester forward clears its strikes.
/// The peer to ask is drawn at random among the peers ahead that are not backed off, so f liars
/// cannot keep an honest peer from being asked, and the honest peers ahead are asked in turn.
struct CatchUpState: Sendable {
    /// Longest a peer is left out after repeated useless answers (in retransmission periods).
    static let maxBackoffPeriods: UInt64 = 32

    struct Penalty: Sendable, Equatable {
        var strikes: UInt64
        var untilEpoch: UInt64
    }

    /// The latest finalized count each peer announced (only claims above this guardian's count matter).
    var claims: [PeerID: UInt64] = [:]
    /// The outstanding request: asked peer, the epoch it was sent in, and the count the peer
    /// claimed then (what a sincere answer reaches, unless it is a full batch).
    var request: (peer: PeerID, epoch: UInt64, claimed: UInt64)?
    var penalties: [PeerID: Penalty] = [:]
    /// The epoch each peer was last asked in: peers serve once per period, so a peer is asked at
    /// most once per period (a second request would go unanswered and cost it a strike).
    var askedEpoch: [PeerID: UInt64] = [:]
    var random: SeededRandom

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    func isBackedOff(_ peer: PeerID, at epoch: UInt64) -> Bool {
        guard let penalty = penalties[peer] else { return false }
        return epoch < penalty.untilEpoch
    }

    /// One more strike: the peer is left out for 2^strikes periods (capped).
    mutating func penalize(_ peer: PeerID, at epoch: UInt64) {
        let strikes = min((penalties[peer]?.strikes ?? 0) + 1, 63)
        penalties[peer] = Penalty(strikes: strikes, untilEpoch: epoch + min(UInt64(1) << strikes, Self.maxBackoffPeriods))
    }

    mutating func forgive(_ peer: PeerID) { penalties[peer] = nil }

    /// A peer ahead of `count` that may be asked now, drawn at random, or `nil`.
    mutating func choosePeer(ahead count: UInt64, at epoch: UInt64) -> PeerID? {
        let candidates = claims.filter {
            $0.value > count && !isBackedOff($0.key, at: epoch) && askedEpoch[$0.key] != epoch
        }.keys.sorted()
        guard !candidates.isEmpty else { return nil }
        return candidates[Int(random.next() % UInt64(candidates.count))]
    }
}
