import FMCore
import FMCrypto
import FMEncoding

/// A Lightning module transaction output: funds a contract. Canonical form: a versioned enum.
public enum LightningOutput: Hashable, Sendable, CanonicalCodable {
    /// Variant 0: a user funds an outgoing contract (pays an invoice through a gateway).
    case outgoing(OutgoingContract)
    /// Variant 1: a gateway funds an incoming contract (buys the receiver's preimage).
    case incoming(IncomingContract)

    public var amount: Amount {
        switch self {
        case .outgoing(let contract): contract.amount
        case .incoming(let contract): contract.amount
        }
    }

    public var contractID: ContractID {
        switch self {
        case .outgoing(let contract): contract.id
        case .incoming(let contract): contract.id
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .outgoing(let contract): encoder.writeVariant(0) { $0.write(contract) }
        case .incoming(let contract): encoder.writeVariant(1) { $0.write(contract) }
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        var (index, body) = try decoder.readVariant()
        switch index {
        case 0: self = .outgoing(try body.read())
        case 1: self = .incoming(try body.read())
        default: throw .unknownVariant(index, type: "LightningOutput")
        }
        try body.finish()
    }
}

/// What a guardian answers for an accepted Lightning output (`await_output_outcome`). Canonical form: a versioned enum.
public enum LightningOutputOutcome: Hashable, Sendable, CanonicalCodable {
    /// Variant 0: the outgoing contract `id` is funded.
    case outgoingFunded(ContractID)
    /// Variant 1: the incoming contract `id` is funded; this guardian's decryption share of its ciphertext (each
    /// guardian answers its own; the client checks each against the guardian's public key share).
    case incomingFunded(ContractID, share: DecryptionShare)

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .outgoingFunded(let id): encoder.writeVariant(0) { $0.write(id) }
        case .incomingFunded(let id, let share):
            encoder.writeVariant(1) { body in
                body.write(id)
                body.writeFixed(share.canonicalBytes)
            }
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        var (index, body) = try decoder.readVariant()
        switch index {
        case 0: self = .outgoingFunded(try body.read())
        case 1:
            let id: ContractID = try body.read()
            let raw = try body.readFixed(96)
            do { self = .incomingFunded(id, share: try DecryptionShare(canonicalBytes: raw)) } catch {
                throw .invalidValue(error.description)
            }
        default: throw .unknownVariant(index, type: "LightningOutputOutcome")
        }
        try body.finish()
    }
}

/// A Lightning consensus item, proposed by one guardian. Canonical form: a versioned enum.
public enum LightningConsensusItem: Hashable, Sendable, CanonicalCodable {
    /// Variant 0: the proposing guardian's clock, unix seconds. Consensus time is the median of the latest votes
    /// (docs/lightning.md, "Consensus time").
    case timeVote(UInt64)

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .timeVote(let seconds): encoder.writeVariant(0) { $0.writeVarint(seconds) }
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        var (index, body) = try decoder.readVariant()
        switch index {
        case 0: self = .timeVote(try body.readBoundedTimestamp())
        default: throw .unknownVariant(index, type: "LightningConsensusItem")
        }
        try body.finish()
    }
}
