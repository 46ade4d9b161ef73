import FMClientCore
import FMCore
import FMCrypto
import FMLightningClient
import FMLightningCommon
import FMLightningRPC
import FMEncoding
import FMMintClient
import FMMintCommon
import FMRPC
import Foundation

/// Receiving for users (docs/lightning.md, "Gateway: receive"): a hold invoice by payment hash on the gateway's
/// node; once its HTLC is held the gateway funds the incoming contract with its own notes, fetches t decryption
/// shares (naming guardians whose shares are bad), and settles the HTLC with the preimage, or — when the plaintext
/// is not a preimage of the hash — fails the HTLC and refunds the contract. Persisted: `creating` → `open` →
/// `funding` → `decrypting` → `settling` | `refunding` → `cancelling` → `done`.
extension Gateway {
    /// The public `create_invoice` method, asked by `client`.
    public func createInvoice(_ request: GatewayAPI.CreateInvoiceRequest, client: ClientAddress) async throws(GatewayAPI.ErrorResponse) -> GatewayAPI.CreateInvoiceResponse {
        let link = try link(request.federationId)
        guard let raw = Hex.decode(request.contract), let contract = try? IncomingContract(canonicalBytes: raw) else {
            throw GatewayAPI.ErrorResponse(code: .invalidRequest, message: "contract: not the hex of a canonical incoming contract")
        }
        guard contract.terms.gatewayRefundKey == link.ln.gatewayKey.xOnlyPublicKey else {
            throw Self.bad("contract: gateway_refund_key is not this gateway's key for the federation")
        }
        guard Margins.invoiceExpiry.contains(request.expirySecs) else {
            throw GatewayAPI.ErrorResponse(
                code: .invalidRequest, message: "expiry_secs: \(Margins.invoiceExpiry.lowerBound) to \(Margins.invoiceExpiry.upperBound)")
        }
        guard request.invoiceAmountMsat > 0, request.invoiceAmountMsat <= LightningBounds.maxAmount.msats else {
            throw GatewayAPI.ErrorResponse(code: .invalidRequest, message: "invoice_amount_msat: 1 msat to 21 million BTC")
        }
        guard request.description.utf8.count <= 639 else {
            throw GatewayAPI.ErrorResponse(code: .invalidRequest, message: "description: at most 639 bytes")
        }
        let fee: Amount
        do { fee = try await self.fee(for: Amount(msats: request.invoiceAmountMsat)) } catch { throw Self.unavailable(error) }
        guard request.invoiceAmountMsat > fee.msats, contract.amount.msats == request.invoiceAmountMsat - fee.msats else {
            throw Self.bad("contract: amount \(contract.amount.msats) msat ≠ invoice \(request.invoiceAmountMsat) msat − fee \(fee.msats) msat")
        }
        guard contract.isValid else { throw Self.bad("contract: the ciphertext is not valid for its terms") }
        let consensusTime: UInt64
        do { consensusTime = try await link.ln.consensusTime() } catch { throw Self.unavailable(error) }
        let now = UInt64(Date().timeIntervalSince1970)
        guard let expirySecs = Margins.invoiceExpiry(
            requested: request.expirySecs, contractExpiration: contract.terms.expiration, consensusTime: consensusTime)
        else {
            let needed = consensusTime + request.expirySecs + Margins.incomingExpirationSecs
            throw Self.bad("contract: expiration \(contract.terms.expiration) is before \(needed) (invoice expiry + \(Margins.incomingExpirationSecs) s)")
        }
        var record = ReceiveRecord(
            contractID: contract.id, federationID: link.id.description, paymentHash: contract.terms.paymentHash, contract: raw,
            invoiceAmount: request.invoiceAmountMsat, invoiceExpiresAt: now + expirySecs, client: client)
        do {
            try await store.write { [record, limits = configuration.limits] db in
                try ReceiveRecord.insert(record, openPerClient: limits.openInvoicesPerClient, openPerNetwork: limits.openInvoicesPerNetwork, in: db)
            }
        } catch GatewayStoreError.tooManyOpen {
            throw GatewayAPI.ErrorResponse(code: .unavailable, message: "\(GatewayStoreError.tooManyOpen)")
        } catch let error as GatewayStoreError where error.isClientLimit {
            throw GatewayAPI.ErrorResponse(code: .rateLimited, message: "\(error)")
        } catch let error as GatewayStoreError { throw Self.bad("\(error)") } catch { throw Self.unavailable(error) }
        do {
            let created = try await node.call(HoldinvoiceRequest(
                amount_msat: request.invoiceAmountMsat, label: nil, description: request.description, expiry: expirySecs,
                cltv: Margins.holdInvoiceCLTV, payment_hash: contract.terms.paymentHash.hex))
            record.invoice = created.bolt11
            record.state = .open
        } catch {
            record.state = .done
            record.outcome = "failed"
            record.failure = "holdinvoice: \(error)"
        }
        do { try await store.write { [record] db in try record.update(in: db) } } catch { throw Self.unavailable(error) }
        guard let invoice = record.invoice else { throw Self.unavailable(GatewayError.lightning(record.failure ?? "holdinvoice failed")) }
        inflight.start(contract.id) { [self] in await self.driveReceive(contract.id) }
        return GatewayAPI.CreateInvoiceResponse(invoice: invoice)
    }

