import FMCore

/// Why a question to the federation got no trustworthy answer.
public enum FederationQueryError: ReportableError, Equatable {
    /// Fewer than t guardians answered: the federation is unreachable from here or has lost its quorum.
    case noQuorum(method: String, threshold: Int, answered: [PeerID], unreachable: [PeerID: UnreachableGuardian])
    /// Enough guardians answered but no t of them agreed (or gave valid answers); `faulty` names the
    /// guardians whose answers differ from the most common one or failed verification.
    case noAgreement(method: String, threshold: Int, faulty: [PeerID: String])
    /// t guardians agreed that the request is an error (e.g. a rejected transaction).
    case rejected(method: String, code: String, message: String)

    public var category: FailureCategory {
        switch self {
        case .noQuorum: .unreachable
        case .noAgreement, .rejected: .failed
        }
    }

    public var code: String {
        switch self {
        case .noQuorum: "no_quorum"
        case .noAgreement: "guardians_disagree"
        case .rejected(_, let code, _): code
        }
    }

    /// One line an operator acts on, e.g. `2 of 4 guardians unreachable, 3 needed: guardian 2 (10.0.0.2:8174)
    /// connection refused, guardian 3 (10.0.0.3:8174) timed out after 5 s`.
    public var description: String {
        switch self {
        case .noQuorum(_, let threshold, let answered, let unreachable):
            "\(unreachable.count) of \(answered.count + unreachable.count) guardians unreachable, \(threshold) needed: "
                + unreachable.keys.sorted().map { "guardian \($0.rawValue) \(unreachable[$0]!)" }.joined(separator: ", ")
        case .noAgreement(let method, let threshold, let faulty):
            "\(method): no \(threshold) guardians gave matching valid answers; faulty: " + Self.describe(faulty)
        case .rejected(let method, _, let message):
            "\(method) was refused by the federation: \(message)"
        }
    }

    /// The raw transport errors behind `noQuorum`, per guardian, and the question asked.
    public var detail: String? {
        guard case .noQuorum(let method, _, _, let unreachable) = self else { return nil }
        let details = unreachable.keys.sorted().compactMap { peer in
            unreachable[peer]!.detail.map { "guardian \(peer.rawValue): \($0)" }
        }
        return (["method \(method)"] + details).joined(separator: "; ")
    }

    static func describe(_ peers: [PeerID: String]) -> String {
        peers.keys.sorted().map { "\($0) (\(peers[$0]!))" }.joined(separator: ", ")
    }
}

/// Why one guardian gave no answer: where it was asked (`host:port`, when known), why in a few words,
/// and the transport's raw error (only for `--verbose` and the JSON `detail`).
public struct UnreachableGuardian: Sendable, Equatable, CustomStringConvertible {
    public var endpoint: String?
    public var reason: String
    public var detail: String?

    public init(endpoint: String? = nil, reason: String, detail: String? = nil) {
        self.endpoint = endpoint
        self.reason = reason
        self.detail = detail
    }

    /// What a transport error says about the guardian.
    public init(_ error: any Error) {
        switch error {
        case let failure as any EndpointFailure:
            self.init(endpoint: failure.endpoint, reason: failure.reason, detail: failure.detail)
        case let rejection as GuardianRejection:
            self.init(reason: "still answering \(rejection.code) at the deadline: \(rejection.message)")
        case is CancellationError:
            self.init(reason: "cancelled")
        default:
            self.init(reason: "\(error)")
        }
    }

    /// `(host:port) reason`, or just the reason.
    public var description: String { endpoint.map { "(\($0)) \(reason)" } ?? reason }
}
