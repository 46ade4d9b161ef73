import FMCore
import FMEncoding

/// The write-ahead record of a guardian: what it has voted in its current iteration, and the
/// certificates of the notarized chain it entered that iteration on. With it a restarted guardian
/// never votes twice in an iteration and can keep voting even if every guardian restarted at once.
/// The finalized chain itself is restored from the host's block store.
///
/// - Important: store the latest checkpoint durably before sending anything that follows it.
public struct ConsensusCheckpoint: Hashable, Sendable, CanonicalCodable {
    /// The iteration the guardian is in. It never votes in an earlier iteration again.
    public let iteration: UInt64
    /// The block it voted to notarize in `iteration`, if any.
    public let notarizeVote: Hash256?
    /// Whether it voted ⊥ (timed out) in `iteration`.
    public let skipVote: Bool
    /// The notarized chain of length `iteration − 1` after the guardian's finalized tip, in
    /// ascending iteration order: one certificate per iteration.
    public let chain: [ChainCertificate]

    /// Most chain certificates accepted when decoding a stored checkpoint.
    static let maxChainLength = 1 << 16

    public init(iteration: UInt64, notarizeVote: Hash256?, skipVote: Bool, chain: [ChainCertificate] = []) {
        self.iteration = iteration
        self.notarizeVote = notarizeVote
        self.skipVote = skipVote
        self.chain = chain
    }

    /// Serialized form for the host's storage.
    public var encoded: [UInt8] { canonicalBytes }

    /// Whether two checkpoints record the same votes (the chain justifies, it does not decide).
    func recordsSameVotes(as other: ConsensusCheckpoint?) -> Bool {
        guard let other else { return false }
        return iteration == other.iteration && notarizeVote == other.notarizeVote && skipVote == other.skipVote
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeVariant(0) { body in
            body.writeVarint(iteration)
            body.write(notarizeVote)
            body.write(skipVote)
            body.writeVector(chain)
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        let (index, body) = try decoder.readVariant()
        guard index == 0 else { throw .unknownVariant(index, type: "ConsensusCheckpoint") }
        var reader = body
        iteration = try reader.readVarint()
        notarizeVote = try reader.read(Hash256?.self)
        skipVote = try reader.read()
        chain = try reader.readVector(maxCount: Self.maxChainLength)
        try reader.finish()
    }
}

/// The certificate of one iteration of a notarized chain: a notarized block or a notarized ⊥.
public enum ChainCertificate: Hashable, Sendable, CanonicalCodable {
    case notarized(NotarizedBlock)
    case skipped(QuorumCertificate)

    public var iteration: UInt64 {
        switch self {
        case .notarized(let block): block.block.header.iteration
        case .skipped(let certificate): certificate.statement.iteration
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .notarized(let block): encoder.writeVariant(0) { $0.write(block) }
        case .skipped(let certificate): encoder.writeVariant(1) { $0.write(certificate) }
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        let (index, body) = try decoder.readVariant()
        var reader = body
        switch index {
        case 0: self = .notarized(try reader.read())
        case 1: self = .skipped(try reader.read())
        default: throw .unknownVariant(index, type: "ChainCertificate")
        }
        try reader.finish()
    }
}
