import FMCore
import Logging

/// The DKG's rounds: in round r every guardian sends exactly one message to every other guardian and waits for
/// exactly one from each.
///
/// Because a guardian starts round r + 1 only after it has everyone's round-r message, no honest peer is ever
/// more than one round ahead: a message for round r + 1 is kept for later, anything else (a repeat, an older
/// round, a round further ahead, another step than the one running) is a protocol violation by its sender.
/// An `abort` frame from a peer ends the DKG with that peer's reason.
actor RoundExchange {
    let participants: DKGParticipants
    let ownPeer: PeerID
    let timeout: Duration
    private let transport: any DKGTransport
    private let inbox: FrameInbox
    private let logger: Logger
    private var reader: Task<Void, Never>?
    private var round: UInt64 = 0
    private var early: [PeerID: (step: DKGStep, payload: [UInt8])] = [:]

    init(participants: DKGParticipants, ownPeer: PeerID, transport: any DKGTransport, timeout: Duration, logger: Logger) {
        self.participants = participants
        self.ownPeer = ownPeer
        self.transport = transport
        self.timeout = timeout
        self.logger = logger
        inbox = FrameInbox(limit: 4 * participants.count + 16)
    }

    /// Starts reading the transport; call once before the first round.
    func start() {
        guard reader == nil else { return }
        let stream = transport.received
        let inbox = inbox
        reader = Task {
            for await frame in stream { await inbox.deliver((frame.0, frame.1)) }
            await inbox.close()
        }
    }

    /// Stops reading the transport.
    func stop() async {
        reader?.cancel()
        await inbox.close()
    }

    var others: [PeerID] { participants.peers.filter { $0 != ownPeer } }

    /// The round about to run (also the number of rounds run so far).
    var currentRound: UInt64 { round }

    /// Runs one round of `step`: sends `outgoing(peer)` to every other guardian and returns what each sent.
    func exchange(_ step: DKGStep, _ outgoing: (PeerID) -> [UInt8]) async throws(DKGError) -> [PeerID: [UInt8]] {
        let current = round
        round += 1
        for peer in others {
            do {
                try transport.send(DKGFrame.message(round: current, step: step, payload: outgoing(peer)).canonicalBytes, to: peer)
            } catch {
                throw .network("cannot send to \(participants.guardian(peer)): \(error)")
            }
        }
        var received: [PeerID: [UInt8]] = [:]
        for (peer, message) in early {
            guard message.step == step else {
                throw .unexpectedMessage(participants.guardian(peer), expected: step, got: "a \(message.step) message")
            }
            received[peer] = message.payload
        }
        early = [:]
        let deadline = ContinuousClock.now + timeout
        while received.count < others.count {
            guard let (peer, bytes) = await inbox.next(until: deadline) else {
                let missing = others.filter { received[$0] == nil }.map(participants.guardian)
                throw .timedOut(step: step, missing: missing, timeout: timeout)
            }
            guard peer != ownPeer, Int(peer.rawValue) < participants.count else { continue }
            let guardian = participants.guardian(peer)
            let frame: DKGFrame
            do { frame = try DKGFrame(canonicalBytes: bytes) } catch { throw .malformedMessage(guardian, error.description) }
            switch frame {
            case .abort(let code, let reason):
                throw .peerAborted(guardian, code: code, reason: reason)
            case .message(let frameRound, let frameStep, let payload) where frameRound == current:
                guard frameStep == step else {
                    throw .unexpectedMessage(guardian, expected: step, got: "a \(frameStep) message")
                }
                guard received[peer] == nil else {
                    throw .unexpectedMessage(guardian, expected: step, got: "a second \(step) message in round \(current)")
                }
                received[peer] = payload
            case .message(let frameRound, let frameStep, let payload) where frameRound == current + 1:
                guard early[peer] == nil else {
                    throw .unexpectedMessage(guardian, expected: step, got: "two messages for round \(frameRound)")
                }
                early[peer] = (frameStep, payload)
            case .message(let frameRound, let frameStep, _):
                throw .unexpectedMessage(
                    guardian, expected: step, got: "a \(frameStep) message for round \(frameRound) during round \(current)")
            }
        }
        logger.debug("DKG round complete", metadata: ["round": "\(current)", "step": "\(step)"])
        return received
    }

    /// Tells every other guardian that this one stops, and why; waits briefly for the frames to leave.
    func abort(code: String, reason: String) async {
        let frame = DKGFrame.abort(code: code, reason: reason).canonicalBytes
        for peer in others { try? transport.send(frame, to: peer) }
        await transport.flush(within: .seconds(3))
    }

    /// Waits briefly for the last frames to leave before the transport closes.
    func flush() async { await transport.flush(within: .seconds(5)) }
}
