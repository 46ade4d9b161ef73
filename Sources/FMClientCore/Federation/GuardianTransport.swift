import FMCore

/// How the client asks one guardian one question: the seam between the threshold logic and the
/// network. FMClient implements it with one JSON-RPC client per guardian; tests implement it with
/// in-process fake guardians (honest, lying, silent).
///
/// Contract: a guardian that cannot be reached, or does not answer in time, throws a
/// ``ReportableError`` whose category is `.unreachable`; any other thrown error is that guardian's
/// answer (a JSON-RPC error it sent), and counts as an answer.
public protocol GuardianTransport: Sendable {
    func call(_ peer: PeerID, method: String, params: JSONValue, timeout: Duration?) async throws -> JSONValue
}

/// What one guardian answered.
public enum GuardianAnswer<Value: Sendable>: Sendable {
    case value(Value)
    /// The guardian answered with an error (e.g. it rejected the request), described by `message`.
    case error(code: String, message: String)
}

extension GuardianAnswer: Equatable where Value: Equatable {}
