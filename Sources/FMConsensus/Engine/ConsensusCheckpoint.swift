import FMCore
import FMEncoding

/// The write-ahead record of what this guardian has voted: enough to never vote twice in one
/// iteration after a crash. The finalized chain itself is restored from the host's block store.
///
/// - Important: store the latest checkpoint durably before sending anything that follows it.
public struct ConsensusCheckpoint: Hashable, Sendable, CanonicalCodable {
    /// The iteration the guardian is in. It never votes in an earlier iteration again.
    public let iteration: UInt64
    /// The block it voted to notarize in `iteration`, if any.
    public let notarizeVote: Hash256?
    /// Whether it voted ⊥ (timed out) in `iteration`.
    public let skipVote: Bool

    public init(iteration: UInt64, notarizeVote: Hash256?, skipVote: Bool) {
        self.iteration = iteration
        self.notarizeVote = notarizeVote
        self.skipVote = skipVote
    }

    /// Serialized form for the host's storage.
    public var encoded: [UInt8] { canonicalBytes }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeVariant(0) { body in
            body.writeVarint(iteration)
            body.write(notarizeVote)
            body.write(skipVote)
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        let (index, body) = try decoder.readVariant()
        guard index == 0 else { throw .unknownVariant(index, type: "ConsensusCheckpoint") }
        var reader = body
        iteration = try reader.readVarint()
        notarizeVote = try reader.read(Hash256?.self)
        skipVote = try reader.read()
        try reader.finish()
    }
}
