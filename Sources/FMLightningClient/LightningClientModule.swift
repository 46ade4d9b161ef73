import FMClientCore
import FMCore
import FMDatabase
import FMEncoding
import FMLightningCommon
import FMSecp256k1
public import GRDB

/// The Lightning module's client (docs/lightning.md, "Client"): the user's outgoing payments as persisted state
/// machines (``LightningPay``) and the gateway's side of a contract (claim, cancel, announce).
///
/// Every key is a leaf of the client's secret tree: a payment's refund key is module / "ln-refund" / index, the
/// gateway's claim key module / "ln-gateway" / 0. So the mnemonic alone finds every refundable contract again
/// (``recover()`` asks the federation for contracts by the derived keys).
public struct LightningClientModule: ClientModule {
    public static let kind = LightningKind.kind
    public static let schema = SubsystemSchema(prefix: "ln", migrations: [])
    public static let operationKinds: [OperationKind] = [LightningPay.kind, LightningReceive.kind]

    static let refundPurpose = "ln-refund"
    static let gatewayPurpose = "ln-gateway"
    static let receivePurpose = "ln-receive"

    public let instance: ModuleInstanceID
    public let config: LightningClientConfig
    let context: ClientModuleContext

    public init(context: ClientModuleContext) throws {
        instance = context.instance
        config = try context.config.decode(LightningClientConfig.self)
        self.context = context
    }

    public var api: FederationAPI { context.api }
    var executor: OperationExecutor { context.executor }

    /// Contracts are not spendable e-cash: a refund or a claim turns them into notes of the mint module.
    public func balance(in db: Database) throws -> Amount { .zero }

    /// Money in contracts (read in the balance's transaction): a payment's contract is outgoing from its funding
    /// until its outcome (paid, or refunded: the refund's mint operation then reports the notes coming back); a
    /// funded incoming contract is incoming until its claim's mint operation reports the notes itself.
    public func inFlight(_ record: OperationRecord, in db: Database) throws -> InFlight? {
        switch record.kind {
        case LightningPay.kind:
            let payment = try record.state.decode(LightningPay.self)
            guard [.funding, .awaitingOutcome, .refunding].contains(payment.phase) else { return nil }
            return InFlight(
                operationId: record.id, kind: record.kind, direction: .outgoing, amountMsat: try payment.decodedContract().amount,
                stage: payment.phase.rawValue)
        case LightningReceive.kind:
            let receive = try record.state.decode(LightningReceive.self)
            guard receive.phase == .claiming else { return nil }
            return InFlight(
                operationId: record.id, kind: record.kind, direction: .incoming, amountMsat: try receive.decodedContract().amount,
                stage: receive.phase.rawValue)
        default:
            return nil
        }
    }

    /// Payments need the mint module (refunds become notes): they are driven through ``LightningOperations``.
    public func resume(_ operation: OperationRecord) async throws -> OperationRecord {
        throw LightningOperationsNeeded(kind: operation.kind)
    }

    /// Finds this mnemonic's contracts again (``recoverContracts(gapLimit:)``); the funded outgoing ones become payment
    /// operations that refund when due once driven (`LightningOperations.await`). The module keeps no snapshot part:
    /// its contracts are found by the keys the mnemonic derives, snapshot or not.
    public func recover(_ request: RecoveryRequest) async throws -> JSONValue {
        let (contracts, funded) = try await recoverContracts()
        return .object(["contracts": .unsigned(UInt64(contracts)), "funded_msat": .unsigned(funded)])
    }

    /// The refund key of the payment at derivation `index`.
    public func refundKey(index: UInt64) -> Keypair {
        context.secret.purpose(Self.refundPurpose).index(index).secp256k1Keypair()
    }

    /// This client's key as a gateway: the claim key of the contracts it serves and the key of its announcements.
    public var gatewayKey: Keypair { context.secret.purpose(Self.gatewayPurpose).index(0).secp256k1Keypair() }

    /// The federation's consensus time, as a lower bound t guardians back: each guardian's answer moves every few
    /// seconds, so t equal answers are often not to be had; the least of t answers is at most some honest guardian's
    /// consensus time, which never decreases — safe for "the timelock has passed" and "the contract expired".
    public func consensusTime() async throws -> UInt64 {
        let answers = try await api.validAnswers(
            "\(Self.kind)/\(LightningAPI.consensusTime)", params: [String: String](), as: LightningAPI.ConsensusTimeResult.self
        ) { _, _ in true }
        return answers.values.map(\.seconds).sorted(by: >).dropFirst(api.threshold - 1).first ?? 0
    }

