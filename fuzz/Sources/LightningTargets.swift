import FMBolt11
import FMCore
import FMCrypto
import FMEncoding
import FMLightningCommon
import FMSecp256k1
import Foundation

/// The Lightning module's payloads (transaction inputs and outputs, outcomes, consensus items, contracts, gateway
/// announcements, which come from clients, gateways and peers) and the gateway's public JSON API (from anyone).
let lightningTargets: [FuzzTarget] = [
    FuzzTarget(name: "ln-module-items", run: { dispatch($0, lightningDecoders) }, seeds: lightningSeeds),
    FuzzTarget(name: "gateway-api", run: { dispatch($0, gatewayAPIDecoders) }, seeds: gatewayAPISeeds),
]

private let lightningDecoders: [@Sendable ([UInt8]) -> Void] = [
    { bytes in
        checkCanonical(LightningInput.self, bytes)
        // What a guardian reads from an input before any state: its contract, amount and spend key.
        if let input = try? LightningInput(canonicalBytes: bytes) { _ = (input.contractID, input.amount) }
    },
    { bytes in
        checkCanonical(LightningOutput.self, bytes)
        if let output = try? LightningOutput(canonicalBytes: bytes) { _ = (output.contractID, output.amount) }
    },
    { checkCanonical(LightningOutputOutcome.self, $0) },
    { checkCanonical(LightningConsensusItem.self, $0) },
    { bytes in
        checkCanonical(OutgoingContract.self, bytes)
        if let contract = try? OutgoingContract(canonicalBytes: bytes) { _ = contract.cancellationMessage }
    },
    { bytes in
        checkCanonical(IncomingContract.self, bytes)
        // The pairing check guardians run before funding must answer, never trap, for any decoded ciphertext.
        if let contract = try? IncomingContract(canonicalBytes: bytes) { _ = contract.isValid }
    },
    { bytes in
        checkCanonical(SignedGatewayAnnouncement.self, bytes)
        // Clients check the signature and compute the fee of any amount with what a gateway announced.
        guard let signed = try? SignedGatewayAnnouncement(canonicalBytes: bytes) else { return }
        _ = signed.isValid
        _ = try? signed.announcement.fee(for: Amount(msats: 21_000_000 * Amount.msatsPerBitcoin))
    },
    { checkCanonical(PeerDecryptionShare.self, $0) },
    { checkCanonical(LightningFees.self, $0) },
]

/// Real contracts, items and an announcement, built from fixed keys (reproducible seeds).
private enum LightningSample {
    static let preimage = Preimage(bytes: [UInt8](repeating: 0x42, count: 32))!
    static let outgoing = try! OutgoingContract(
        paymentHash: preimage.paymentHash, amount: Amount(msats: 52_500), gatewayClaimKey: Samples.key(5).xOnlyPublicKey,
        userRefundKey: Samples.key(6).xOnlyPublicKey, timelock: 1_800_000_000)
    static let incoming = IncomingContract(
        terms: try! IncomingContract.Terms(
            paymentHash: preimage.paymentHash, amount: Amount(msats: 37_700), receiverClaimKey: Samples.key(7).xOnlyPublicKey,
            gatewayRefundKey: Samples.key(5).xOnlyPublicKey, expiration: 1_800_004_800),
        ciphertext: EncryptionSample.ciphertext)
    static let share = PeerDecryptionShare(peer: PeerID(2), share: EncryptionSample.share)
    static let announcement = try! GatewayAnnouncement(
        configID: Samples.hash("ln config"), gatewayKey: Samples.key(5).xOnlyPublicKey, nodeKey: Samples.key(8).publicKey,
        apiURL: "http://127.0.0.1:18200", baseFee: Amount(msats: 2_000), feePartsPerMillion: 10_000, ttl: 600,
        timestamp: 1_700_000_000
    ).signed(with: Samples.key(5))
}

