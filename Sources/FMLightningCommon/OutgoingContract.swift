import FMCore
import FMEncoding
import FMSecp256k1

/// The 32 secret bytes whose SHA-256 is a Lightning payment hash.
public struct Preimage: Hashable, Sendable, CanonicalCodable {
    public let bytes: [UInt8]

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        self.bytes = Array(bytes)
    }

    /// The payment hash this preimage opens.
    public var paymentHash: Hash256 { Hash256.sha256(bytes) }

    public func encode(to encoder: inout CanonicalEncoder) { encoder.writeFixed(bytes) }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) { bytes = try decoder.readFixed(32) }
}

/// A contract's identity: SHA-256 of its tagged canonical bytes. Two contracts with the same terms are one contract.
public typealias ContractID = Hash256

/// A user pays a Lightning invoice (docs/lightning.md, "Outgoing"): notes in, this contract out, in one transaction.
///
/// The gateway takes `amount` with the preimage of `paymentHash` (which it learns by paying the invoice); the user
/// takes it back once the federation's consensus time reaches `timelock`, or at once with the gateway's signed
/// cancellation (``cancellationMessage``).
///
/// Canonical form: payment hash (32), amount (varint msat), gateway claim key (32), user refund key (32),
/// timelock (varint unix seconds).
public struct OutgoingContract: Hashable, Sendable, CanonicalCodable {
    public let paymentHash: Hash256
    /// The invoice amount plus the gateway's fee: what the gateway receives for paying.
    public let amount: Amount
    public let gatewayClaimKey: XOnlyPublicKey
    public let userRefundKey: XOnlyPublicKey
    /// Unix seconds of the federation's consensus time from which the user may refund.
    public let timelock: UInt64

    public init(
        paymentHash: Hash256, amount: Amount, gatewayClaimKey: XOnlyPublicKey, userRefundKey: XOnlyPublicKey, timelock: UInt64
    ) throws(LightningError) {
        guard amount > .zero, amount <= LightningBounds.maxAmount else {
            throw .invalidContract("amount \(amount.msats) msat is not between 1 msat and 21 million BTC")
        }
        guard timelock <= LightningBounds.maxTimestamp else { throw .invalidContract("timelock \(timelock) is after 2100") }
        self.paymentHash = paymentHash
        self.amount = amount
        self.gatewayClaimKey = gatewayClaimKey
        self.userRefundKey = userRefundKey
        self.timelock = timelock
    }

    public var id: ContractID { taggedHash("fm-ln/outgoing-contract/v0", canonicalBytes) }

    /// What the gateway signs (BIP-340, by ``gatewayClaimKey``) to give up the contract, so the user refunds at once.
    public var cancellationMessage: [UInt8] { taggedHash("fm-ln/cancel-outgoing/v0", id.bytes).bytes }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(paymentHash)
        encoder.write(amount)
        encoder.writeFixed(gatewayClaimKey.rawRepresentation)
        encoder.writeFixed(userRefundKey.rawRepresentation)
        encoder.writeVarint(timelock)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        let hash: Hash256 = try decoder.read()
        let amount = try decoder.readBoundedAmount()
        let claim = try decoder.readLightningKey()
        let refund = try decoder.readLightningKey()
        let timelock = try decoder.readBoundedTimestamp()
        do {
            try self.init(paymentHash: hash, amount: amount, gatewayClaimKey: claim, userRefundKey: refund, timelock: timelock)
        } catch { throw .invalidValue(error.description) }
    }
}
