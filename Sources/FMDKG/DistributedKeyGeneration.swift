import FMCore
import FMPeerNetwork
import FMSecp256k1
import FMSetup
import Logging

/// Runs a DKG: connects, checks that everyone holds the same setup, runs the caller's key generation on a
/// ``DKGSession``, and ends with a `done` round so that nobody leaves while a peer still waits for it.
///
/// On any failure this guardian tells the others why (an `abort` frame) before it returns the error, so they stop
/// at once instead of waiting for their timeout.
public enum DistributedKeyGeneration {
    /// Tunables; the defaults suit guardians that start within a few minutes of each other.
    public struct Options: Sendable {
        /// How long each round may wait for every peer. The first round is where guardians that start late are
        /// waited for, so this is also how long the others wait for a guardian that never comes.
        public var timeout: Duration
        /// The address the p2p listener binds; nil binds the host of this guardian's p2p URL.
        public var bindHost: String?

        public init(timeout: Duration = .seconds(300), bindHost: String? = nil) {
            self.timeout = timeout
            self.bindHost = bindHost
        }
    }

    /// Runs the DKG over mutual TLS pinned to the setup codes' certificates (``PeerNetwork``).
    ///
    /// - Parameters:
    ///   - identity: this guardian's identity; its setup code must be one of `participants`.
    ///   - parametersDigest: hash of the parameters every guardian must share (checked in the first round).
    ///   - body: the key generation; its result is returned once every guardian has finished.
    public static func run<Result: Sendable>(
        participants: DKGParticipants, identity: GuardianIdentity, parametersDigest: Hash256,
        options: Options = Options(), logger: Logger = Logger(label: "fm.dkg"),
        _ body: @Sendable (DKGSession) async throws -> Result
    ) async throws -> Result {
        guard let ownPeer = participants.peer(of: identity.setupCode) else {
            throw InvalidInput(
                field: "--identity-dir", expected: "the identity of one of the guardians whose setup codes were given",
                code: "identity_not_in_setup_codes")
        }
        let network: PeerNetwork
        do {
            network = try PeerNetwork(configuration: networkConfiguration(
                participants: participants, ownPeer: ownPeer, identity: identity, bindHost: options.bindHost),
                logger: logger)
        } catch { throw DKGError.network("\(error)") }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await network.run() }
            defer { network.shutdown() }
            do { _ = try await network.listeningPort() } catch {
                throw DKGError.network("cannot listen on \(participants.guardians[Int(ownPeer.rawValue)].p2p): \(error)")
            }
            logger.info("\(participants.guardian(ownPeer)) waiting for \(participants.count - 1) peers")
            return try await run(
                participants: participants, ownPeer: ownPeer, signingKey: identity.consensusKey, transport: network,
                parametersDigest: parametersDigest, timeout: options.timeout, logger: logger, body)
        }
    }

    /// Runs the DKG over any transport (tests use ``InMemoryDKGNetwork``).
    public static func run<Result: Sendable>(
        participants: DKGParticipants, ownPeer: PeerID, signingKey: Keypair, transport: some DKGTransport,
        parametersDigest: Hash256, timeout: Duration, logger: Logger = Logger(label: "fm.dkg"),
        _ body: @Sendable (DKGSession) async throws -> Result
    ) async throws -> Result {
        let rounds = RoundExchange(
            participants: participants, ownPeer: ownPeer, transport: transport, timeout: timeout, logger: logger)
        await rounds.start()
        do {
            let sessionID = try await DKGSession.open(rounds: rounds, parametersDigest: parametersDigest, logger: logger)
            let session = DKGSession(
                participants: participants, ownPeer: ownPeer, sessionID: sessionID, signingKey: signingKey,
                rounds: rounds, logger: logger)
            let result = try await body(session)
            try await session.finish()
            await rounds.flush()
            await rounds.stop()
            return result
        } catch {
            logger.debug("DKG aborted: \(error)")
            if case DKGError.peerAborted = error {} else {
                await rounds.abort(code: (error as? any ReportableError)?.code ?? "internal", reason: "\(error)")
            }
            await rounds.stop()
            throw error
        }
    }

    static func networkConfiguration(
        participants: DKGParticipants, ownPeer: PeerID, identity: GuardianIdentity, bindHost: String?
    ) -> PeerNetworkConfiguration {
        var peers: [PeerID: FMPeerNetwork.PeerEndpoint] = [:]
        for (index, guardian) in participants.guardians.enumerated() where index != Int(ownPeer.rawValue) {
            peers[PeerID(UInt16(index))] = FMPeerNetwork.PeerEndpoint(
                host: guardian.p2p.host, port: guardian.p2p.port, certificate: guardian.certificate)
        }
        let own = participants.guardians[Int(ownPeer.rawValue)].p2p
        var configuration = PeerNetworkConfiguration(
            ourID: ownPeer, networkID: participants.digest, identity: identity.tls, listenHost: bindHost ?? own.host,
            listenPort: own.port, peers: peers)
        // Guardians start fm-dkg by hand, minutes apart: retry often so the last one is seen at once.
        configuration.reconnectBackoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(1))
        return configuration
    }
}
