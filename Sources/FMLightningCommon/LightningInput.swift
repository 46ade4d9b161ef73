import FMCore
import FMEncoding
import FMSecp256k1

/// A Lightning module transaction input: spends a funded contract.
///
/// Each input carries the whole contract, so a guardian learns its amount and spend key without reading state
/// (``ServerModule/inputMetas(_:)`` is stateless); the stateful check then requires a funded, unspent contract of
/// that id. Canonical form: a versioned enum (variant index, length-prefixed body).
public enum LightningInput: Hashable, Sendable, CanonicalCodable {
    /// Variant 0: the gateway takes an outgoing contract with the preimage of its payment hash; signed by the
    /// gateway claim key.
    case outgoingClaim(OutgoingContract, preimage: Preimage)
    /// Variant 1: the user takes an outgoing contract back; signed by the user refund key. Without a cancellation,
    /// only once consensus time has reached the timelock; with the gateway's signature over
    /// ``OutgoingContract/cancellationMessage``, at once.
    case outgoingRefund(OutgoingContract, cancellation: SchnorrSignature?)
    /// Variant 2: the receiver takes an incoming contract; the t decryption shares decrypt its ciphertext to the
    /// preimage of its payment hash. Signed by the receiver claim key.
    case incomingClaim(IncomingContract, shares: [PeerDecryptionShare])
    /// Variant 3: the gateway takes an incoming contract back; the t decryption shares decrypt its ciphertext to
    /// something that is not the preimage of its payment hash (the receiver lied). Signed by the gateway refund key.
    case incomingRefund(IncomingContract, shares: [PeerDecryptionShare])

    public var contractID: ContractID {
        switch self {
        case .outgoingClaim(let contract, _), .outgoingRefund(let contract, _): contract.id
        case .incomingClaim(let contract, _), .incomingRefund(let contract, _): contract.id
        }
    }

    /// The value the input brings into the transaction.
    public var amount: Amount {
        switch self {
        case .outgoingClaim(let contract, _), .outgoingRefund(let contract, _): contract.amount
        case .incomingClaim(let contract, _), .incomingRefund(let contract, _): contract.amount
        }
    }

    /// The key whose signature over the txid authorizes this input.
    public var spendKey: XOnlyPublicKey {
        switch self {
        case .outgoingClaim(let contract, _): contract.gatewayClaimKey
        case .outgoingRefund(let contract, _): contract.userRefundKey
        case .incomingClaim(let contract, _): contract.terms.receiverClaimKey
        case .incomingRefund(let contract, _): contract.terms.gatewayRefundKey
        }
    }

    /// The expensive stateless check of an incoming input (pairings): its shares decrypt the ciphertext, and the
    /// plaintext decides the branch: the receiver's if it is the preimage of the payment hash, the gateway's if not.
    /// Returns the decrypted preimage of a claim; nothing for other inputs.
    @discardableResult
    public func checkDecryption(config: LightningConsensusConfig) throws(LightningError) -> Preimage? {
        switch self {
        case .outgoingClaim, .outgoingRefund:
            return nil
        case .incomingClaim(let contract, let shares):
            let plaintext = try contract.decrypt(shares, config: config)
            guard let preimage = Preimage(bytes: plaintext), preimage.paymentHash == contract.terms.paymentHash else {
                throw .wrongBranch("contract \(contract.id) decrypts to no preimage of its payment hash: only the gateway's refund is valid")
            }
            return preimage
        case .incomingRefund(let contract, let shares):
            let plaintext = try contract.decrypt(shares, config: config)
            guard Hash256.sha256(plaintext) != contract.terms.paymentHash else {
                throw .wrongBranch("contract \(contract.id) decrypts to the preimage of its payment hash: it is the receiver's")
            }
            return nil
        }
    }

    /// The checks that need no state and no pairing: the preimage hashes to the payment hash, a cancellation is
    /// the gateway's signature.
    public func checkStateless() throws(LightningError) {
        switch self {
        case .outgoingClaim(let contract, let preimage):
            guard preimage.paymentHash == contract.paymentHash else { throw .wrongPreimage(contract: contract.id) }
        case .outgoingRefund(let contract, let cancellation?):
            guard contract.gatewayClaimKey.isValidSchnorrSignature(cancellation, for: contract.cancellationMessage) else {
                throw .invalidCancellation(contract: contract.id)
            }
        case .outgoingRefund(_, nil):
            break
        case .incomingClaim(_, let shares), .incomingRefund(_, let shares):
            guard Set(shares.map(\.peer)).count == shares.count else {
                throw .invalidDecryption("two decryption shares from one guardian")
            }
        }
    }

    /// The variant indices of the incoming inputs (claim, refund): the ones whose check costs pairings.
    public static let incomingVariants: Set<UInt64> = [2, 3]

    /// At most one share per guardian of the largest federation (64).
    static let maxShares = 64

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .outgoingClaim(let contract, let preimage):
            encoder.writeVariant(0) { body in
                body.write(contract)
                body.write(preimage)
            }
        case .outgoingRefund(let contract, let cancellation):
            encoder.writeVariant(1) { body in
                body.write(contract)
                body.write(cancellation != nil)
                if let cancellation { body.writeFixed(cancellation.rawRepresentation) }
            }
        case .incomingClaim(let contract, let shares):
            encoder.writeVariant(2) { body in
                body.write(contract)
                body.writeVector(shares)
            }
        case .incomingRefund(let contract, let shares):
            encoder.writeVariant(3) { body in
                body.write(contract)
                body.writeVector(shares)
            }
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        var (index, body) = try decoder.readVariant()
        switch index {
        case 0:
            self = .outgoingClaim(try body.read(), preimage: try body.read())
        case 1:
            let contract: OutgoingContract = try body.read()
            let cancellation = try body.read(Bool.self) ? try body.readSchnorrSignature() : nil
            self = .outgoingRefund(contract, cancellation: cancellation)
        case 2:
            self = .incomingClaim(try body.read(), shares: try body.readVector(maxCount: Self.maxShares))
        case 3:
            self = .incomingRefund(try body.read(), shares: try body.readVector(maxCount: Self.maxShares))
        default:
            throw .unknownVariant(index, type: "LightningInput")
        }
        try body.finish()
    }
}
