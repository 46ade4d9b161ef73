import FMClientCore
import FMCore
import FMEncoding
import FMLightningCommon
import FMSecp256k1
import Foundation

extension LightningOperations {
    /// The gateway to use: the one whose key (hex) starts with `id`, or else the cheapest for `amount`.
    public func chooseGateway(_ id: String?, for amount: Amount) async throws -> SignedGatewayAnnouncement {
        let gateways = try await gateways(now: clock())
        if let id {
            let matches = gateways.filter { Hex.encode($0.announcement.gatewayKey.rawRepresentation).hasPrefix(id.lowercased()) }
            guard matches.count == 1, !id.isEmpty else { throw LightningClientError.unknownGateway(id, matches: matches.count) }
            return matches[0]
        }
        let priced = gateways.compactMap { gateway in (try? gateway.announcement.fee(for: amount)).map { (gateway, $0) } }
        guard let cheapest = priced.min(by: { $0.1 < $1.1 }) else { throw LightningClientError.noGateway }
        return cheapest.0
    }

    /// Receives `amount` over Lightning through `gateway`: fixes an incoming contract for amount − the gateway's fee
    /// (preimage and claim key derived from the mnemonic at the next index), commits its operation, and asks the
    /// gateway for the invoice payers pay. Returns the operation (``await(_:)`` waits for the notes) and the invoice.
    ///
    /// The contract's expiration is consensus time + `expirySecs` + the margin the gateway asks (its `info`), so the
    /// gateway can fund it for as long as the invoice can be paid. A fee above `maxFee` is refused before anything is
    /// sent (the receiver gets the invoice amount less the fee).
    public func receive(
        _ amount: Amount, description: String = "", expirySecs: UInt64 = 3600, gateway: SignedGatewayAnnouncement,
        maxFee: Amount? = nil
    ) async throws -> (operation: OperationID, invoice: String) {
        let announced = gateway.announcement
        let info = try await gatewayConnection.info(apiURL: announced.apiURL)
        let federationID = ln.context.federation.federationId
        // The URL answers for the announced key (else its invoices would fund contracts refundable to someone else).
        guard let terms = info.federations.first(where: { $0.federationId == federationID }),
            terms.gatewayKey.lowercased() == Hex.encode(announced.gatewayKey.rawRepresentation)
        else { throw LightningClientError.gatewayMismatch(announced.apiURL) }
        let fee = try announced.fee(for: amount)
        if let maxFee, fee > maxFee { throw LightningClientError.feeTooHigh(fee: fee, max: maxFee) }
        guard fee < amount else { throw LightningClientError.amountBelowFee(amount: amount, fee: fee) }
        let now = try await ln.consensusTime()
        let (window, overflow1) = expirySecs.addingReportingOverflow(terms.incomingExpirationMarginSecs)
        let (expiration, overflow2) = now.addingReportingOverflow(window)
        guard !overflow1, !overflow2, expiration <= LightningBounds.maxTimestamp else {
            throw LightningError.invalidContract("expiration overflows (expiry \(expirySecs) s)")
        }
        let instance = ln.instance
        let index = try await ln.context.database.write { db in
            try DerivationIndices.reserve(module: instance, purpose: LightningClientModule.receivePurpose, in: db)
        }
        let preimage = ln.receivePreimage(index: index)
        let contractTerms = try IncomingContract.Terms(
            paymentHash: preimage.paymentHash, amount: try amount.subtracting(fee),
            receiverClaimKey: ln.receiveKey(index: index).xOnlyPublicKey, gatewayRefundKey: announced.gatewayKey,
            expiration: expiration)
        let contract = IncomingContract(terms: contractTerms, preimage: preimage, encryptionKey: try ln.config.encryptionKey)
        let id = LightningReceive.operationID(for: contract)
        let machine = LightningReceive(
            contract: contract, claimIndex: index, invoiceAmount: amount, description: description, expirySecs: expirySecs,
            gatewayApiUrl: announced.apiURL)
        try await executor.log.database.write { db in try OperationLog.insert(machine, id: id, in: db) }
        let record = try await drive(id, wait: false)
        let state = try record.state.decode(LightningReceive.self)
        guard let invoice = state.invoice else {
            throw LightningClientError.receiveFailed(state.failure ?? "the gateway gave no invoice")
        }
        return (id, invoice)
    }
}
