import FMClientCore
import FMCore

/// Fetching a federation's client config from an invite code without trusting any one guardian
/// (BRIEF §4): the invite's guardian says who the guardians are; then t guardians must serve the very
/// same config, naming the invite's federation id.
public struct FederationJoin: Sendable {
    /// Makes the transport for a set of guardian API URLs (JSON-RPC in production, fakes in tests).
    public typealias Connect = @Sendable ([PeerID: String]) -> any GuardianTransport

    public let connect: Connect

    public init(connect: @escaping Connect = { JSONRPCGuardianTransport(apiURLs: $0) }) {
        self.connect = connect
    }

    /// The client config t guardians agree on.
    ///
    /// - Throws: ``JoinError`` when the config names another federation or is malformed,
    ///   ``FederationQueryError`` when guardians are unreachable (`.noQuorum`, exit 3) or disagree
    ///   (`.noAgreement`, naming them).
    public func fetchConfig(invite: InviteCode) async throws -> ClientConfig {
        let first = FederationAPI(
            peers: [invite.peer], threshold: 1, transport: connect([invite.peer: invite.apiUrl]))
        let announced = try await first.consensus(CoreAPI.clientConfig, params: EmptyParams(), as: ClientConfig.self)
        try Self.check(announced, invite: invite)

        let urls = Dictionary(uniqueKeysWithValues: announced.peers.map { ($0.peerId, $0.apiUrl) })
        let federation = FederationAPI(config: announced, transport: connect(urls))
        let agreed = try await federation.consensus(CoreAPI.clientConfig, params: EmptyParams(), as: ClientConfig.self)
        try Self.check(agreed, invite: invite)
        guard agreed == announced else { throw JoinError.inviteGuardianDisagrees(invite.peer) }
        return agreed
    }

    static func check(_ config: ClientConfig, invite: InviteCode) throws(JoinError) {
        guard config.federationId == invite.federationId else {
            throw .wrongFederation(expected: invite.federationId, served: config.federationId)
        }
        let ids = config.peers.map(\.peerId)
        guard !ids.isEmpty, Set(ids).count == ids.count else { throw .malformedConfig("peers are missing or repeated") }
        guard config.threshold == config.size.threshold else {
            throw .malformedConfig("threshold \(config.threshold) is not n - floor((n-1)/3) for n = \(ids.count)")
        }
        guard ids.contains(invite.peer) else { throw .malformedConfig("the invite's guardian \(invite.peer) is not a peer") }
    }
}

/// `{}`: the params of a method that takes none.
struct EmptyParams: Codable, Sendable {}

public enum JoinError: ReportableError, Equatable {
    case wrongFederation(expected: FederationID, served: FederationID)
    case malformedConfig(String)
    case inviteGuardianDisagrees(PeerID)
    case alreadyJoined(FederationID)

    public var category: FailureCategory {
        switch self {
        case .alreadyJoined: .badInput
        default: .failed
        }
    }

    public var code: String {
        switch self {
        case .wrongFederation: "wrong_federation"
        case .malformedConfig: "malformed_config"
        case .inviteGuardianDisagrees: "guardians_disagree"
        case .alreadyJoined: "already_joined"
        }
    }

    public var description: String {
        switch self {
        case .wrongFederation(let expected, let served):
            "the guardians serve the config of federation \(served), but the invite names \(expected)"
        case .malformedConfig(let reason): "the federation's client config is malformed: \(reason)"
        case .inviteGuardianDisagrees(let peer):
            "the invite's guardian (\(peer)) served a config that the other guardians do not agree with"
        case .alreadyJoined(let id): "this client already joined federation \(id)"
        }
    }
}
