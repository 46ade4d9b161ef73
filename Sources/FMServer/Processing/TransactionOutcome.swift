import FMCore
import FMServerCore

/// What became of a transaction, as recorded under its txid and reported by `await_transaction`.
///
/// Only a copy whose signatures verify is recorded (``StatelessChecks/UnauthorizedCopy``), so a forged copy cannot
/// shadow the genuine transaction. A recorded outcome is final: the client releases a rejected transaction's notes.
public enum TransactionOutcome: Hashable, Sendable {
    case accepted
    case rejected(TransactionRejection)

    public var isAccepted: Bool { self == .accepted }
}

/// The ways a transaction fails the guardian's own checks (modules add their own rejections).
enum TransactionCheck {
    static func signatureCountMismatch(_ signatures: Int, inputs: Int) -> TransactionRejection {
        TransactionRejection(
            code: "signature_count_mismatch",
            message: "the transaction has \(inputs) inputs but \(signatures) signatures; it needs one per input")
    }

    static func invalidSignature(input: Int) -> TransactionRejection {
        TransactionRejection(
            code: "invalid_signature", message: "the signature of input \(input) does not verify with its spend key")
    }

    static func unknownModule(_ instance: ModuleInstanceID) -> TransactionRejection {
        TransactionRejection(code: "unknown_module", message: "the federation has no \(instance)")
    }

    static func unbalanced(inputs: Amount, outputs: Amount, fees: Amount) -> TransactionRejection {
        TransactionRejection(
            code: "unbalanced",
            message: "inputs total \(inputs) but outputs plus fees total \(outputs) + \(fees); they must be equal")
    }

    static func missingMeta(input: Int) -> TransactionRejection {
        TransactionRejection(code: "processing_failed", message: "the module of input \(input) returned no meta for it")
    }

    static let overflow = TransactionRejection(code: "amount_overflow", message: "the transaction's amounts overflow")

    static let empty = TransactionRejection(code: "empty_transaction", message: "the transaction has no inputs")
}
