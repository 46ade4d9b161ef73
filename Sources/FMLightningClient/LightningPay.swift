import FMClientCore
import FMCore
import FMEncoding
import FMLightningCommon
import FMMintClient
import FMSecp256k1
public import GRDB

/// A payment of a Lightning invoice through a gateway, as a persisted state machine (docs/lightning.md, "Client").
///
/// `funding` (notes in, the outgoing contract out: a mint operation) → `awaitingOutcome` (the gateway claims with
/// the preimage: `paid`; or the gateway's cancellation arrives, or consensus time reaches the timelock: refund) →
/// `refunding` → `awaitingRefund` → `refunded`. Every step is committed before the next, and a refund is started
/// under an id derived from the payment's, so a client killed anywhere resumes and refunds without the user asking.
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
    public var preimage: String?
    public var invoiceAmountMsat: UInt64
    public var failure: String?

    public init(contract: OutgoingContract, refundIndex: UInt64, fundingOperation: OperationID, invoiceAmount: Amount) {
        self.contract = Hex.encode(contract.canonicalBytes)
        self.refundIndex = refundIndex
        self.fundingOperation = fundingOperation
        self.invoiceAmountMsat = invoiceAmount.msats
    }

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
            return .succeeded(result: .object([
                "outcome": .string("refunded"), "refunded_msat": .unsigned(contractAmount),
                "reason": .string(cancellation != nil ? "the gateway cancelled" : "the timelock expired"),
            ]))
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
        case refundStarted(OperationID)
        case refundDone
        case refundRejected
    }

    public struct Environment: Sendable {
        let ln: LightningClientModule
        let mint: MintClientModule
        let pollInterval: Duration
    }

    public func trigger(in environment: Environment) async throws -> Event {
        let contract = try decodedContract()
        switch phase {
        case .funding:
            let record = try await environment.mint.await(fundingOperation)
            return record.status == .succeeded ? .funded : .fundingFailed(record.failure ?? "rejected by the federation")
        case .awaitingOutcome:
            let state = try await environment.ln.contractState(contract.id)
            switch state.state {
            case .claimed: return .claimed(preimage: state.preimage ?? "")
            case .refunded: return .refundDone
            case .funded: break
            }
            if cancellation != nil { return .refundDue }
            if try await environment.ln.consensusTime() >= contract.timelock { return .refundDue }
            try await Task.sleep(for: environment.pollInterval)
            return .notYet
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
