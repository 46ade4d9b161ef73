import FMCore

/// Why the Lightning module refuses something: every case is a deterministic verdict on the item itself or the
/// committed state, never on the guardian's machine.
public enum LightningError: ReportableError, Equatable {
    case malformed(what: String, reason: String)
    case invalidContract(String)
    case invalidConfig(String)
    case wrongPreimage(contract: ContractID)
    case invalidCancellation(contract: ContractID)
    case unknownContract(ContractID)
    case contractSpent(ContractID, state: String)
    case contractExists(ContractID)
    case invoiceInFlight(paymentHash: Hash256)
    case invoiceAlreadyPaid(paymentHash: Hash256)
    case timelockNotExpired(contract: ContractID, timelock: UInt64, consensusTime: UInt64)
    case claimExpired(contract: ContractID, timelock: UInt64, consensusTime: UInt64)
    case timelockOutOfRange(timelock: UInt64, consensusTime: UInt64, maxDelta: UInt64)
    case noConsensusTime
    case invalidDecryption(String)
    case wrongBranch(String)
    case announcement(String)

    public var category: FailureCategory {
        switch self {
        case .malformed, .invalidConfig, .announcement: .badInput
        default: .failed
        }
    }

    /// What a guardian answers for a contract it has not seen funded (a waiting endpoint waits while it would).
    public static let unknownContractCode = "unknown_contract"

    public var code: String {
        switch self {
        case .malformed: "malformed_ln_item"
        case .invalidContract: "invalid_contract"
        case .invalidConfig: "invalid_ln_config"
        case .wrongPreimage: "wrong_preimage"
        case .invalidCancellation: "invalid_cancellation"
        case .unknownContract: Self.unknownContractCode
        case .contractSpent: "contract_already_spent"
        case .contractExists: "contract_exists"
        case .invoiceInFlight: "invoice_in_flight"
        case .invoiceAlreadyPaid: "invoice_already_paid"
        case .timelockNotExpired: "timelock_not_expired"
        case .claimExpired: "claim_expired"
        case .timelockOutOfRange: "timelock_out_of_range"
        case .noConsensusTime: "no_consensus_time"
        case .invalidDecryption: "invalid_decryption"
        case .wrongBranch: "wrong_contract_branch"
        case .announcement: "invalid_gateway_announcement"
        }
    }

    public var description: String {
        switch self {
        case .malformed(let what, let reason): "malformed \(what): \(reason)"
        case .invalidContract(let why): "invalid contract: \(why)"
        case .invalidConfig(let why): "invalid Lightning module config: \(why)"
        case .wrongPreimage(let id): "the preimage does not hash to the payment hash of contract \(id)"
        case .invalidCancellation(let id): "the gateway's cancellation of contract \(id) is not signed by its claim key"
        case .unknownContract(let id): "no funded contract \(id)"
        case .contractSpent(let id, let state): "contract \(id) was already spent (\(state))"
        case .contractExists(let id): "contract \(id) is already funded"
        case .invoiceInFlight(let hash): "an outgoing contract for payment hash \(hash) is already funded"
        case .invoiceAlreadyPaid(let hash): "payment hash \(hash) was already paid (its preimage was used)"
        case .timelockNotExpired(let id, let timelock, let now):
            "contract \(id) can be refunded from consensus time \(timelock), it is \(now)"
        case .claimExpired(let id, let timelock, let now):
            "contract \(id) could be claimed until consensus time \(timelock), it is \(now): only the refund remains"
        case .timelockOutOfRange(let timelock, let now, let delta):
            "timelock \(timelock) must be after consensus time \(now) and at most \(delta) s later"
        case .noConsensusTime: "the federation has no agreed time yet"
        case .invalidDecryption(let why): "invalid decryption: \(why)"
        case .wrongBranch(let why): why
        case .announcement(let why): "gateway announcement: \(why)"
        }
    }
}
