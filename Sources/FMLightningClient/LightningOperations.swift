import FMBolt11
import FMClientCore
import FMCore
import FMEncoding
import FMLightningCommon
import FMMintClient
import FMSecp256k1
import Foundation

/// Lightning payments for one federation client: the Lightning module with the mint module, whose notes fund the
/// contracts and receive the refunds and claims. The API fm-ln-pay (user) and fm-gateway (gateway) are built on.
public struct LightningOperations: Sendable {
    public let ln: LightningClientModule
    public let mint: MintClientModule
    /// The longest pause of the polls that remain (``PollBackoff``'s cap; they start at 10 ms). Waiting for a
    /// receive's funding is a long poll and does not use it unless the guardians answer at once.
    public let pollInterval: Duration
    /// How the user's side reaches gateways (HTTP in the commands; an in-process gateway in tests).
    public let gatewayConnection: any GatewayConnection
    /// Local unix seconds (the gateway backoff; never a verdict on a contract, which is consensus time's).
    let clock: @Sendable () -> UInt64

    public init(
        ln: LightningClientModule, mint: MintClientModule, pollInterval: Duration = .milliseconds(500),
        gateway: any GatewayConnection = HTTPGatewayConnection(),
        clock: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }
    ) {
        self.ln = ln
        self.mint = mint
        self.pollInterval = pollInterval
        self.gatewayConnection = gateway
        self.clock = clock
    }

    var executor: OperationExecutor { ln.executor }
    func environment(wait: Bool = true) -> LightningPay.Environment {
        LightningPay.Environment(ln: ln, mint: mint, pollInterval: pollInterval, gateway: gatewayConnection, wait: wait, now: clock)
    }

    // MARK: Gateways

    /// The gateways announced to this federation: the union of what the guardians hold, each announcement checked
    /// here (signature, this federation, not expired at `now`), the newest per gateway key.
    public func gateways(now: UInt64 = UInt64(Date().timeIntervalSince1970)) async throws -> [SignedGatewayAnnouncement] {
        let configID = ln.config.configID
        let answers = try await ln.api.verifiedAnswers(
            "\(LightningClientModule.kind)/\(LightningAPI.gateways)", params: [String: String](),
            as: LightningAPI.GatewaysResult.self
        ) { _, result in result.gateways.allSatisfy { Hex.decode($0) != nil } }
        var newest: [XOnlyPublicKey: SignedGatewayAnnouncement] = [:]
        for text in answers.valid.values.flatMap(\.gateways) {
            guard let raw = Hex.decode(text), let signed = try? SignedGatewayAnnouncement(canonicalBytes: raw), signed.isValid,
                signed.announcement.configID == configID, signed.announcement.expiresAt > now
            else { continue }
            if let known = newest[signed.announcement.gatewayKey], known.announcement.timestamp >= signed.announcement.timestamp {
                continue
            }
            newest[signed.announcement.gatewayKey] = signed
        }
        return newest.values.sorted { $0.announcement.gatewayKey.rawRepresentation.lexicographicallyPrecedes($1.announcement.gatewayKey.rawRepresentation) }
    }

    // MARK: Paying (the user)

    /// Pays `invoice` through `gateway`: funds an outgoing contract for the invoice amount plus the gateway's fee,
    /// refundable after `timelockDelta` seconds of consensus time, and returns the payment's operation (driven by
    /// ``await(_:)``) with the contract the gateway must be shown. `checkGatewayMargin: false` funds a timelock shorter
    /// than fm-gateway's margin for the invoice's final CLTV (for a gateway with other margins: if it refuses, the
    /// money comes back at the timelock).
    public func pay(
        _ invoice: SignedInvoice, gateway: SignedGatewayAnnouncement, maxFee: Amount? = nil, timelockDelta: UInt64 = 24 * 3600,
        checkGatewayMargin: Bool = true, now: UInt64 = UInt64(Date().timeIntervalSince1970)
    ) async throws -> (operation: OperationID, contract: OutgoingContract) {
        guard let msats = invoice.invoice.amountMsat else { throw LightningClientError.invoiceWithoutAmount }
        guard !invoice.invoice.isExpired(at: now) else {
            throw LightningClientError.invoiceExpired(expiresAt: invoice.invoice.expiresAt, now: now)
        }
        // A gateway this client cannot call would leave the money locked until the timelock: refused first.
        guard HTTPGatewayConnection.isCallable(gateway.announcement.apiURL) else {
            throw GatewayCallError.badURL(gateway.announcement.apiURL)
        }
        let amount = Amount(msats: msats)
        let fee = try gateway.announcement.fee(for: amount)
        if let maxFee, fee > maxFee { throw LightningClientError.feeTooHigh(fee: fee, max: maxFee) }
        guard let paymentHash = Hash256(bytes: invoice.invoice.paymentHash) else {
            throw LightningClientError.malformedAnswer("payment hash")
        }
        // The gateway refuses a contract whose timelock leaves no room for the invoice's final CLTV (without a
        // cancellation): refused here before any money moves (review 3).
        let delta = min(timelockDelta, ln.config.maxTimelockDelta)
        let neededSecs = GatewayAPI.outgoingTimelockSecs(minFinalCLTV: invoice.invoice.minFinalCLTVExpiry)
        guard delta >= neededSecs || !checkGatewayMargin else {
            throw LightningClientError.finalCLTVTooLong(
                minFinalCLTV: invoice.invoice.minFinalCLTVExpiry, neededSecs: neededSecs, timelockSecs: delta)
        }
        let consensusTime = try await ln.consensusTime()
        let (timelock, overflow) = consensusTime.addingReportingOverflow(delta)
        guard !overflow else { throw LightningError.invalidContract("timelock overflows") }
        let instance = ln.instance
        let index = try await ln.context.database.write { db in
            try DerivationIndices.reserve(module: instance, purpose: LightningClientModule.refundPurpose, in: db)
        }
        let contract = try OutgoingContract(
            paymentHash: paymentHash, amount: try amount.adding(fee), gatewayClaimKey: gateway.announcement.gatewayKey,
            userRefundKey: ln.refundKey(index: index).xOnlyPublicKey, timelock: timelock)
        let id = try await fund(
            contract, refundIndex: index, invoiceAmount: amount, invoice: invoice.string, gatewayApiUrl: gateway.announcement.apiURL)
        return (id, contract)
    }

    /// Funds `contract` with notes, records its payment operation (idempotent per contract) and drives the funding
    /// transaction until the federation accepted or refused it.
    func fund(
        _ contract: OutgoingContract, refundIndex: UInt64, invoiceAmount: Amount, invoice: String, gatewayApiUrl: String
    ) async throws -> OperationID {
        let id = LightningPay.operationID(for: contract)
        if try await executor.log.record(id) != nil { return id }
        let funding = LightningPay.fundingOperationID(for: contract)
        let output = ClientOutput(
            item: ModuleItem(module: ln.instance, encoding: LightningOutput.outgoing(contract)), amount: contract.amount,
            fee: ln.config.fees.contractOutput)
        _ = try await mint.fund([output], operation: funding)
        try await executor.log.database.write { db in
            try OperationLog.insert(
                LightningPay(
                    contract: contract, refundIndex: refundIndex, fundingOperation: funding, invoiceAmount: invoiceAmount,
                    invoice: invoice, gatewayApiUrl: gatewayApiUrl),
                id: id, in: db)
        }
        // Submit the funding now, so the contract is funded (or refused) before the gateway is asked to pay; the
        // payment operation reads the funding's outcome from the mint operation.
        _ = try await mint.await(funding)
        return id
    }

    /// Drives payment or receive `id` to its end: paid (with the preimage) or refunded; received or expired.
    public func await(_ id: OperationID) async throws -> OperationRecord {
        try await drive(id, wait: true)
    }

    /// Drives operation `id`; without `wait` it stops where only waiting is left and returns the running record.
    func drive(_ id: OperationID, wait: Bool) async throws -> OperationRecord {
        guard let record = try await executor.log.record(id) else { throw OperationError.unknown(id) }
        let environment = environment(wait: wait)
        do {
            switch record.kind {
            case LightningPay.kind: return try await executor.drive(LightningPay.self, id: id, environment: environment)
            case LightningReceive.kind: return try await executor.drive(LightningReceive.self, id: id, environment: environment)
            default: throw OperationError.unsupportedKind(record.kind)
            }
        } catch is LightningStillWaiting {
            guard let record = try await executor.log.record(id) else { throw OperationError.unknown(id) }
            return record
        }
    }

    /// Moves every unfinished Lightning operation on as far as it goes without waiting (what every fm-ln-pay command
    /// does first): a due refund is started, a funded incoming contract claimed, an answer of the gateway recorded.
    /// Returns each operation's record, or why it could not move now.
    public func resumeAll() async throws -> [(id: OperationID, outcome: Result<OperationRecord, any Error>)] {
        var outcomes: [(OperationID, Result<OperationRecord, any Error>)] = []
        for record in try await executor.log.running() where LightningClientModule.operationKinds.contains(record.kind) {
            do { outcomes.append((record.id, .success(try await drive(record.id, wait: false)))) }
            catch { outcomes.append((record.id, .failure(error))) }
        }
        return outcomes
    }

    /// Operation `id`'s record as it stands.
    public func status(_ id: OperationID) async throws -> OperationRecord {
        guard let record = try await executor.log.record(id) else { throw OperationError.unknown(id) }
        return record
    }

    /// The Lightning operations of this client, newest first.
    public func list() async throws -> [OperationRecord] {
        try await executor.log.list().filter { LightningClientModule.operationKinds.contains($0.kind) }
    }

    /// Records the gateway's cancellation of payment `id`'s contract, so that the next ``await(_:)`` refunds at once.
    public func cancelled(_ id: OperationID, signature: SchnorrSignature) async throws {
        try await executor.log.database.write { db in
            guard var state = try OperationLog.state(id, as: LightningPay.self, in: db) else {
                throw LightningClientError.notAPayment(id)
            }
            let contract = try state.decodedContract()
            guard contract.gatewayClaimKey.isValidSchnorrSignature(signature, for: contract.cancellationMessage) else {
                throw LightningClientError.invalidCancellation
            }
            guard state.phase == .funding || state.phase == .awaitingOutcome else { return }
            state.cancellation = Hex.encode(signature.rawRepresentation)
            try OperationLog.replaceState(id, with: state, in: db)
        }
    }

    // MARK: The gateway's side

    /// Signs `announcement` fields with this client's gateway key and posts it to every guardian; returns how many
    /// accepted it (at least t, or this throws).
    public func announce(
        nodeKey: PublicKey, apiURL: String, baseFee: Amount, feePartsPerMillion: UInt64, ttl: UInt64,
        now: UInt64 = UInt64(Date().timeIntervalSince1970)
    ) async throws -> SignedGatewayAnnouncement {
        let key = ln.gatewayKey
        let signed = try GatewayAnnouncement(
            configID: ln.config.configID, gatewayKey: key.xOnlyPublicKey, nodeKey: nodeKey, apiURL: apiURL, baseFee: baseFee,
            feePartsPerMillion: feePartsPerMillion, ttl: ttl, timestamp: now
        ).signed(with: key)
        _ = try await ln.api.validAnswers(
            "\(LightningClientModule.kind)/\(LightningAPI.announceGateway)",
            params: LightningAPI.AnnounceParams(announcement: Hex.encode(signed.canonicalBytes)),
            as: LightningAPI.AnnounceResult.self
        ) { _, _ in true }
        return signed
    }

    /// Takes a funded outgoing contract with the preimage the gateway learned by paying its invoice: a transaction
    /// of the contract in and fresh notes out (idempotent per contract). Returns the mint operation.
    public func claimOutgoing(_ contract: OutgoingContract, preimage: Preimage) async throws -> OperationID {
        let input = ClientInput(
            item: ModuleItem(module: ln.instance, encoding: LightningInput.outgoingClaim(contract, preimage: preimage)),
            amount: contract.amount, fee: ln.config.fees.contractInput, spendKey: ln.gatewayKey)
        return try await mint.issueNotes(
            from: [input], operation: OperationID(Hash256.sha256(contract.id.bytes + Array("fm/ln/claim".utf8))))
    }

    /// The gateway's signature giving up `contract`, for its user to refund at once (a payment that failed).
    public func cancellation(of contract: OutgoingContract) -> SchnorrSignature {
        ln.gatewayKey.signSchnorr(message: contract.cancellationMessage)
    }

    // MARK: Recovery

    /// ``LightningClientModule/recoverContracts(gapLimit:)``: finds this mnemonic's contracts again.
    public func recover(gapLimit: UInt64 = 20) async throws -> (contracts: Int, fundedMsat: UInt64) {
        try await ln.recoverContracts(gapLimit: gapLimit)
    }
}
