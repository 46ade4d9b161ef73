import FMClientCore
import FMCore
import FMEncoding
import FMLightningCommon
import FMMintClient
import FMSecp256k1
public import GRDB

/// A payment of a Lightning invoice through a gateway, as a persisted state machine (docs/lightning.md, "Client").
///
/// `funding` (notes in, the outgoing contract out: a mint operation) → `awaitingOutcome`: the client asks the
/// gateway's `pay` (``GatewayConnection``) and records its answer — a preimage (checked against the payment hash;
/// the payment ends `paid` once the federation shows the claim) or a cancellation (checked against the gateway key;
/// the refund starts at once). A gateway that does not answer is asked again with backoff; one that refuses or
/// answers nonsense is not asked again. Whatever the gateway does, consensus time reaching the timelock starts the
/// refund → `refunding` → `awaitingRefund` → `refunded`. Every step is committed before the next, and a refund is
/// started under an id derived from the payment's, so a client killed anywhere resumes and refunds without the user
/// asking.
public struct LightningPay: OperationStateMachine {
    public static let kind: OperationKind = "ln-pay"

    public enum Phase: String, Codable, Sendable {
        case funding, awaitingOutcome = "awaiting_outcome", refunding, awaitingRefund = "awaiting_refund"
        case paid, refunded, failed
    }

    static let maxRefundAttempts: UInt64 = 5

    /// The payment operation of `contract` (one per contract, so a retried start or a recovery finds it).
    static func operationID(for contract: OutgoingContract) -> OperationID {
        OperationID(Hash256.sha256(contract.id.bytes + Array("fm/ln/pay".utf8)))
    }

    /// The mint operation that funds `contract`.
    static func fundingOperationID(for contract: OutgoingContract) -> OperationID {
        OperationID(Hash256.sha256(contract.id.bytes + Array("fm/ln/pay-funding".utf8)))
    }

    public var phase: Phase = .funding
    /// Hex of the ``OutgoingContract``'s canonical bytes.
    public var contract: String
    public var refundIndex: UInt64
    public var fundingOperation: OperationID
    /// Hex of the gateway's cancellation signature, once it gave one.
    public var cancellation: String?
    /// Refund attempts so far (each under its own derived operation id).
    public var refundAttempts: UInt64 = 0
    public var refundOperation: OperationID?
    /// Hex of the preimage, once the gateway gave one that hashes to the payment hash or the federation shows the
    /// gateway's claim.
    public var preimage: String?
    public var invoiceAmountMsat: UInt64
    public var failure: String?
    /// The BOLT 11 invoice and the gateway's `api_url` (nil for a payment restored by recovery: it only refunds).
    public var invoice: String?
    public var gatewayApiUrl: String?
    /// Calls to the gateway that got no answer so far, and the local time of the last (for the backoff).
    public var gatewayAttempts: UInt64 = 0
    public var lastGatewayAttempt: UInt64?
    /// Why the gateway is not asked again (it refused, or answered something this client does not accept); the
    /// refund then waits for the timelock.
    public var gatewayError: String?

    public init(
        contract: OutgoingContract, refundIndex: UInt64, fundingOperation: OperationID, invoiceAmount: Amount,
        invoice: String? = nil, gatewayApiUrl: String? = nil
    ) {
        self.contract = Hex.encode(contract.canonicalBytes)
        self.refundIndex = refundIndex
        self.fundingOperation = fundingOperation
        self.invoiceAmountMsat = invoiceAmount.msats
        self.invoice = invoice
        self.gatewayApiUrl = gatewayApiUrl
    }

    /// Seconds before the gateway is asked again after `attempts` calls without an answer: 1, 2, 4 … 64.
    static func gatewayBackoff(after attempts: UInt64) -> UInt64 { 1 << min(attempts, 6) }

    public func decodedContract() throws -> OutgoingContract {
        guard let raw = Hex.decode(contract) else { throw LightningClientError.malformedAnswer("stored contract is not hex") }
        return try OutgoingContract(canonicalBytes: raw)
    }

