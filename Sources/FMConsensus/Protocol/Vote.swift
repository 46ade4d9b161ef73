import FMCore
import FMEncoding

/// What a vote says about an iteration (the three kinds of Simplex votes).
public enum VoteKind: Hashable, Sendable {
    /// ⟨vote, h, b_h⟩: the block with this hash is a valid extension of a notarized chain.
    case notarize(Hash256)
    /// ⟨vote, h, ⊥_h⟩: the iteration timed out here (vote for the dummy block).
    case skip
    /// ⟨finalize, h⟩: the voter saw the block with this hash notarized without having timed out
    /// in the iteration. The hash pins which block (it is unique once notarized).
    case finalize(Hash256)

    /// The block a vote refers to (`nil` for ``skip``).
    public var blockHash: Hash256? {
        switch self {
        case .notarize(let hash), .finalize(let hash): hash
        case .skip: nil
        }
    }
}

/// What every consensus signature is bound to besides its statement: the federation and the version of this
/// protocol. A vote or certificate made for one federation (or one protocol version) never verifies in another,
/// even when guardians reuse their consensus keys across federations (docs/consensus.md, "Signed statements").
public struct ConsensusDomain: Hashable, Sendable {
    /// Bumped whenever the meaning or encoding of a signed statement changes.
    public static let currentProtocolVersion: UInt64 = 1

    public let federationID: FederationID
    public let protocolVersion: UInt64

    public init(federationID: FederationID, protocolVersion: UInt64 = Self.currentProtocolVersion) {
        self.federationID = federationID
        self.protocolVersion = protocolVersion
    }
}

/// The signed content of a vote: a kind and an iteration (signed within a ``ConsensusDomain``).
public struct VoteStatement: Hashable, Sendable, CanonicalCodable {
    public let kind: VoteKind
    public let iteration: UInt64

    public init(kind: VoteKind, iteration: UInt64) {
        self.kind = kind
        self.iteration = iteration
    }

    /// The 32-byte digest a guardian signs: SHA-256 over a tag, the protocol version, the federation id and the
    /// canonical statement.
    public func signingDigest(in domain: ConsensusDomain) -> Hash256 {
        var encoder = CanonicalEncoder()
        encoder.writeFixed(Array("fm/consensus/vote".utf8))
        encoder.writeVarint(domain.protocolVersion)
        encoder.write(domain.federationID)
        encoder.write(self)
        return Hash256.sha256(encoder.bytes)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        switch kind {
        case .notarize(let hash): encoder.writeVariant(0) { $0.write(hash) }
        case .skip: encoder.writeVariant(1) { _ in }
        case .finalize(let hash): encoder.writeVariant(2) { $0.write(hash) }
        }
        encoder.writeVarint(iteration)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        let (index, body) = try decoder.readVariant()
        var reader = body
        switch index {
        case 0: kind = .notarize(try reader.read(Hash256.self))
        case 1: kind = .skip
        case 2: kind = .finalize(try reader.read(Hash256.self))
        default: throw .unknownVariant(index, type: "VoteKind")
        }
        try reader.finish()
        iteration = try decoder.readVarint()
    }
}

/// One guardian's signature.
public struct PeerSignature: Hashable, Sendable, CanonicalCodable {
    public let peer: PeerID
    public let signature: [UInt8]

    /// Longest signature accepted from the wire (BIP-340 signatures are 64 bytes).
    static let maxSignatureBytes = 128

    public init(peer: PeerID, signature: [UInt8]) {
        self.peer = peer
        self.signature = signature
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(peer)
        encoder.writeBytes(signature)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        peer = try decoder.read()
        signature = try decoder.readBytes(maxLength: Self.maxSignatureBytes)
    }
}

/// A signed vote of one guardian.
public struct Vote: Hashable, Sendable, CanonicalCodable {
    public let statement: VoteStatement
    public let signature: PeerSignature

    public init(statement: VoteStatement, signature: PeerSignature) {
        self.statement = statement
        self.signature = signature
    }

    public var voter: PeerID { signature.peer }
    public var iteration: UInt64 { statement.iteration }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(statement)
        encoder.write(signature)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        statement = try decoder.read()
        signature = try decoder.read()
    }
}
