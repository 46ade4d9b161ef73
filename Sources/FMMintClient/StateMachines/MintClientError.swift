import FMClientCore
import FMCore

/// Why a mint client operation could not start, for the user (one line, a code, the field at fault).
public enum MintClientError: ReportableError, Equatable {
    case otherFederation(FederationID)
    case invalidNotes([Int])
    case notDevMode
    case noteUnavailable(String)
    /// The fees of receiving notes worth `value` would take all of it.
    case feesTakeAll(value: Amount, fee: Amount)
    /// The fees of receiving notes worth `value` exceed the user's `--max-fee`.
    case feeAboveLimit(value: Amount, fee: Amount, limit: FeeLimit)
    /// `fm-mint reclaim` on a spend that is no longer out (`status`: reclaimed, redeemed, being reclaimed).
    case spendSettled(OperationID, status: String)
    /// `fm-mint reclaim` on an operation that is not an out-of-band spend.
    case notASpend(OperationID)

    public var category: FailureCategory {
        switch self {
        case .otherFederation, .invalidNotes, .notDevMode: .badInput
        case .noteUnavailable, .feesTakeAll, .feeAboveLimit, .spendSettled: .failed
        case .notASpend: .badInput
        }
    }

    public var code: String {
        switch self {
        case .otherFederation: "wrong_federation"
        case .invalidNotes: "invalid_notes"
        case .notDevMode: "not_dev_mode"
        case .noteUnavailable: "note_unavailable"
        case .feesTakeAll: "fees_take_all"
        case .feeAboveLimit: "fee_above_limit"
        case .spendSettled: "spend_settled"
        case .notASpend: "not_a_spend"
        }
    }

    public var field: String? {
        switch self {
        case .feeAboveLimit: "--max-fee"
        case .spendSettled, .notASpend: "operation_id"
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .otherFederation(let id): "the notes belong to federation \(id), not to the one this client joined"
        case .invalidNotes(let indices):
            "notes at positions \(indices.map(String.init).joined(separator: ", ")) do not carry a valid federation signature"
        case .notDevMode: "dev-issue works only with a federation started in dev mode"
        case .noteUnavailable(let nonce): "note \(nonce) is already used by another operation"
        case .feesTakeAll(let value, let fee):
            "refused, nothing spent: the fees (\(fee.msats) msat) would take all of the \(value.msats) msat"
        case .feeAboveLimit(let value, let fee, let limit):
            "refused, nothing spent: the fee of \(fee.msats) msat on \(value.msats) msat is above --max-fee \(limit)"
        case .spendSettled(let id, let status):
            "spend \(id) cannot be reclaimed: it is \(status.replacingOccurrences(of: "_", with: " "))"
        case .notASpend(let id): "operation \(id) is not an out-of-band spend (fm-mint spend)"
        }
    }
}
