import FMCore

/// A guardian's own error answer (a JSON-RPC error object), stripped of which guardian sent it, so
/// that t guardians refusing for the same reason count as agreeing.
public struct GuardianRejection: ReportableError, Equatable {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var category: FailureCategory { .failed }
    public var description: String { message }
}
