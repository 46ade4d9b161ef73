import FMCore
import FMEncoding

/// A block with the notarization that made it part of the chain (t signatures on its header).
public struct NotarizedBlock: Hashable, Sendable, CanonicalCodable {
    public let block: Block
    /// t ``VoteKind/notarize(_:)`` signatures on `block.hash` in `block.header.iteration`.
    public let notarization: QuorumCertificate

    public init(block: Block, notarization: QuorumCertificate) {
        self.block = block
        self.notarization = notarization
    }

    /// Checks that the certificate is a valid notarization of exactly this block.
    public func verify(
        peers: [PeerID], quorum: Int, domain: ConsensusDomain, verifier: some ConsensusVerifier
    ) throws(CertificateError) {
        let expected = VoteStatement(kind: .notarize(block.hash), iteration: block.header.iteration)
        guard notarization.statement == expected else {
            throw .wrongStatement(expected: expected, found: notarization.statement)
        }
        try notarization.verify(peers: peers, quorum: quorum, domain: domain, verifier: verifier)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(block)
        encoder.write(notarization)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        block = try decoder.read()
        notarization = try decoder.read()
    }
}

/// A block of the finalized chain, as the engine outputs it and as guardians serve it.
///
/// Every finalized block carries its notarization: signatures of at least t guardians over its
/// header, i.e. over (height, hash of the ordered items, hash of the previous block, iteration).
/// In Simplex a block is final once it or a descendant has t finalize votes; the block that was
/// finalized directly carries that `finalization` certificate too, the ancestors it finalized
/// carry `nil`. ``ConsensusHistory/verify(_:after:peers:quorum:domain:verifier:)`` checks a downloaded
/// history end to end.
public struct FinalizedBlock: Hashable, Sendable, CanonicalCodable {
    public let notarized: NotarizedBlock
    /// t ``VoteKind/finalize(_:)`` signatures on this block, if it was finalized directly.
    public let finalization: QuorumCertificate?

    public init(notarized: NotarizedBlock, finalization: QuorumCertificate?) {
        self.notarized = notarized
        self.finalization = finalization
    }

    public var block: Block { notarized.block }
    public var header: BlockHeader { notarized.block.header }
    public var items: [[UInt8]] { notarized.block.items }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(notarized)
        encoder.write(finalization)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        notarized = try decoder.read()
        finalization = try decoder.read()
    }
}

/// The point a history continues from: the last block already trusted, or genesis.
public struct ChainTip: Hashable, Sendable, CanonicalCodable {
    /// Number of finalized blocks so far (the height the next block will have).
    public let count: UInt64
    /// Hash of the last finalized block's header, or the genesis hash.
    public let hash: Hash256
    /// Iteration of the last finalized block (0 at genesis).
    public let iteration: UInt64

    public init(count: UInt64, hash: Hash256, iteration: UInt64) {
        self.count = count
        self.hash = hash
        self.iteration = iteration
    }

    /// The tip before any block: nothing finalized yet.
    public static func genesis(_ genesisHash: Hash256) -> ChainTip { ChainTip(count: 0, hash: genesisHash, iteration: 0) }

    /// The tip after `block`.
    public init(after block: BlockHeader) {
        self.init(count: block.height + 1, hash: block.hash, iteration: block.iteration)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeVarint(count)
        encoder.write(hash)
        encoder.writeVarint(iteration)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        count = try decoder.readVarint()
        hash = try decoder.read()
        iteration = try decoder.readVarint()
    }
}

/// Verification of finalized history by anyone holding the guardians' public keys.
public enum ConsensusHistory {
    /// Verifies consecutive finalized blocks continuing `tip`, without trusting who served them.
    ///
    /// Each block must link to its predecessor (height, parent hash, increasing iteration), match
    /// its items hash, and carry a valid notarization. A block is proven final when it or a later
    /// block in `blocks` carries a valid finalization certificate.
    /// - Returns: how many leading blocks of `blocks` are proven final (blocks after the last
    ///   finalization certificate are linked and notarized, but not yet proven final).
    /// - Throws: ``HistoryError`` at the first block that does not verify.
    public static func verify(
        _ blocks: [FinalizedBlock], after tip: ChainTip, peers: [PeerID], quorum: Int, domain: ConsensusDomain,
        verifier: some ConsensusVerifier
    ) throws(HistoryError) -> Int {
        var previous = tip
        var provenFinal = 0
        for (offset, finalized) in blocks.enumerated() {
            let header = finalized.header
            guard header.height == previous.count else {
                throw .wrongHeight(expected: previous.count, found: header.height)
            }
            guard header.parentHash == previous.hash else { throw .brokenLink(height: header.height) }
            guard header.iteration > previous.iteration else { throw .iterationNotIncreasing(height: header.height) }
            guard finalized.block.itemsMatchHeader else { throw .itemsHashMismatch(height: header.height) }
            do {
                try finalized.notarized.verify(peers: peers, quorum: quorum, domain: domain, verifier: verifier)
            } catch {
                throw .badNotarization(height: header.height, error)
            }
            if let finalization = finalized.finalization {
                let expected = VoteStatement(kind: .finalize(header.hash), iteration: header.iteration)
                guard finalization.statement == expected else {
                    throw .badFinalization(height: header.height, .wrongStatement(expected: expected, found: finalization.statement))
                }
                do {
                    try finalization.verify(peers: peers, quorum: quorum, domain: domain, verifier: verifier)
                } catch {
                    throw .badFinalization(height: header.height, error)
                }
                provenFinal = offset + 1
            }
            previous = ChainTip(after: header)
        }
        return provenFinal
    }
}

/// Why a served history was rejected.
public enum HistoryError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongHeight(expected: UInt64, found: UInt64)
    case brokenLink(height: UInt64)
    case iterationNotIncreasing(height: UInt64)
    case itemsHashMismatch(height: UInt64)
    case badNotarization(height: UInt64, CertificateError)
    case badFinalization(height: UInt64, CertificateError)

    public var description: String {
        switch self {
        case .wrongHeight(let expected, let found): "block has height \(found), expected \(expected)"
        case .brokenLink(let height): "block \(height) does not name the previous block as its parent"
        case .iterationNotIncreasing(let height): "block \(height) is not from a later iteration than its parent"
        case .itemsHashMismatch(let height): "block \(height)'s items do not match its items hash"
        case .badNotarization(let height, let error): "block \(height) notarization: \(error)"
        case .badFinalization(let height, let error): "block \(height) finalization: \(error)"
        }
    }
}