    public var ending: OperationEnding? {
        let contractAmount = (try? decodedContract())?.amount.msats ?? 0
        switch phase {
        case .paid:
            return .succeeded(result: .object([
                "outcome": .string("paid"), "preimage": .string(preimage ?? ""), "amount_msat": .unsigned(invoiceAmountMsat),
                "fee_msat": .unsigned(contractAmount >= invoiceAmountMsat ? contractAmount - invoiceAmountMsat : 0),
            ]))
        case .refunded:
            var result: [String: JSONValue] = [
                "outcome": .string("refunded"), "refunded_msat": .unsigned(contractAmount),
                "reason": .string(cancellation != nil ? "the gateway cancelled" : "the timelock expired"),
            ]
            if let gatewayError { result["gateway_error"] = .string(gatewayError) }
            // The gateway revealed a valid preimage but never claimed: the invoice is paid and the money came back.
            if let preimage { result["preimage"] = .string(preimage) }
            return .succeeded(result: .object(result))
        case .failed: return .failed(reason: failure ?? "failed")
        default: return nil
        }
    }

    public enum Event: Sendable {
        case funded
        case fundingFailed(String)
        case claimed(preimage: String)
        case refundDue
        case notYet
        /// The gateway answered with a preimage that hashes to the payment hash (the claim is awaited).
        case gatewayPaid(preimage: String)
        /// The gateway gave its valid cancellation signature: refund now.
        case gatewayCancelled(signature: String)
        /// The gateway did not answer; asked again after the backoff (`now` is the local time of the attempt).
        case gatewayUnreachable(now: UInt64)
        /// The gateway refused or answered something unacceptable: not asked again; refund at the timelock.
        case gatewayGaveNoPayment(String)
        case refundStarted(OperationID)
        case refundDone
        case refundRejected
    }

    public struct Environment: Sendable {
        let ln: LightningClientModule
        let mint: MintClientModule
        let pollInterval: Duration
        let gateway: any GatewayConnection
        /// False to make one round of progress and stop where only waiting is left (``LightningStillWaiting``).
        let wait: Bool
        let now: @Sendable () -> UInt64
    }

    public func trigger(in environment: Environment) async throws -> Event {
        let contract = try decodedContract()
        switch phase {
        case .funding:
            let record = try await environment.mint.await(fundingOperation)
            return record.status == .succeeded ? .funded : .fundingFailed(record.failure ?? "rejected by the federation")
        case .awaitingOutcome:
            var backoff = PollBackoff(cap: environment.pollInterval)
            while true {
                if let event = try await outcome(contract, in: environment) { return event }
                guard environment.wait else { throw LightningStillWaiting(operation: Self.operationID(for: contract)) }
                try await backoff.pause()
            }
        case .refunding:
            let signature = try cancellation.flatMap { Hex.decode($0) }.map { try SchnorrSignature(rawRepresentation: $0) }
            let input = ClientInput(
                item: ModuleItem(module: environment.ln.instance, encoding: LightningInput.outgoingRefund(contract, cancellation: signature)),
                amount: contract.amount, fee: environment.ln.config.fees.contractInput,
                spendKey: environment.ln.refundKey(index: refundIndex))
            let id = OperationID(Hash256.sha256(contract.id.bytes + Array("fm/ln/refund/\(refundAttempts)".utf8)))
            return .refundStarted(try await environment.mint.issueNotes(from: [input], operation: id))
        case .awaitingRefund:
            let record = try await environment.mint.await(refundOperation!)
            return record.status == .succeeded ? .refundDone : .refundRejected
        case .paid, .refunded, .failed:
            preconditionFailure("an ended operation is not triggered")
        }
    }

