import FMCore

/// Why a module refuses a transaction input, output or consensus item.
///
/// The guardian rejects the whole transaction, records the rejection under
/// its txid and returns it to the client (`await_transaction`), so `message`
/// is written for the user: it says what was wrong, not how the code failed.
///
/// - Important: throw a `TransactionRejection` only for a fault of the
///   transaction. Any other error thrown by a module (a storage failure) means
///   the guardian cannot decide, and it aborts the block instead of rejecting.
public struct TransactionRejection: Error, Hashable, Sendable, Codable, ReportableError {
    /// A stable snake_case identifier, such as `note_already_spent`.
    public let code: String
    /// One line for the user, such as "note 1a2b… was already spent".
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// The module has no handler for this kind of item.
    public static func unsupported(_ what: String, kind: ModuleKind) -> TransactionRejection {
        TransactionRejection(code: "unsupported_item", message: "the \(kind) module does not accept \(what)")
    }

    public var category: FailureCategory { .failed }
    public var description: String { message }
}