    /// Contract `id`'s state, agreed by t guardians. A contract whose state is changing is seen differently by
    /// guardians that have and have not processed the change yet: asked again for a while before giving up.
    public func contractState(_ id: ContractID) async throws -> LightningAPI.ContractResult {
        try await api.settledConsensus(
            "\(Self.kind)/\(LightningAPI.contract)", params: LightningAPI.ContractParams(contractId: id),
            as: LightningAPI.ContractResult.self)
    }
}

/// A Lightning operation was resumed where the mint module is not at hand.
public struct LightningOperationsNeeded: ReportableError {
    public let kind: OperationKind
    public var category: FailureCategory { .badInput }
    public var code: String { "ln_operation_elsewhere" }
    public var description: String { "\(kind) operations are driven by fm-ln-pay await (they need the mint module)" }
}

/// Why the Lightning client refuses a request.
public enum LightningClientError: ReportableError, Equatable {
    case invoiceWithoutAmount
    case invoiceExpired(expiresAt: UInt64, now: UInt64)
    case noGateway
    case feeTooHigh(fee: Amount, max: Amount)
    case invalidCancellation
    case notAPayment(OperationID)
    case malformedAnswer(String)
    case unknownGateway(String, matches: Int)
    case gatewayMismatch(String)
    case amountBelowFee(amount: Amount, fee: Amount)
    case receiveFailed(String)
    /// The invoice's `min_final_cltv_expiry` needs a longer timelock than the payment may have (the gateway would
    /// refuse the contract and the money would wait for the timelock).
    case finalCLTVTooLong(minFinalCLTV: UInt64, neededSecs: UInt64, timelockSecs: UInt64)

    public var category: FailureCategory {
        switch self {
        case .invoiceWithoutAmount, .invoiceExpired, .feeTooHigh, .invalidCancellation, .notAPayment, .unknownGateway,
            .amountBelowFee, .finalCLTVTooLong:
            .badInput
        case .noGateway, .malformedAnswer, .gatewayMismatch, .receiveFailed: .failed
        }
    }

    public var code: String {
        switch self {
        case .invoiceWithoutAmount: "invoice_without_amount"
        case .invoiceExpired: "invoice_expired"
        case .noGateway: "no_gateway"
        case .feeTooHigh: "fee_too_high"
        case .invalidCancellation: "invalid_cancellation"
        case .notAPayment: "not_a_payment"
        case .malformedAnswer: "malformed_answer"
        case .unknownGateway: "unknown_gateway"
        case .gatewayMismatch: "gateway_mismatch"
        case .amountBelowFee: "amount_below_fee"
        case .receiveFailed: "receive_failed"
        case .finalCLTVTooLong: "final_cltv_too_long"
        }
    }

    public var field: String? {
        switch self {
        case .invoiceWithoutAmount, .invoiceExpired: "invoice"
        case .finalCLTVTooLong: "min_final_cltv_expiry"
        case .feeTooHigh: "--max-fee"
        case .noGateway, .unknownGateway, .gatewayMismatch: "--gateway"
        case .invalidCancellation: "cancellation"
        case .notAPayment: "operation_id"
        case .amountBelowFee: "amount"
        case .malformedAnswer, .receiveFailed: nil
        }
    }

    public var description: String {
        switch self {
        case .invoiceWithoutAmount: "the invoice names no amount"
        case .invoiceExpired(let expiresAt, let now): "the invoice expired at \(expiresAt) (now \(now))"
        case .noGateway: "no gateway is announced to this federation"
        case .feeTooHigh(let fee, let max): "--max-fee: the gateway's fee \(fee) exceeds the maximum \(max)"
        case .invalidCancellation: "the cancellation is not the gateway's signature over this contract"
        case .notAPayment(let id): "operation \(id) is not a Lightning payment"
        case .malformedAnswer(let why): "the federation's answer is malformed: \(why)"
        case .unknownGateway(let id, let matches):
            matches == 0
                ? "--gateway: no announced gateway's key starts with \(id)"
                : "--gateway: \(matches) gateways' keys start with \(id): give more digits"
        case .gatewayMismatch(let url): "the gateway at \(url) does not serve this federation with its announced key"
        case .amountBelowFee(let amount, let fee): "amount: the amount \(amount) does not exceed the gateway's fee \(fee)"
        case .receiveFailed(let why): "the receive failed: \(why)"
        case .finalCLTVTooLong(let cltv, let needed, let timelock):
            "min_final_cltv_expiry: the invoice's \(cltv) blocks need a timelock of \(needed) s at the gateway, more than this payment's \(timelock) s"
        }
    }
}
