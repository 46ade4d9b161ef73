/// The three ways a command can fail, each with its own exit code (see FMCLI `ExitStatus`).
public enum FailureCategory: String, Codable, Sendable {
    /// The operation was attempted and did not succeed (exit 1).
    case failed
    /// The input was wrong; nothing was changed (exit 2).
    case badInput = "bad_input"
    /// The federation or a backend could not be reached, or too few guardians answered (exit 3).
    case unreachable
}

/// An error a user or a script acts on: it names its category, a stable code
/// that scripts can branch on, and — for bad input — the field at fault.
///
/// Its `description` is one line that says what was wrong and what was expected.
public protocol ReportableError: Error, CustomStringConvertible {
    var category: FailureCategory { get }
    /// A stable snake_case identifier such as `bad_passphrase`.
    var code: String { get }
    /// The input field (flag, argument or JSON key) at fault, when there is one.
    var field: String? { get }
    /// The raw cause behind the one-line description (e.g. the transport's own error values), for
    /// `--verbose` and the JSON `detail` field; never part of the description.
    var detail: String? { get }
}

extension ReportableError {
    public var field: String? { nil }
    public var detail: String? { nil }
}

/// A remote endpoint that could not be reached or did not answer: where (`host:port`) and why, in a
/// few words a person acts on ("connection refused", "timed out after 5 s"); the raw cause in ``detail``.
public protocol EndpointFailure: ReportableError {
    var endpoint: String { get }
    var reason: String { get }
}

/// The JSON form of an error, printed on stdout as `{"error": {...}}`.
public struct ErrorReport: Codable, Equatable, Sendable {
    public var code: String
    public var category: FailureCategory
    public var message: String
    public var field: String?
    /// The raw cause (``ReportableError/detail``), when there is one.
    public var detail: String?

    public init(code: String, category: FailureCategory, message: String, field: String? = nil, detail: String? = nil) {
        self.code = code
        self.category = category
        self.message = message
        self.field = field
        self.detail = detail
    }

    public init(_ error: some ReportableError) {
        self.init(
            code: error.code, category: error.category, message: error.description, field: error.field,
            detail: error.detail)
    }
}

/// A bad value in the input: the field and what was expected.
public struct InvalidInput: ReportableError, Equatable {
    public let field: String?
    public let expected: String
    public let code: String

    public init(field: String, expected: String, code: String = "invalid_input") {
        self.field = field
        self.expected = expected
        self.code = code
    }

    public var category: FailureCategory { .badInput }
    public var description: String { "\(field ?? "input"): expected \(expected)" }
}