@Sendable private func lightningSeeds() -> [[UInt8]] {
    let sample = LightningSample.self
    let inputs: [LightningInput] = [
        .outgoingClaim(sample.outgoing, preimage: sample.preimage),
        .outgoingRefund(sample.outgoing, cancellation: Samples.key(5).signSchnorr(message: sample.outgoing.cancellationMessage)),
        .outgoingRefund(sample.outgoing, cancellation: nil),
        .incomingClaim(sample.incoming, shares: [sample.share]), .incomingRefund(sample.incoming, shares: [sample.share]),
    ]
    var seeds = inputs.map { selected(0, $0.canonicalBytes) }
    seeds += [LightningOutput.outgoing(sample.outgoing), .incoming(sample.incoming)].map { selected(1, $0.canonicalBytes) }
    seeds += [LightningOutputOutcome.outgoingFunded(sample.outgoing.id), .incomingFunded(sample.incoming.id, share: EncryptionSample.share)]
        .map { selected(2, $0.canonicalBytes) }
    seeds.append(selected(3, LightningConsensusItem.timeVote(1_700_000_000).canonicalBytes))
    seeds.append(selected(4, sample.outgoing.canonicalBytes))
    seeds.append(selected(5, sample.incoming.canonicalBytes))
    seeds.append(selected(6, sample.announcement.canonicalBytes))
    seeds.append(selected(7, sample.share.canonicalBytes))
    seeds.append(selected(8, LightningFees(contractInput: Amount(msats: 10), contractOutput: Amount(msats: 20)).canonicalBytes))
    return seeds
}

/// A gateway's API body (``GatewayAPI``) as the gateway and clients decode it (``JSONConventions``): accepted JSON
/// re-encodes to a body that decodes to the same value, and the hex fields the gateway reads next (contracts,
/// invoices) decode without trapping.
private let gatewayAPIDecoders: [@Sendable ([UInt8]) -> Void] = [
    { bytes in
        guard let request = checkJSON(GatewayAPI.PayRequest.self, bytes) else { return }
        _ = Hex.decode(request.contract).flatMap { try? OutgoingContract(canonicalBytes: $0) }
        _ = try? SignedInvoice(request.invoice)
    },
    { bytes in
        guard let request = checkJSON(GatewayAPI.CreateInvoiceRequest.self, bytes) else { return }
        _ = Hex.decode(request.contract).flatMap { try? IncomingContract(canonicalBytes: $0) }
    },
    { _ = checkJSON(GatewayAPI.PayResponse.self, $0) },
    { _ = checkJSON(GatewayAPI.CreateInvoiceResponse.self, $0) },
    { _ = checkJSON(GatewayAPI.InfoResponse.self, $0) },
    { _ = checkJSON(GatewayAPI.ErrorResponse.self, $0) },
]

private func checkJSON<T: Codable & Equatable>(_: T.Type, _ bytes: [UInt8]) -> T? {
    guard let value = try? JSONConventions.decode(T.self, from: Data(bytes), what: "body") else { return nil }
    let encoded = try? JSONConventions.encoder().encode(value)
    let again = encoded.flatMap { try? JSONConventions.decode(T.self, from: $0, what: "body") }
    require(again == value, "\(T.self): decode(encode(x)) != x")
    return value
}

@Sendable private func gatewayAPISeeds() -> [[UInt8]] {
    let sample = LightningSample.self
    let federation = FederationID(Samples.hash("federation"))
    let invoice = try! Invoice(
        network: .regtest, amountMsat: 50_000, timestamp: 1_700_000_000, paymentHash: sample.preimage.paymentHash.bytes,
        paymentSecret: Array(repeating: 3, count: 32), description: "coffee"
    ).signed(by: SecretKey(rawValue: 8)).string
    let bodies: [(Int, any Encodable)] = [
        (0, GatewayAPI.PayRequest(federationId: federation, contract: Hex.encode(sample.outgoing.canonicalBytes), invoice: invoice)),
        (1, GatewayAPI.CreateInvoiceRequest(
            federationId: federation, contract: Hex.encode(sample.incoming.canonicalBytes), invoiceAmountMsat: 40_000,
            description: "for bob", expirySecs: 3_600)),
        (2, GatewayAPI.PayResponse.paid(sample.preimage)),
        (2, GatewayAPI.PayResponse.cancelled(Array(repeating: 9, count: 64))),
        (3, GatewayAPI.CreateInvoiceResponse(invoice: invoice)),
        (4, GatewayAPI.InfoResponse(
            nodePubkey: Hex.encode(Samples.key(8).publicKey.compressed), apiUrl: "http://127.0.0.1:18200",
            federations: [.init(
                federationId: federation, gatewayKey: Hex.encode(Samples.key(5).xOnlyPublicKey.rawRepresentation),
                baseFeeMsat: 2_000, feePpm: 10_000, minOutgoingTimelockSecs: 11_400, incomingExpirationMarginSecs: 1_200)])),
        (5, GatewayAPI.ErrorResponse(code: .badContract, message: "the contract's amount does not cover the fee")),
    ]
    return bodies.map { selector, body in selected(selector, Array(try! JSONConventions.encoder().encode(body))) }
}
