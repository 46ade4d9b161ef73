import FMCore
import FMEncoding

/// Signatures of at least t distinct guardians on one ``VoteStatement``: a notarization
/// (t ``VoteKind/notarize(_:)`` votes), a dummy-block notarization (t ``VoteKind/skip`` votes)
/// or a finalization (t ``VoteKind/finalize(_:)`` votes).
public struct QuorumCertificate: Hashable, Sendable, CanonicalCodable {
    public let statement: VoteStatement
    /// Ordered by ascending peer, one per peer.
    public let signatures: [PeerSignature]

    /// Most signatures accepted from the wire (guardian ids are 16-bit).
    static let maxSignatures = 1 << 16

    public init(statement: VoteStatement, signatures: [PeerSignature]) {
        self.statement = statement
        self.signatures = signatures.sorted { $0.peer < $1.peer }
    }

    /// Verifies that the certificate carries valid signatures of at least `quorum` distinct
    /// members of `peers` on `statement` in `domain`.
    /// - Throws: ``CertificateError`` naming what is wrong.
    public func verify(
        peers: [PeerID], quorum: Int, domain: ConsensusDomain, verifier: some ConsensusVerifier
    ) throws(CertificateError) {
        var seen = Set<PeerID>()
        let digest = statement.signingDigest(in: domain)
        for signature in signatures {
            guard peers.contains(signature.peer) else { throw .unknownSigner(signature.peer) }
            guard seen.insert(signature.peer).inserted else { throw .duplicateSigner(signature.peer) }
            guard verifier.isValidSignature(signature.signature, of: digest, by: signature.peer) else {
                throw .invalidSignature(signature.peer)
            }
        }
        guard seen.count >= quorum else { throw .tooFewSignatures(have: seen.count, need: quorum) }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(statement)
        encoder.writeVector(signatures)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        statement = try decoder.read()
        let signatures: [PeerSignature] = try decoder.readVector(maxCount: Self.maxSignatures)
        guard zip(signatures, signatures.dropFirst()).allSatisfy({ $0.peer < $1.peer }) else {
            throw .invalidValue("certificate signatures must be ordered by ascending peer, without repeats")
        }
        self.signatures = signatures
    }
}

/// Why a quorum certificate (or a history made of them) was rejected.
public enum CertificateError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownSigner(PeerID)
    case duplicateSigner(PeerID)
    case invalidSignature(PeerID)
    case tooFewSignatures(have: Int, need: Int)
    case wrongStatement(expected: VoteStatement, found: VoteStatement)

    public var description: String {
        switch self {
        case .unknownSigner(let peer): "certificate signed by \(peer), who is not a guardian"
        case .duplicateSigner(let peer): "certificate lists \(peer) twice"
        case .invalidSignature(let peer): "certificate signature of \(peer) does not verify"
        case .tooFewSignatures(let have, let need): "certificate has \(have) valid signatures, needs \(need)"
        case .wrongStatement(let expected, let found):
            "certificate is about \(found.kind) in iteration \(found.iteration), expected \(expected.kind) in iteration \(expected.iteration)"
        }
    }
}
