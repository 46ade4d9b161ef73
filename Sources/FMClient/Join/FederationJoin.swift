import FMClientCore
import FMCore
import Synchronization

/// Fetching a federation's config from an invite code without trusting any one guardian or the network
/// (BRIEF §4): guardians serve the public consensus config, the client recomputes its federation id with the
/// modules' own encodings (``ClientModules/configCodecs``) and refuses any config that does not hash to the invite's
/// id; t guardians must serve that very config. The client config is derived from it, never taken on trust.
public struct FederationJoin: Sendable {
    /// Makes the transport for a set of guardian API URLs (JSON-RPC in production, fakes in tests).
    public typealias Connect = @Sendable ([PeerID: String]) -> any GuardianTransport

    public let codecs: ModuleConfigCodecs
    public let connect: Connect
    /// The API versions this client speaks; given, ``fetchConfig(invite:)`` also picks, per API, the highest one
    /// that t guardians serve (`version`) and fails with ``FMCore/APIVersionMismatch`` where there is none.
    public let apiVersions: SupportedAPIVersions?

    public init(
        codecs: ModuleConfigCodecs = ClientModules.configCodecs,
        apiVersions: SupportedAPIVersions? = nil,
        connect: @escaping Connect = { JSONRPCGuardianTransport(apiURLs: $0) }
    ) {
        self.codecs = codecs
        self.apiVersions = apiVersions
        self.connect = connect
    }

    /// The client config derived from the consensus config that hashes to the invite's federation id and that
    /// t guardians serve.
    ///
    /// - Throws: ``JoinError`` when the config hashes to another federation id (`.wrongFederation`, e.g. a
    ///   substituted config) or is malformed, ``FederationQueryError`` when guardians are unreachable
    ///   (`.noQuorum`, exit 3) or disagree (`.noAgreement`, naming them).
    public func fetchConfig(invite: InviteCode) async throws -> ClientConfig {
        let first = FederationAPI(
            peers: [invite.peer], threshold: 1, transport: connect([invite.peer: invite.apiUrl]))
        let announced = try await first.consensus(CoreAPI.consensusConfig, params: EmptyParams(), as: ConsensusConfig.self)
        let config = try verify(announced, invite: invite)

        let urls = Dictionary(uniqueKeysWithValues: config.peers.map { ($0.peerId, $0.apiUrl) })
        let federation = FederationAPI(config: config, transport: connect(urls))
        // The invite's federation id says which config is right, so a guardian serving another one is named as such,
        // even when the forgers are as many as the honest (2 and 2 of 4: plain agreement could not tell the sides).
        let others = Mutex<[ConsensusConfig]>([])
        do {
            _ = try await federation.checkedAnswers(CoreAPI.consensusConfig, params: EmptyParams(), as: ConsensusConfig.self) {
                _, served in
                if served == announced { return true }
                others.withLock { $0.append(served) }
                return nil
            }
        } catch {
            // Untyped on purpose: a typed `catch .noAgreement` here crashes Swift 6.3.1's SILGen (SILGenCleanup).
            let failure: any Error = error
            guard let query = failure as? FederationQueryError, case .noAgreement = query else { throw failure }
            let served = others.withLock { $0 }
            // t guardians serving one other config: the invite's guardian is the odd one out.
            if served.contains(where: { config in served.filter { $0 == config }.count >= federation.threshold }) {
                throw JoinError.inviteGuardianDisagrees(invite.peer)
            }
            throw failure
        }
        if let apiVersions { _ = try await Self.negotiate(apiVersions, with: federation) }
        return config
    }

    /// The highest version of each API in `ours` that t guardians serve.
    public static func negotiate(
        _ ours: SupportedAPIVersions, with federation: FederationAPI
    ) async throws -> [String: APIVersion] {
        let answers: FederationAPI.VerifiedAnswers<SupportedAPIVersions>
        do {
            answers = try await federation.verifiedAnswers(
                "version", params: EmptyParams(), as: SupportedAPIVersions.self, verify: { _, _ in true })
        } catch .rejected(_, "method_not_found", _) {
            // Guardians from before API versions: older than any client that asks.
            throw APIVersionMismatch(component: SupportedAPIVersions.core, client: ours.core, guardians: [])
        }
        return try ours.negotiate(with: Array(answers.valid.values), threshold: federation.threshold)
    }

    /// Recomputes the federation id of `consensus` and derives its client config; refuses it unless the id is the
    /// invite's and the config is well formed.
    func verify(_ consensus: ConsensusConfig, invite: InviteCode) throws(JoinError) -> ClientConfig {
        let derived: ClientConfig
        do { derived = try consensus.clientConfig(codecs: codecs) } catch { throw .malformedConfig("\(error)") }
        try Self.check(derived, invite: invite)
        return derived
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
            "the consensus config served hashes to federation id \(served), not the invite's \(expected): "
                + "it was altered or substituted"
        case .malformedConfig(let reason): "the federation's config is malformed: \(reason)"
        case .inviteGuardianDisagrees(let peer):
            "the invite's guardian (\(peer)) served a config that the other guardians do not agree with"
        case .alreadyJoined(let id): "this client already joined federation \(id)"
        }
    }
}
