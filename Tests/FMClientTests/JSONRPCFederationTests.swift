import FMClient
import FMClientCore
import FMCore
import FMRPC
import Foundation
import Logging
import Synchronization
import Testing

/// The client against real JSON-RPC servers on loopback (FMRPC), each standing in for a guardian's
/// API with only the methods under test: join over WebSocket, and guardians' refusals compared
/// across guardians.
@Suite struct JSONRPCFederationTests {
    /// Starts `count` servers whose `consensus_config` answer is `config(peer, ports)`, runs `body`, stops them.
    func withGuardians<T: Sendable>(
        _ count: Int, config: @escaping @Sendable (PeerID, [Int]) -> ConsensusConfig,
        _ body: @Sendable ([Int]) async throws -> T
    ) async throws -> T {
        let ports = Mutex<[Int]>([])
        var servers: [RPCServer] = []
        for index in 0..<count {
            var registry = RPCMethodRegistry()
            let peer = PeerID(UInt16(index))
            registry.register(CoreAPI.consensusConfig) { (_: NoParams, _) in config(peer, ports.withLock { $0 }) }
            registry.register(CoreAPI.submitTransaction) { (_: CoreAPI.SubmitTransactionParams, _) -> CoreAPI.SubmitTransactionResult in
                throw JSONRPCError(.domain(.failed), "note_spent", "note 3f… was already spent")
            }
            // Says "try again" (its rate limit) twice, then answers: a retryable answer, never a verdict.
            let busy = Mutex(2)
            registry.register("busy_count") { (_: NoParams, _) -> Int in
                if busy.withLock({ left in defer { left -= 1 }; return left > 0 }) {
                    throw JSONRPCError.rateLimited(perSecond: 1)
                }
                return 5
            }
            servers.append(RPCServer(
                registry: registry, configuration: .init(host: "127.0.0.1", port: 0), logger: Logger(label: "test.guardian.\(index)")))
        }
        let tasks = servers.map { server in Task { try await server.run() } }
        defer { for task in tasks { task.cancel() } }
        var bound: [Int] = []
        for server in servers { bound.append(try await server.listeningPort()) }
        ports.withLock { $0 = bound }
        return try await body(bound)
    }

    static func consensus(ports: [Int], devMode: Bool = true) -> ConsensusConfig {
        ConsensusConfig(
            peers: ports.enumerated().map { index, port in
                ConsensusConfig.Peer(
                    peerId: PeerID(UInt16(index)), name: "g\(index)", p2pUrl: "fm://127.0.0.1:1", apiUrl: "ws://127.0.0.1:\(port)/",
                    tlsCertificate: "30", consensusPublicKey: "0\(index)")
            },
            threshold: FederationSize(ports.count).threshold, modules: [], devMode: devMode)
    }

    static func config(ports: [Int], devMode: Bool = true) -> ClientConfig {
        try! consensus(ports: ports, devMode: devMode).clientConfig(codecs: ClientModules.configCodecs)
    }

    static func invite(ports: [Int]) -> InviteCode {
        InviteCode(federationId: config(ports: ports).federationId, peer: PeerID(0), apiUrl: "ws://127.0.0.1:\(ports[0])/")
    }

    @Test func joinsOverWebSocketAndNamesTheForger() async throws {
        try await withGuardians(4, config: { peer, ports in Self.consensus(ports: ports, devMode: peer != PeerID(3)) }) { ports in
            let invite = Self.invite(ports: ports)
            let config = try await FederationJoin().fetchConfig(invite: invite)
            #expect(config == Self.config(ports: ports))

            // Two forgers of four: no three agree, and the error names who differs.
            try await withGuardians(4, config: { peer, ports in Self.consensus(ports: ports, devMode: peer.rawValue < 2) }) { ports in
                let invite = Self.invite(ports: ports)
                do {
                    _ = try await FederationJoin().fetchConfig(invite: invite)
                    Issue.record("expected disagreement")
                } catch let error as FederationQueryError {
                    guard case .noAgreement(_, _, let faulty) = error else { Issue.record("\(error)"); return }
                    // The two serving a config other than the invite's (it hashes to another federation id).
                    #expect(Set(faulty.keys) == [PeerID(2), PeerID(3)], "\(faulty)")
                }
            }
        }
    }

    @Test func refusalsFromDifferentGuardiansAgree() async throws {
        try await withGuardians(4, config: { _, ports in Self.consensus(ports: ports) }) { ports in
            let config = Self.config(ports: ports)
            let api = FederationAPI(config: config, transport: JSONRPCGuardianTransport(config: config))
            let transaction = Transaction(inputs: [], outputs: [], nonce: TransactionNonce(bytes: [1, 2, 3, 4, 5, 6, 7, 8])!)
            do {
                _ = try await api.submit(transaction)
                Issue.record("expected rejection")
            } catch let error as FederationQueryError {
                #expect(error == .rejected(method: CoreAPI.submitTransaction, code: "note_spent", message: "note 3f… was already spent"))
            }
        }
    }

    @Test func rateLimitedAnswersOverTheWireAreRetriedNotRefusals() async throws {
        try await withGuardians(4, config: { _, ports in Self.consensus(ports: ports) }) { ports in
            let config = Self.config(ports: ports)
            let api = FederationAPI(config: config, transport: JSONRPCGuardianTransport(config: config))
            let count = try await api.consensus("busy_count", params: [String: String](), as: Int.self)
            #expect(count == 5)
        }
    }

    @Test func unreachableGuardiansGiveNoQuorum() async throws {
        // Port 1 on loopback refuses connections.
        let invite = InviteCode(federationId: FederationJoinTests.federationId, peer: PeerID(0), apiUrl: "ws://127.0.0.1:1/")
        do {
            _ = try await FederationJoin().fetchConfig(invite: invite)
            Issue.record("expected unreachable")
        } catch let error as FederationQueryError {
            #expect(error.category == .unreachable)
            // One line in words; NIO's own error values only in the detail.
            #expect(error.description == "1 of 1 guardians unreachable, 1 needed: guardian 0 (127.0.0.1:1) connection refused")
            #expect(error.detail?.contains("guardian 0: ") == true)
        }
    }
}
