import FMBolt11
import FMClientCore
import FMCore
import FMLightningClient
import FMLightningCommon
import FMLightningRPC
import Foundation

/// Paying invoices for users (docs/lightning.md, "Gateway: pay"): check, then `paying` → `claiming` → `done`, or
/// `cancelled` on a definite Lightning failure (the user gets the cancellation and refunds at once). One row per
/// contract and one live row per payment hash, so a repeated request waits for the first and nothing pays twice.
extension Gateway {
    /// The public `pay` method.
    public func pay(_ request: GatewayAPI.PayRequest) async throws(GatewayAPI.ErrorResponse) -> GatewayAPI.PayResponse {
        let link = try link(request.federationId)
        let contract = try decodeOutgoing(request.contract)
        let known: PaymentRecord?
        do { known = try await store.read { db in try PaymentRecord.fetch(contract.id, in: db) } } catch { throw Self.unavailable(error) }
        if known == nil { try await checkAndRecord(contract, request: request, link: link) }
        // Wait for this contract's driver (started now, or already running after a restart or an earlier request).
        let task = inflight.start(contract.id) { [self] in await self.drivePayment(contract.id) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await task.value }
            group.addTask { [wait = configuration.payWait] in try? await Task.sleep(for: wait) }
            await group.next()
            group.cancelAll()
        }
        let record: PaymentRecord?
        do { record = try await store.read { db in try PaymentRecord.fetch(contract.id, in: db) } } catch { throw Self.unavailable(error) }
        guard let record else { throw GatewayAPI.ErrorResponse(code: .unavailable, message: "payment record vanished") }
        if let preimage = record.preimage, let image = Preimage(bytes: preimage) { return .paid(image) }
        if let cancellation = record.cancellation { return .cancelled(cancellation) }
        if record.state == .failed { throw GatewayAPI.ErrorResponse(code: .unavailable, message: record.failure ?? "payment failed") }
        throw GatewayAPI.ErrorResponse(code: .unavailable, message: "the Lightning payment is still in flight: ask again with the same contract")
    }

    func decodeOutgoing(_ hex: String) throws(GatewayAPI.ErrorResponse) -> OutgoingContract {
        guard let raw = Hex.decode(hex), let contract = try? OutgoingContract(canonicalBytes: raw) else {
            throw GatewayAPI.ErrorResponse(code: .invalidRequest, message: "contract: not the hex of a canonical outgoing contract")
        }
        return contract
    }

    static func unavailable(_ error: any Error) -> GatewayAPI.ErrorResponse {
        GatewayAPI.ErrorResponse(code: .unavailable, message: "\(error)")
    }

    static func bad(_ message: String) -> GatewayAPI.ErrorResponse { GatewayAPI.ErrorResponse(code: .badContract, message: message) }

    /// Every check before the first Lightning message, cheap ones first; then the payment row (state `paying`).
    func checkAndRecord(_ contract: OutgoingContract, request: GatewayAPI.PayRequest, link: FederationLink) async throws(GatewayAPI.ErrorResponse) {
        guard contract.gatewayClaimKey == link.ln.gatewayKey.xOnlyPublicKey else {
            throw Self.bad("contract: gateway_claim_key is not this gateway's key for the federation")
        }
        let invoice: SignedInvoice
        do { invoice = try SignedInvoice(request.invoice) } catch {
            throw GatewayAPI.ErrorResponse(code: .invalidRequest, message: "invoice: \(error)")
        }
        guard Hash256(bytes: invoice.invoice.paymentHash) == contract.paymentHash else {
            throw Self.bad("contract: payment_hash is not the invoice's")
        }
        guard let invoiceMsat = invoice.invoice.amountMsat, invoiceMsat > 0 else {
            throw GatewayAPI.ErrorResponse(code: .invalidRequest, message: "invoice: names no amount")
        }
        let now = UInt64(Date().timeIntervalSince1970)
        guard !invoice.invoice.isExpired(at: now) else { throw GatewayAPI.ErrorResponse(code: .invalidRequest, message: "invoice: expired") }
        let invoiceAmount = Amount(msats: invoiceMsat)
        let inputFee = link.ln.config.fees.contractInput
        let fee: Amount
        let needed: Amount
        do {
            fee = try await self.fee(for: invoiceAmount)
            needed = try invoiceAmount.adding(fee)
        } catch { throw Self.bad("contract: amount overflows with the fee") }
        guard contract.amount >= needed else {
            throw Self.bad("contract: amount \(contract.amount.msats) msat < invoice \(invoiceMsat) msat + fee \(fee.msats) msat")
        }
        // What the gateway may spend on routing: whatever the contract brings beyond the invoice and the claim's fee.
        let spare = contract.amount.msats - invoiceMsat
        guard spare >= inputFee.msats else { throw Self.bad("contract: amount does not cover the federation's claim fee") }
        let maxLightningFee = spare - inputFee.msats
        // A contract the guardians just said was unfunded is refused without asking again (a client repeating `pay`).
        guard !recentlyUnfunded.contains(contract.id) else {
            throw GatewayAPI.ErrorResponse(code: .contractNotFunded, message: "contract \(contract.id.hex) is not funded (checked moments ago)")
        }
        let consensusTime: UInt64
        do { consensusTime = try await link.ln.consensusTime() } catch { throw Self.unavailable(error) }
        let needSecs = GatewayAPI.outgoingTimelockSecs(minFinalCLTV: invoice.invoice.minFinalCLTVExpiry)
        guard contract.timelock > consensusTime, contract.timelock - consensusTime >= needSecs else {
            throw Self.bad("contract: timelock \(contract.timelock) is less than \(needSecs) s after consensus time \(consensusTime)")
        }
        let state: LightningAPI.ContractResult
        do { state = try await link.ln.contractState(contract.id) } catch {
            // t guardians said there is no such contract (not an unreachable federation): remembered as unfunded.
            if case .rejected? = error as? FederationQueryError { recentlyUnfunded.remember(contract.id) }
            throw GatewayAPI.ErrorResponse(code: .contractNotFunded, message: "contract \(contract.id.hex) is not funded: \(error)")
        }
        guard state.state == .funded, state.amountMsat == contract.amount.msats else {
            recentlyUnfunded.remember(contract.id)
            throw GatewayAPI.ErrorResponse(code: .contractNotFunded, message: "contract \(contract.id.hex) is \(state.state.rawValue)")
        }
        let record = PaymentRecord(
            contractID: contract.id, federationID: link.id.description, paymentHash: contract.paymentHash, contract: contract.canonicalBytes,
            invoice: request.invoice, invoiceAmount: invoiceMsat, maxLightningFee: maxLightningFee)
        do {
            _ = try await store.write { db in try PaymentRecord.insert(record, in: db) }
        } catch let error as GatewayStoreError {
            throw Self.bad("\(error)")
        } catch { throw Self.unavailable(error) }
    }

    /// Drives payment `id` until it is done, cancelled or failed; a step that made no progress (a payment still
    /// pending in the node after a restart) is asked again after a ``PollBackoff`` pause, one that failed (node or
    /// federation unreachable) after 2 s. Runs in the contract's one task (``InflightTasks``).
    func drivePayment(_ id: Hash256) async {
        var backoff = PollBackoff(cap: .milliseconds(500))
        while !Task.isCancelled {
            do {
                guard var record = try await store.read({ db in try PaymentRecord.fetch(id, in: db) }) else { return }
                let before = record
                switch record.state {
                case .done, .cancelled, .failed: return
                case .paying: try await stepPaying(&record)
                case .claiming: try await stepClaiming(&record)
                }
                guard record != before else {
                    try await backoff.pause()
                    continue
                }
                backoff.reset()
                let next = record
                try await store.write { db in try next.update(in: db) }
            } catch {
                logger.warning("payment \(id.hex): \(error); retrying")
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }

    /// `paying`: ask the node what it knows of the hash first (a restart may have left a payment in flight), and only
    /// send when it knows none; a definite failure with nothing pending cancels.
    private func stepPaying(_ record: inout PaymentRecord) async throws {
        let hash = record.paymentHash.hex
        let pays = try await node.call(ListpaysRequest(payment_hash: hash)).pays
        if let complete = pays.first(where: { $0.status == .complete }) {
            return try paid(&record, preimageHex: complete.preimage, sent: complete.amount_sent_msat)
        }
        if pays.contains(where: { $0.status == .pending }) { return }  // unchanged: asked again after a pause
        if record.paySent, !pays.isEmpty {
            // This row's payment was sent and every attempt failed (before a restart could record it): definite.
            return try cancel(&record, reason: "the Lightning payment failed")
        }
        if !record.paySent {
            // Committed before the node hears of it: a restart then knows the failed attempts are this row's.
            record.paySent = true
            let sent = record
            try await store.write { db in try sent.update(in: db) }
        }
        do {
            let contract = try OutgoingContract(canonicalBytes: record.contract)
            let link = try link(FederationID(parsingHex: record.federationID))
            let consensusTime = try await link.ln.consensusTime()
            guard contract.timelock > consensusTime, contract.timelock - consensusTime > GatewayAPI.claimMarginSecs else {
                return try cancel(&record, reason: "too close to the timelock to pay")
            }
            let maxDelay = min((contract.timelock - consensusTime - GatewayAPI.claimMarginSecs) / GatewayAPI.secondsPerBlock, UInt64(UInt32.max))
            let result = try await node.call(
                PayRequest(bolt11: record.invoice, retry_for: 60, maxdelay: UInt32(maxDelay), maxfee: record.maxLightningFee),
                timeout: .seconds(90))
            try paid(&record, preimageHex: result.payment_preimage, sent: result.amount_sent_msat)
        } catch let error as LightningRPCError {
            guard case .server = error, let code = error.clnCode, Self.definiteFailures.contains(code) else { throw error }
            // Definite only when nothing of it is still in flight (the next pass looks again).
            let again = try await node.call(ListpaysRequest(payment_hash: hash)).pays
            if let complete = again.first(where: { $0.status == .complete }) {
                return try paid(&record, preimageHex: complete.preimage, sent: complete.amount_sent_msat)
            }
            guard !again.contains(where: { $0.status == .pending }) else { return }
            try cancel(&record, reason: "\(error)")
        }
    }

    static let definiteFailures: Set<CLNErrorCode> = [
        .payDestinationPermFail, .payRouteNotFound, .payRouteTooExpensive, .payInvoiceExpired, .payStoppedRetrying,
        .payUnspecifiedError, .payInsufficientFunds, .payUnreachable,
    ]

    private func paid(_ record: inout PaymentRecord, preimageHex: String?, sent: UInt64?) throws {
        // The node's word is checked: only a preimage of the hash can claim.
        guard let bytes = preimageHex.flatMap(Hex.decode), let preimage = Preimage(bytes: bytes), preimage.paymentHash == record.paymentHash
        else { throw GatewayError.lightning("the node reported a payment of \(record.paymentHash.hex) without its preimage") }
        record.preimage = preimage.bytes
        record.lightningFee = sent.map { $0 >= record.invoiceAmount ? $0 - record.invoiceAmount : 0 }
        record.state = .claiming
        logger.info("paid \(record.paymentHash.hex); claiming contract \(record.contractID.hex)")
    }

    private func cancel(_ record: inout PaymentRecord, reason: String) throws {
        let contract = try OutgoingContract(canonicalBytes: record.contract)
        let link = try link(FederationID(parsingHex: record.federationID))
        record.cancellation = link.operations.cancellation(of: contract).rawRepresentation
        record.failure = reason
        record.state = .cancelled
        logger.info("payment of \(record.paymentHash.hex) failed (\(reason)); cancelled contract \(record.contractID.hex)")
    }

    /// `claiming`: the contract in, fresh notes out (one transaction, under an id derived from the contract).
    private func stepClaiming(_ record: inout PaymentRecord) async throws {
        let contract = try OutgoingContract(canonicalBytes: record.contract)
        let link = try link(FederationID(parsingHex: record.federationID))
        guard let preimage = record.preimage.flatMap({ Preimage(bytes: $0) }) else { throw GatewayStoreError.corrupt("claiming payment without preimage") }
        let operation = try await link.operations.claimOutgoing(contract, preimage: preimage)
        let outcome = try await link.mint.await(operation)
        switch outcome.status {
        case .succeeded: record.state = .done
        case .failed:
            record.state = .failed
            record.failure = "the federation refused the claim: \(outcome.failure ?? "rejected")"
            logger.error("claim of contract \(contract.id.hex) refused: \(outcome.failure ?? "")")
        case .running: break  // unchanged: asked again after a pause
        }
    }
}

extension FederationID {
    init(parsingHex text: String) throws {
        guard let hash = Hash256(hex: text) else { throw GatewayStoreError.corrupt("federation id \(text)") }
        self.init(hash)
    }
}
