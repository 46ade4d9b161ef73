import FMCore
import FMEncoding

/// A leader's proposal: the block and the leader's own notarize vote on it.
public struct Proposal: Hashable, Sendable, CanonicalCodable {
    public let block: Block
    /// The proposer's signature on ``VoteStatement`` `notarize(block.hash)` in the block's iteration.
    public let signature: [UInt8]

    public init(block: Block, signature: [UInt8]) {
        self.block = block
        self.signature = signature
    }

    /// The proposal read as the leader's notarize vote.
    public var leaderVote: Vote {
        Vote(
            statement: VoteStatement(kind: .notarize(block.hash), iteration: block.header.iteration),
            signature: PeerSignature(peer: block.header.proposer, signature: signature))
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(block)
        encoder.writeBytes(signature)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        block = try decoder.read()
        signature = try decoder.readBytes(maxLength: PeerSignature.maxSignatureBytes)
    }
}

/// Where a guardian stands, sent periodically so peers can repair what it missed.
public struct ConsensusStatus: Hashable, Sendable, CanonicalCodable {
    /// The sender's current iteration.
    public let iteration: UInt64
    /// How many blocks the sender has finalized.
    public let finalizedCount: UInt64

    public init(iteration: UInt64, finalizedCount: UInt64) {
        self.iteration = iteration
        self.finalizedCount = finalizedCount
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeVarint(iteration)
        encoder.writeVarint(finalizedCount)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        iteration = try decoder.readVarint()
        finalizedCount = try decoder.readVarint()
    }
}

/// Every message guardians exchange for consensus (wire format v0, documented in docs/consensus.md).
///
/// Encoded as a canonical enum: varint variant index, then the length-prefixed body. Variant
/// indices are never reused; a variant this version does not know decodes as ``unknown`` and is
/// ignored, so newer peers can add messages.
public enum ConsensusMessage: Hashable, Sendable, CanonicalCodable {
    /// 0: a leader's block proposal (counts as the leader's notarize vote).
    case proposal(Proposal)
    /// 1: a signed vote (notarize, skip or finalize).
    case vote(Vote)
    /// 2: a notarized block with its certificate, forwarded so honest guardians progress together.
    case notarization(NotarizedBlock)
    /// 3: a certificate of t skip votes: the dummy block ⊥ of that iteration is notarized.
    case skipCertificate(QuorumCertificate)
    /// 4: the sender's iteration and finalized height.
    case status(ConsensusStatus)
    /// 5: asks for finalized blocks starting at this height.
    case blockRequest(fromHeight: UInt64)
    /// 6: finalized blocks answering a request, consecutive and in ascending height.
    case blockResponse([FinalizedBlock])
    /// 7: the sender holds items to order while the federation is backing off its idle proposals: leaders stop
    /// waiting and the timers of the sender's iteration return to ``ConsensusConfiguration/iterationTimeout``.
    case wake(iteration: UInt64)
    /// A variant this version does not know (index and raw body).
    case unknown(variant: UInt64, body: [UInt8])

    /// Most blocks accepted in one ``blockResponse(_:)``.
    static let maxBlocksPerResponse = 1_024

    /// The canonical wire bytes of the message.
    public var encoded: [UInt8] { canonicalBytes }

    /// Most bytes ``blockResponseBytes(encodedBlocks:)`` adds to the blocks: variant index, body length, count.
    public static let blockResponseOverhead = 1 + 10 + 10

    /// The wire bytes of ``blockResponse(_:)`` built from blocks already in their canonical encoding (as a guardian
    /// stores them), equal to `.blockResponse(blocks).encoded` without decoding or re-encoding any block.
    public static func blockResponseBytes(encodedBlocks: [[UInt8]]) -> [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.writeVariant(6) { body in
            body.writeVarint(UInt64(encodedBlocks.count))
            for block in encodedBlocks { body.writeFixed(block) }
        }
        return encoder.bytes
    }

    /// Decodes wire bytes strictly (no trailing bytes, minimal integers, bounded lengths).
    public init(decoding bytes: some Collection<UInt8>) throws(CanonicalDecodingError) {
        try self.init(canonicalBytes: bytes)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .proposal(let proposal): encoder.writeVariant(0) { $0.write(proposal) }
        case .vote(let vote): encoder.writeVariant(1) { $0.write(vote) }
        case .notarization(let notarized): encoder.writeVariant(2) { $0.write(notarized) }
        case .skipCertificate(let certificate): encoder.writeVariant(3) { $0.write(certificate) }
        case .status(let status): encoder.writeVariant(4) { $0.write(status) }
        case .blockRequest(let height): encoder.writeVariant(5) { $0.writeVarint(height) }
        case .blockResponse(let blocks): encoder.writeVariant(6) { $0.writeVector(blocks) }
        case .wake(let iteration): encoder.writeVariant(7) { $0.writeVarint(iteration) }
        case .unknown(let variant, let body): encoder.writeVariant(variant) { $0.writeFixed(body) }
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        let (index, body) = try decoder.readVariant()
        var reader = body
        switch index {
        case 0: self = .proposal(try reader.read())
        case 1: self = .vote(try reader.read())
        case 2: self = .notarization(try reader.read())
        case 3: self = .skipCertificate(try reader.read())
        case 4: self = .status(try reader.read())
        case 5: self = .blockRequest(fromHeight: try reader.readVarint())
        case 6: self = .blockResponse(try reader.readVector(maxCount: Self.maxBlocksPerResponse))
        case 7: self = .wake(iteration: try reader.readVarint())
        default:
            self = .unknown(variant: index, body: reader.readRemaining())
        }
        try reader.finish()
    }
}
