import FMCore

/// A guardian's own error answer (a JSON-RPC error object), stripped of which guardian sent it, so
/// that t guardians refusing for the same reason count as agreeing.
///
/// Its ``category`` is the one the guardian sent: `.unreachable` means "not now, ask again" (its rate
/// limit, its in-flight cap, its handler timeout, a long poll that ended first, a guardian stopping),
/// which ``FederationAPI`` retries and never counts as the guardian's verdict.
public struct GuardianRejection: ReportableError, Equatable {
    public let code: String
    public let message: String
    public let category: FailureCategory

    public init(code: String, message: String, category: FailureCategory = .failed) {
        self.code = code
        self.message = message
        self.category = category
    }

    /// The guardian said "try again", not "no".
    public var isRetryable: Bool { category == .unreachable }
    public var description: String { message }
}
