import FMCore
import FMEncoding

/// The federation's consensus item: what guardians order through consensus: a client's transaction or a module's own item (a vote, a signature
/// share). Encoded as a canonical enum, variant index + length-prefixed body, so a guardian can skip a variant a
/// later version adds.
public enum FederationItem: Hashable, Sendable, CanonicalCodable {
    case transaction(Transaction)
    case module(ModuleItem)
    /// A guardian's state digest after an earlier block, compared by every other guardian when applied.
    case stateDigest(StateDigestReport)
    /// The proposing guardian's proposal of the next meta revision (``GuardianOperations``).
    case metaProposal(MetaProposal)
    /// The proposing guardian asks every guardian to stop after a block (``GuardianOperations``).
    case shutdownRequest(ShutdownRequest)
    /// A guardian's signed API URL; any guardian may carry any peer's (the signature speaks for it; ``GuardianOperations``).
    case apiAnnouncement(APIAnnouncement)
    /// The proposing guardian's consensus versions (what its binary supports; ``GuardianOperations``).
    case versionAnnouncement(ConsensusVersionAnnouncement)

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .transaction(let transaction): encoder.writeVariant(0) { $0.write(transaction) }
        case .module(let item): encoder.writeVariant(1) { $0.write(item) }
        case .stateDigest(let report): encoder.writeVariant(2) { $0.write(report) }
        case .metaProposal(let meta): encoder.writeVariant(3) { $0.write(meta) }
        case .shutdownRequest(let request): encoder.writeVariant(4) { $0.write(request) }
        case .apiAnnouncement(let announcement): encoder.writeVariant(5) { $0.write(announcement) }
        case .versionAnnouncement(let announcement): encoder.writeVariant(6) { $0.write(announcement) }
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        var (index, body) = try decoder.readVariant()
        switch index {
        case 0: self = .transaction(try body.read())
        case 1: self = .module(try body.read())
        case 2: self = .stateDigest(try body.read())
        case 3: self = .metaProposal(try body.read())
        case 4: self = .shutdownRequest(try body.read())
        case 5: self = .apiAnnouncement(try body.read())
        case 6: self = .versionAnnouncement(try body.read())
        default: throw .invalidValue("unknown consensus item variant \(index)")
        }
        try body.finish()
    }
}

/// `peer`'s state digest after applying block `height` (docs/architecture.md, "State digest").
public struct StateDigestReport: Hashable, Sendable, CanonicalCodable {
    public let peer: PeerID
    public let height: UInt64
    public let digest: Hash256

    public init(peer: PeerID, height: UInt64, digest: Hash256) {
        self.peer = peer
        self.height = height
        self.digest = digest
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(peer)
        encoder.write(height)
        encoder.write(digest)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        peer = try decoder.read()
        height = try decoder.read()
        digest = try decoder.read()
    }
}

/// A guardian's proposal of the next meta revision. It names its guardian, who must be the block's proposer, and
/// carries a random nonce, so that equal proposals of several guardians (or a guardian's return to an earlier one)
/// are distinct items that consensus does not deduplicate; only `meta` is compared.
public struct MetaProposal: Hashable, Sendable, Codable, CanonicalCodable {
    public let peer: PeerID
    public let nonce: UInt64
    public let meta: FederationMeta

    public init(peer: PeerID, meta: FederationMeta, nonce: UInt64 = .random(in: .min ... .max)) {
        self.peer = peer
        self.nonce = nonce
        self.meta = meta
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(peer)
        encoder.write(nonce)
        encoder.write(meta)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        peer = try decoder.read()
        nonce = try decoder.read()
        meta = try decoder.read()
    }
}

/// A guardian's request that every guardian stop after applying block `height` (a coordinated upgrade); `peer`
/// and `nonce` as in ``MetaProposal``.
public struct ShutdownRequest: Hashable, Sendable, Codable, CanonicalCodable {
    public let peer: PeerID
    public let nonce: UInt64
    public let height: UInt64

    public init(peer: PeerID, height: UInt64, nonce: UInt64 = .random(in: .min ... .max)) {
        self.peer = peer
        self.nonce = nonce
        self.height = height
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(peer)
        encoder.write(nonce)
        encoder.write(height)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        peer = try decoder.read()
        nonce = try decoder.read()
        height = try decoder.read()
    }
}
