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

    public var contractID: ContractID {
        switch self {
        case .outgoingClaim(let contract, _), .outgoingRefund(let contract, _): contract.id
        }
    }

    /// The value the input brings into the transaction.
    public var amount: Amount {
        switch self {
        case .outgoingClaim(let contract, _), .outgoingRefund(let contract, _): contract.amount
        }
    }

    /// The key whose signature over the txid authorizes this input.
    public var spendKey: XOnlyPublicKey {
        switch self {
        case .outgoingClaim(let contract, _): contract.gatewayClaimKey
        case .outgoingRefund(let contract, _): contract.userRefundKey
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
        }
    }

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
        default:
            throw .unknownVariant(index, type: "LightningInput")
        }
        try body.finish()
    }
}