    public func transition(on event: Event, in db: Database) throws -> LightningPay {
        var next = self
        switch event {
        case .funded: next.phase = .awaitingOutcome
        case .fundingFailed(let reason):
            next.phase = .failed
            next.failure = "the contract was not funded: \(reason)"
        case .claimed(let preimage):
            next.phase = .paid
            next.preimage = preimage
        case .refundDue: next.phase = .refunding
        case .notYet: break
        case .gatewayPaid(let preimage):
            next.preimage = preimage
        case .gatewayCancelled(let signature):
            next.cancellation = signature
        case .gatewayUnreachable(let now):
            next.gatewayAttempts += 1
            next.lastGatewayAttempt = now
        case .gatewayGaveNoPayment(let why):
            next.gatewayError = why
        case .refundStarted(let id):
            next.refundOperation = id
            next.phase = .awaitingRefund
        case .refundDone: next.phase = .refunded
        case .refundRejected:
            // The gateway may have claimed meanwhile: look at the contract again; a new refund gets a new id.
            next.refundAttempts += 1
            next.refundOperation = nil
            next.phase = .awaitingOutcome
            if next.refundAttempts >= Self.maxRefundAttempts {
                next.phase = .failed
                next.failure = "the federation rejected \(Self.maxRefundAttempts) refunds of contract \(try decodedContract().id)"
            }
        }
        return next
    }
}

extension LightningPay {
    /// What moves an `awaitingOutcome` payment on now (nil: nothing yet): the contract claimed or refunded, a
    /// cancellation or the timelock (refund), or the gateway's answer.
    func outcome(_ contract: OutgoingContract, in environment: Environment) async throws -> Event? {
        let state = try await environment.ln.contractState(contract.id)
        switch state.state {
        case .claimed:
            // The federation checked it; checked here too (the payment's proof is what the user keeps).
            guard let text = state.preimage, let preimage = Hex.decode(text).flatMap({ Preimage(bytes: $0) }),
                preimage.paymentHash == contract.paymentHash
            else { throw LightningClientError.malformedAnswer("the claimed contract's preimage does not open its hash") }
            return .claimed(preimage: text)
        case .refunded: return .refundDone
        case .funded: break
        }
        if cancellation != nil { return .refundDue }
        if try await environment.ln.consensusTime() >= contract.timelock { return .refundDue }
        return try await askGateway(contract, in: environment)
    }

    /// Asks the gateway to pay, unless it already answered, gave up, or was asked too recently; checks its answer.
    /// Returns nil when there is nothing to ask now.
    func askGateway(_ contract: OutgoingContract, in environment: Environment) async throws -> Event? {
        guard preimage == nil, gatewayError == nil, let invoice, let gatewayApiUrl else { return nil }
        let now = environment.now()
        if let last = lastGatewayAttempt, now < last &+ Self.gatewayBackoff(after: gatewayAttempts) { return nil }
        let request = GatewayAPI.PayRequest(
            federationId: environment.ln.context.federation.federationId, contract: Hex.encode(contract.canonicalBytes),
            invoice: invoice)
        let answer: GatewayAPI.PayResponse
        do { answer = try await environment.gateway.pay(request, apiURL: gatewayApiUrl) } catch {
            return error.isTransient ? .gatewayUnreachable(now: now) : .gatewayGaveNoPayment(error.description)
        }
        switch (answer.preimage, answer.cancellation) {
        case (let text?, nil):
            guard let preimage = Hex.decode(text).flatMap({ Preimage(bytes: $0) }), preimage.paymentHash == contract.paymentHash else {
                return .gatewayGaveNoPayment("the gateway's preimage does not hash to the payment hash")
            }
            return .gatewayPaid(preimage: Hex.encode(preimage.bytes))
        case (nil, let text?):
            guard let raw = Hex.decode(text), let signature = try? SchnorrSignature(rawRepresentation: raw),
                contract.gatewayClaimKey.isValidSchnorrSignature(signature, for: contract.cancellationMessage)
            else { return .gatewayGaveNoPayment("the gateway's cancellation is not its signature over this contract") }
            return .gatewayCancelled(signature: Hex.encode(raw))
        default:
            return .gatewayGaveNoPayment("the gateway answered neither exactly a preimage nor a cancellation")
        }
    }
}

/// An operation driven without waiting (``LightningOperations/resumeAll()``) stopped where only waiting is left:
/// it stays running and the next command resumes it.
public struct LightningStillWaiting: Error, CustomStringConvertible {
    public let operation: OperationID
    public var description: String { "operation \(operation) waits for the federation, the gateway or its timelock" }
}
