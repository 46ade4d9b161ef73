import FMCore
import FMCrypto
import FMSecp256k1
import FMServerCore
import Logging

/// One guardian's side of a running DKG: implements ``DistributedConfigSession`` for the modules' key generation
/// over the rounds of a ``RoundExchange`` (docs/dkg.md).
///
/// Call its methods one at a time, in the same order at every guardian (the module inits do). Any inconsistency
/// throws a ``DKGError`` that names the guardian at fault; the session is then unusable.
public final class DKGSession: DistributedConfigSession {
    public let participants: DKGParticipants
    public let ownPeer: PeerID
    public var peers: [PeerID] { participants.peers }
    public var threshold: Int { participants.threshold }
    /// This run's id, agreed in ``open(rounds:parametersDigest:logger:)`` from every guardian's hello nonce; every
    /// signed statement names it, so a message of another run never verifies in this one.
    public let sessionID: Hash256

    let rounds: RoundExchange
    private let signingKey: Keypair
    private let logger: Logger

    init(
        participants: DKGParticipants, ownPeer: PeerID, sessionID: Hash256, signingKey: Keypair, rounds: RoundExchange,
        logger: Logger
    ) {
        self.participants = participants
        self.ownPeer = ownPeer
        self.sessionID = sessionID
        self.signingKey = signingKey
        self.rounds = rounds
        self.logger = logger
    }

    private func guardian(_ peer: PeerID) -> DKGGuardian { participants.guardian(peer) }

    // MARK: - Hello, session and done

    /// Round `hello`: every guardian must hold the same setup codes and parameters, and brings a fresh nonce.
    /// Round `session`: every guardian shows the session id it derived from all the nonces; they must agree
    /// (a guardian that sent different nonces to different guardians makes the run stop here, before anything is
    /// signed, instead of making honest signatures fail later). Returns the agreed session id.
    static func open(rounds: RoundExchange, parametersDigest: Hash256, logger: Logger) async throws(DKGError) -> Hash256 {
        let participants = rounds.participants
        var nonce = [UInt8](repeating: 0, count: HelloPayload.nonceBytes)
        var rng = SystemRandomNumberGenerator()
        for index in nonce.indices { nonce[index] = UInt8.random(in: 0...255, using: &rng) }
        let own = HelloPayload(setupDigest: participants.digest, parametersDigest: parametersDigest, nonce: nonce)
        var hellos: [PeerID: HelloPayload] = [rounds.ownPeer: own]
        let received = try await rounds.exchange(.hello) { _ in own.canonicalBytes }
        for (peer, bytes) in received.sorted(by: { $0.key < $1.key }) {
            let hello: HelloPayload
            do { hello = try HelloPayload(canonicalBytes: bytes) } catch {
                throw .malformedMessage(participants.guardian(peer), error.description)
            }
            guard hello.setupDigest == own.setupDigest else {
                throw .setupMismatch(participants.guardian(peer), what: "setup codes (compare the lists of setup codes)")
            }
            guard hello.parametersDigest == own.parametersDigest else {
                throw .setupMismatch(
                    participants.guardian(peer), what: "parameters (--dev and module parameters must be equal)")
            }
            hellos[peer] = hello
        }
        let sessionID = HelloPayload.sessionID(of: participants.peers.map { hellos[$0]! })
        for (peer, bytes) in try await rounds.exchange(.session, { _ in sessionID.bytes }).sorted(by: { $0.key < $1.key }) {
            guard bytes == sessionID.bytes else { throw .sessionMismatch(participants.guardian(peer)) }
        }
        logger.info("all \(participants.count) guardians are connected and agree on the setup", metadata: ["session": "\(sessionID.hex)"])
        return sessionID
    }

    /// Round `done`: everyone has everything it needs, so nobody leaves while a peer still waits for it.
    func finish() async throws(DKGError) {
        let received = try await rounds.exchange(.done) { _ in [] }
        for (peer, bytes) in received where !bytes.isEmpty {
            throw .malformedMessage(guardian(peer), "a done message carries no payload")
        }
    }

    // MARK: - DistributedConfigSession

    public func generateThresholdKeys(count: Int) async throws -> [DistributedThresholdKey] {
        try await generateKeys(count: count)
    }

    public func exchangePublicValues(_ value: [UInt8]) async throws -> [PeerID: [UInt8]] {
        var values = try await echoedBroadcast(value, step: .publicValue, echoStep: .publicValueEcho)
        values[ownPeer] = value
        return values
    }