    /// Drives receive `id` until `done`; a step that made no progress is asked again after a ``PollBackoff`` pause
    /// (an open hold invoice: the holdinvoice plugin has no call that blocks until an HTLC is held), one that
    /// failed after a second.
    func driveReceive(_ id: Hash256) async {
        let started = ContinuousClock.now
        var backoff = PollBackoff(cap: Self.receivePollCap)
        while !Task.isCancelled {
            do {
                guard var record = try await store.read({ db in try ReceiveRecord.fetch(id, in: db) }) else { return }
                let before = record
                switch record.state {
                case .done: return
                case .creating: try await stepCreating(&record)
                case .open: try await stepOpen(&record)
                case .funding: try await stepFunding(&record)
                case .decrypting: try await stepDecrypting(&record)
                case .settling: try await stepSettling(&record)
                case .refunding: try await stepRefunding(&record)
                case .cancelling: try await stepCancelling(&record)
                }
                if record != before {
                    let next = record
                    try await store.write { db in try next.update(in: db) }
                    backoff.reset()
                } else {
                    // Payers usually pay within a minute of the invoice; after that, fewer lookups per open invoice.
                    if ContinuousClock.now - started > Self.receiveFastPollWindow { backoff.cap = Self.receiveSlowPollCap }
                    try await backoff.pause()
                }
            } catch {
                logger.warning("receive \(id.hex): \(error); retrying")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// The longest pause between `holdinvoicelookup`s of an invoice in its first ``receiveFastPollWindow``, and after.
    static let receivePollCap: Duration = .milliseconds(100)
    static let receiveSlowPollCap: Duration = .seconds(1)
    static let receiveFastPollWindow: Duration = .seconds(60)

    private func context(_ record: ReceiveRecord) throws -> (FederationLink, IncomingContract) {
        (try link(FederationID(parsingHex: record.federationID)), try IncomingContract(canonicalBytes: record.contract))
    }

    /// A restart between the row and the hold invoice: the node knows the hash (go on) or not (nothing to do).
    private func stepCreating(_ record: inout ReceiveRecord) async throws {
        do {
            _ = try await node.call(HoldinvoicelookupRequest(payment_hash: record.paymentHash.hex))
            record.state = .open
        } catch let error as LightningRPCError where error.clnCode == .invalidParams {
            record.state = .done
            record.outcome = "failed"
            record.failure = "the hold invoice was never created"
        }
    }

    /// `open`: wait for the HTLC. Held → fund (or cancel when too close to its expiry); never paid → cancel at expiry.
    private func stepOpen(_ record: inout ReceiveRecord) async throws {
        let lookup = try await node.call(HoldinvoicelookupRequest(payment_hash: record.paymentHash.hex))
        switch lookup.state {
        case .OPEN:
            if UInt64(Date().timeIntervalSince1970) > record.invoiceExpiresAt {
                record.state = .cancelling
                record.outcome = "expired"
            }
        case .ACCEPTED:
            record.htlcExpiry = lookup.htlc_expiry.map(UInt64.init)
            let (link, contract) = try context(record)
            // A funding started before a restart goes on whatever the HTLC's expiry (cancelling now would lose it).
            if try await link.client.operations.record(Self.fundingOperation(contract)) != nil {
                record.state = .funding
                return
            }
            if try await htlcTooClose(record) {
                record.state = .cancelling
                record.outcome = "cancelled"
                record.failure = "the HTLC is too close to its expiry to fund the contract"
                return
            }
            let output = ClientOutput(
                item: ModuleItem(module: link.ln.instance, encoding: LightningOutput.incoming(contract)), amount: contract.amount,
                fee: link.ln.config.fees.contractOutput)
            do {
                _ = try await link.mint.fund([output], operation: Self.fundingOperation(contract))
                record.state = .funding
            } catch let error as MintError {
                // Not enough e-cash: the HTLC cannot be paid for, so it goes back at once.
                record.state = .cancelling
                record.outcome = "cancelled"
                record.failure = "cannot fund the contract: \(error)"
            }
        case .SETTLED:
            record.state = .done
            record.outcome = "settled"
        case .CANCELED:
            record.state = .done
            record.outcome = record.outcome ?? "cancelled"
        }
    }

    static func fundingOperation(_ contract: IncomingContract) -> OperationID {
        OperationID(Hash256.sha256(contract.id.bytes + Array("fm/gateway/fund-incoming".utf8)))
    }

    private func htlcTooClose(_ record: ReceiveRecord) async throws -> Bool {
        guard let expiry = record.htlcExpiry else { return false }
        let height = UInt64(try await node.call(GetinfoRequest()).blockheight)
        return height + Margins.htlcCancelBlocks >= expiry
    }

    /// `funding`: the funding transaction's outcome. Refused → the HTLC goes back.
    private func stepFunding(_ record: inout ReceiveRecord) async throws {
        let (link, contract) = try context(record)
        let outcome = try await link.mint.await(Self.fundingOperation(contract))
        switch outcome.status {
        case .succeeded: record.state = .decrypting
        case .failed:
            record.state = .cancelling
            record.outcome = "cancelled"
            record.failure = "the federation refused the funding: \(outcome.failure ?? "rejected")"
        case .running: break
        }
    }

    /// `decrypting`: every guardian's share, each checked (bad ones named and left out), t valid ones combined.
    private func stepDecrypting(_ record: inout ReceiveRecord) async throws {
        let (link, contract) = try context(record)
        let config = link.ln.config
        // Waiting: each guardian answers once it committed the funding (no poll between funding and decryption).
        let answers = try await link.ln.shareAnswers(of: contract, waiting: true) { _, answer in
            Hex.decode(answer.share).flatMap { try? DecryptionShare(canonicalBytes: $0) } != nil
        }
        var shares: [PeerID: DecryptionShare] = [:]
        for (peer, answer) in answers.valid {
            if let raw = Hex.decode(answer.share), let share = try? DecryptionShare(canonicalBytes: raw) { shares[peer] = share }
        }
        let (valid, invalid) = contract.checkShares(shares, config: config)
        let bad = (invalid + Array(answers.failedVerification.keys)).sorted()
        if !bad.isEmpty {
            record.badGuardians = bad.map { "\($0.rawValue)" }.joined(separator: ",")
            logger.warning("contract \(contract.id.hex): guardians \(record.badGuardians ?? "") sent bad decryption shares")
        }
        guard valid.count >= config.threshold else { return }  // wait for more honest guardians
        let used = Array(valid.prefix(config.threshold))
        record.shares = Hex.encode(used.flatMap(\.canonicalBytes))
        let plaintext = try contract.decrypt(used, config: config)
        if let preimage = Preimage(bytes: plaintext), preimage.paymentHash == contract.terms.paymentHash {
            record.preimage = preimage.bytes
            record.state = .settling
        } else {
            logger.warning("contract \(contract.id.hex): the receiver's ciphertext does not open the payment hash; refunding")
            record.state = .refunding
        }
    }

    /// `settling`: the HTLC is fulfilled with the preimage (an already settled invoice counts as done).
    private func stepSettling(_ record: inout ReceiveRecord) async throws {
        guard let preimage = record.preimage else { throw GatewayStoreError.corrupt("settling receive without preimage") }
        do {
            _ = try await node.call(HoldinvoicesettleRequest(payment_hash: record.paymentHash.hex, preimage: Hex.encode(preimage)))
        } catch let error as LightningRPCError where error.clnCode == .invalidParams {
            let state = try await node.call(HoldinvoicelookupRequest(payment_hash: record.paymentHash.hex)).state
            guard state == .SETTLED || state == .CANCELED else { throw error }
            if state == .CANCELED {
                record.failure = "the HTLC expired before it could be settled (the receiver has the contract)"
                logger.error("receive \(record.contractID.hex): \(record.failure ?? "")")
            }
        }
        record.state = .done
        record.outcome = record.failure == nil ? "settled" : "lost"
    }

    /// `refunding`: the HTLC fails back first (its sender should not wait), then the contract comes back as notes.
    private func stepRefunding(_ record: inout ReceiveRecord) async throws {
        try await cancelHold(record)
        let (link, contract) = try context(record)
        guard let raw = record.shares.flatMap(Hex.decode) else { throw GatewayStoreError.corrupt("refund without shares") }
        var decoder = CanonicalDecoder(raw)
        var shares: [PeerDecryptionShare] = []
        while !decoder.isAtEnd { shares.append(try decoder.read()) }
        let input = ClientInput(
            item: ModuleItem(module: link.ln.instance, encoding: LightningInput.incomingRefund(contract, shares: shares)),
            amount: contract.amount, fee: link.ln.config.fees.contractInput, spendKey: link.ln.gatewayKey)
        let operation = try await link.mint.issueNotes(
            from: [input], operation: OperationID(Hash256.sha256(contract.id.bytes + Array("fm/gateway/refund-incoming".utf8))))
        let outcome = try await link.mint.await(operation)
        guard outcome.status != .running else { return }
        record.state = .done
        record.outcome = "refunded"
        if outcome.status == .failed { record.failure = "the federation refused the refund: \(outcome.failure ?? "rejected")" }
    }

    /// `cancelling`: the HTLC (if any) fails back and the invoice takes no more.
    private func stepCancelling(_ record: inout ReceiveRecord) async throws {
        try await cancelHold(record)
        record.state = .done
        record.outcome = record.outcome ?? "cancelled"
    }

    private func cancelHold(_ record: ReceiveRecord) async throws {
        do {
            _ = try await node.call(HoldinvoicecancelRequest(payment_hash: record.paymentHash.hex))
        } catch let error as LightningRPCError where error.clnCode == .invalidParams {
            let state = try await node.call(HoldinvoicelookupRequest(payment_hash: record.paymentHash.hex)).state
            guard state == .CANCELED else { throw error }
        }
    }
}
