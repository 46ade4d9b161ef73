import FMCore

/// An input to ``ConsensusEngine/handle(_:)``.
public enum ConsensusEvent: Sendable, Equatable {
    /// The host is ready: the engine arms its timers and, if leading, proposes. Send once, first.
    case start
    /// Bytes arrived from an authenticated peer (the transport vouches for `from`). The engine
    /// decodes and validates them; garbage is reported as ``ConsensusAction/rejected(from:_:)``.
    case received(from: PeerID, bytes: [UInt8])
    /// A timer set by ``ConsensusAction/setTimer(_:after:)`` elapsed.
    case timerFired(ConsensusTimer)
    /// The host asks to order this item. Not durable: after a restart the host re-submits its
    /// items that are not finalized yet (resubmitting a finalized or pending item is harmless).
    case submit(item: [UInt8])
}

/// The timers the engine uses. Setting a timer that is already set re-arms it.
public enum ConsensusTimer: Hashable, Sendable {
    /// Simplex's iteration timer: ⊥ vote when it fires while still in that iteration.
    case iteration(UInt64)
    /// A leader with nothing to propose waits this long for items before proposing an empty block.
    case idleProposal(UInt64)
    /// A leader under load holds its block back until this fires (``ConsensusConfiguration/batchWindow``).
    case batchWindow(UInt64)
    /// Periodic status broadcast, retransmission and catch-up.
    case retransmit
}

/// An output of ``ConsensusEngine/handle(_:)``. The host performs the actions in order.
public enum ConsensusAction: Sendable, Equatable {
    /// Store this record durably (replacing the previous one) before performing any later action.
    /// - Important: a guardian must never vote twice in one iteration, even across a crash: the
    ///   sends that follow depend on this record being on disk first.
    case persist(ConsensusCheckpoint)
    /// Send a message to one peer.
    case send(ConsensusMessage, to: PeerID)
    /// Send a message to every other guardian.
    case broadcast(ConsensusMessage)
    /// (Re-)arm a timer to fire once after a logical duration.
    case setTimer(ConsensusTimer, after: Duration)
    /// Disarm a timer if set.
    case cancelTimer(ConsensusTimer)
    /// The next block of the finalized chain. Store it durably (it is part of the state
    /// ``ConsensusEngine/init(configuration:signer:verifier:restoring:finalizedTail:)`` restores
    /// from) before performing later actions; apply its items in order.
    case finalized(FinalizedBlock)
    /// A peer asked for finalized blocks: send it `.blockResponse` with up to `maxCount` of the
    /// stored blocks from height `fromHeight` on (fewer, or none, if this guardian has fewer).
    case serveBlocks(to: PeerID, fromHeight: UInt64, maxCount: Int)
    /// A message was refused (garbage, bad signature, outside the window, ...). For logs/metrics.
    case rejected(from: PeerID, MessageRejection)
    /// A submitted item was refused.
    case itemRejected(Hash256, ItemRejection)
}

/// Why a received message was ignored.
public enum MessageRejection: Error, Sendable, Equatable, CustomStringConvertible {
    case undecodable(String)
    case unknownSender
    case unknownVariant(UInt64)
    case invalidSignature
    case notLeader(iteration: UInt64)
    case invalidBlock(String)
    case invalidCertificate(String)
    case outsideWindow(iteration: UInt64)
    case equivocation(iteration: UInt64)
    case unsolicited
    case invalidHistory(String)

    public var description: String {
        switch self {
        case .undecodable(let reason): "undecodable message: \(reason)"
        case .unknownSender: "message from a peer that is not a guardian"
        case .unknownVariant(let variant): "unknown message variant \(variant)"
        case .invalidSignature: "signature does not verify"
        case .notLeader(let iteration): "proposal for iteration \(iteration) not from its leader"
        case .invalidBlock(let reason): "invalid block: \(reason)"
        case .invalidCertificate(let reason): "invalid certificate: \(reason)"
        case .outsideWindow(let iteration): "iteration \(iteration) is outside the accepted window"
        case .equivocation(let iteration): "conflicting second message for iteration \(iteration)"
        case .unsolicited: "response that was not asked for"
        case .invalidHistory(let reason): "invalid finalized history: \(reason)"
        }
    }
}

/// Why a submitted item was refused.
public enum ItemRejection: Error, Sendable, Equatable, CustomStringConvertible {
    case tooLarge(bytes: Int, limit: Int)
    case poolFull(limit: Int)
    case duplicate

    public var description: String {
        switch self {
        case .tooLarge(let bytes, let limit): "item of \(bytes) bytes exceeds the limit of \(limit)"
        case .poolFull(let limit): "pending item pool is full (\(limit) items)"
        case .duplicate: "item is already pending or recently finalized"
        }
    }
}
