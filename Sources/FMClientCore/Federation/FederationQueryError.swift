import FMCore

/// Why a question to the federation got no trustworthy answer.
public enum FederationQueryError: ReportableError, Equatable {
    /// Fewer than t guardians answered: the federation is unreachable from here or has lost its quorum.
    case noQuorum(method: String, threshold: Int, answered: [PeerID], unreachable: [PeerID: String])
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

    public var description: String {
        switch self {
        case .noQuorum(let method, let threshold, let answered, let unreachable):
            "\(method): only \(answered.count) guardian(s) answered, \(threshold) needed; unreachable: "
                + Self.describe(unreachable)
        case .noAgreement(let method, let threshold, let faulty):
            "\(method): no \(threshold) guardians gave matching valid answers; faulty: " + Self.describe(faulty)
        case .rejected(let method, _, let message):
            "\(method) was refused by the federation: \(message)"
        }
    }

    static func describe(_ peers: [PeerID: String]) -> String {
        peers.keys.sorted().map { "\($0) (\(peers[$0]!))" }.joined(separator: ", ")
    }
}