    /// Commit, echo, reveal, shares, then combine (docs/dkg.md, "Key batch").
    func generateKeys(count: Int) async throws(DKGError) -> [DistributedThresholdKey] {
        guard count > 0 else { return [] }  // every guardian asks for the same count, so all skip the rounds
        let t = threshold
        let started = ContinuousClock.now
        var rng = SystemRandomNumberGenerator()
        let deal = FeldmanDeal(keyCount: count, threshold: t, using: &rng)
        let ownReveal = deal.reveal
        let ownCommit = CommitBody(
            keyCount: count, threshold: t,
            commitmentHash: ownReveal.commitmentHash(sessionID: sessionID, sender: ownPeer))

        // (a) Hash commitments, signed and echoed: nobody can pick its polynomial after seeing another's.
        let commitBodies = try await echoedBroadcast(ownCommit.canonicalBytes, step: .commit, echoStep: .commitEcho)
        var commits: [PeerID: CommitBody] = [ownPeer: ownCommit]
        for (peer, bytes) in commitBodies {
            let commit: CommitBody
            do { commit = try CommitBody(canonicalBytes: bytes) } catch {
                throw .malformedMessage(guardian(peer), error.description)
            }
            guard commit.keyCount == count, commit.threshold == t else {
                throw .malformedMessage(
                    guardian(peer), "it generates \(commit.keyCount) keys of threshold \(commit.threshold), "
                        + "this guardian \(count) of threshold \(t)")
            }
            commits[peer] = commit
        }

        // (b) Reveal the Feldman commitments; each must match the hash committed to.
        let revealBytes = ownReveal.canonicalBytes
        var reveals: [PeerID: RevealPayload] = [ownPeer: ownReveal]
        for (peer, bytes) in try await rounds.exchange(.reveal, { _ in revealBytes }) {
            let reveal: RevealPayload
            do { reveal = try RevealPayload(canonicalBytes: bytes, keyCount: count, threshold: t) } catch {
                throw .malformedMessage(guardian(peer), error.description)
            }
            guard reveal.commitmentHash(sessionID: sessionID, sender: peer) == commits[peer]?.commitmentHash
            else { throw .commitmentMismatch(guardian(peer)) }
            reveals[peer] = reveal
        }

        // (c) Each peer's shares, privately over its authenticated link; (d) each checked against the commitments.
        var shares: [PeerID: SharesPayload] = [ownPeer: deal.shares(for: ownPeer)]
        for (peer, bytes) in try await rounds.exchange(.shares, { deal.shares(for: $0).canonicalBytes }) {
            let received: SharesPayload
            do { received = try SharesPayload(canonicalBytes: bytes, keyCount: count) } catch {
                throw .malformedMessage(guardian(peer), error.description)
            }
            try FeldmanAggregation.verify(
                shares: received, from: guardian(peer), commitments: reveals[peer]!, receiver: ownPeer)
            shares[peer] = received
        }

        let keys = try FeldmanAggregation.combine(
            commitments: peers.map { reveals[$0]! }, shares: peers.map { shares[$0]! }, guardians: peers.count,
            receiver: ownPeer)
        logger.info("generated \(count) threshold keys (\(t) of \(peers.count)) in \(ContinuousClock.now - started)")
        return keys
    }

    // MARK: - Echoed broadcast

    /// Broadcasts `body` signed, then echoes what every guardian signed: returns the other guardians' bodies once
    /// every echo agrees with what this guardian received.
    ///
    /// An echo that disagrees is resolved by its signature: if the sender signed the other body too, the sender
    /// equivocated; if not, the echoer lied.
    func echoedBroadcast(_ body: [UInt8], step: DKGStep, echoStep: DKGStep) async throws(DKGError) -> [PeerID: [UInt8]] {
        let context = BroadcastContext(sessionID: sessionID, round: await rounds.currentRound, step: step)
        let own = SignedBroadcast.sign(body, context: context, sender: ownPeer, with: signingKey)
        var entries: [PeerID: EchoPayload.Entry] = [
            ownPeer: EchoPayload.Entry(bodyHash: Hash256.sha256(body), signature: own.signature)
        ]
        var bodies: [PeerID: [UInt8]] = [:]
        for (peer, bytes) in try await rounds.exchange(step, { _ in own.canonicalBytes }) {
            let signed: SignedBroadcast
            do { signed = try SignedBroadcast(canonicalBytes: bytes) } catch {
                throw .malformedMessage(guardian(peer), error.description)
            }
            let entry = EchoPayload.Entry(bodyHash: Hash256.sha256(signed.body), signature: signed.signature)
            guard verify(entry, context: context, sender: peer) else { throw .invalidSignature(guardian(peer), step: step) }
            entries[peer] = entry
            bodies[peer] = signed.body
        }

        let echo = EchoPayload(entries: peers.map { entries[$0]! })
        let echoBytes = echo.canonicalBytes
        for (echoer, bytes) in try await rounds.exchange(echoStep, { _ in echoBytes }).sorted(by: { $0.key < $1.key }) {
            let theirs: EchoPayload
            do { theirs = try EchoPayload(canonicalBytes: bytes, guardians: peers.count) } catch {
                throw .malformedMessage(guardian(echoer), error.description)
            }
            for (sender, (mine, reported)) in zip(peers, zip(echo.entries, theirs.entries))
            where mine.bodyHash != reported.bodyHash {
                if verify(reported, context: context, sender: sender) {
                    throw .equivocation(guardian(sender), step: step, witness: guardian(echoer))
                }
                throw .invalidEcho(guardian(echoer), step: step, about: guardian(sender))
            }
        }
        return bodies
    }

    private func verify(_ entry: EchoPayload.Entry, context: BroadcastContext, sender: PeerID) -> Bool {
        participants.guardians[Int(sender.rawValue)].consensusKey.isValidSchnorrSignature(
            entry.signature, for: context.statement(sender: sender, bodyHash: entry.bodyHash))
    }
}
