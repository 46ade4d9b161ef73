import FMCore

/// A guardian as DKG errors name it: its peer id and the name from its setup code.
public struct DKGGuardian: Hashable, Sendable, CustomStringConvertible {
    public let peer: PeerID
    public let name: String

    public init(peer: PeerID, name: String) {
        self.peer = peer
        self.name = name
    }

    public var description: String { "\(name) (\(peer))" }
}

/// Why a distributed key generation stopped. Every case that blames a guardian names it; nothing is written
/// after any of them.
public enum DKGError: ReportableError, Equatable {
    /// These guardians sent nothing for `step` within the timeout (never started, crashed, or unreachable).
    case timedOut(step: DKGStep, missing: [DKGGuardian], timeout: Duration)
    /// A frame from `guardian` could not be decoded, or broke the message rules (wrong sizes, counts, values).
    case malformedMessage(DKGGuardian, String)
    /// `guardian` sent a message for another step or round than the one running (out of sync or misbehaving).
    case unexpectedMessage(DKGGuardian, expected: DKGStep, got: String)
    /// `guardian` runs with other setup codes, or other parameters (`--dev`, module parameters), than this one.
    case setupMismatch(DKGGuardian, what: String)
    /// `guardian` derived another session id from the hello nonces than this guardian: some guardian (not
    /// necessarily this one) sent different nonces to different guardians. Nobody is proven at fault.
    case sessionMismatch(DKGGuardian)
    /// `guardian`'s signature on its broadcast does not verify under its consensus key.
    case invalidSignature(DKGGuardian, step: DKGStep)
    /// `guardian` signed two different messages for the same broadcast round (shown by `witness`'s echo).
    case equivocation(DKGGuardian, step: DKGStep, witness: DKGGuardian)
    /// `guardian`'s echo reports a message that the sender never signed.
    case invalidEcho(DKGGuardian, step: DKGStep, about: DKGGuardian)
    /// `guardian` revealed Feldman commitments that do not hash to the commitment it broadcast first.
    case commitmentMismatch(DKGGuardian)
    /// `guardian` sent this guardian a Shamir share that does not match its Feldman commitments.
    case invalidShare(DKGGuardian, keyIndex: Int)
    /// The guardians' commitments add up to the identity: no usable key (only a coordinated attack does that).
    case degenerateKey(keyIndex: Int)
    /// `guardian` aborted the DKG with error `code` and said why.
    case peerAborted(DKGGuardian, code: String, reason: String)
    /// The peer network could not be started or used.
    case network(String)

    public var category: FailureCategory {
        switch self {
        case .timedOut, .network: .unreachable
        case .setupMismatch: .badInput
        // The peer gave up for a reason that would be ours too: keep its category.
        case .peerAborted(_, "dkg_peer_timeout", _), .peerAborted(_, "dkg_network", _): .unreachable
        case .peerAborted(_, "dkg_setup_mismatch", _): .badInput
        default: .failed
        }
    }

    public var code: String {
        switch self {
        case .timedOut: "dkg_peer_timeout"
        case .malformedMessage: "dkg_malformed_message"
        case .unexpectedMessage: "dkg_unexpected_message"
        case .setupMismatch: "dkg_setup_mismatch"
        case .sessionMismatch: "dkg_session_mismatch"
        case .invalidSignature: "dkg_invalid_signature"
        case .equivocation: "dkg_equivocation"
        case .invalidEcho: "dkg_invalid_echo"
        case .commitmentMismatch: "dkg_commitment_mismatch"
        case .invalidShare: "dkg_invalid_share"
        case .degenerateKey: "dkg_degenerate_key"
        case .peerAborted: "dkg_peer_aborted"
        case .network: "dkg_network"
        }
    }

    /// The guardian this error blames, if it blames one.
    public var blamed: DKGGuardian? {
        switch self {
        case .malformedMessage(let g, _), .unexpectedMessage(let g, _, _), .setupMismatch(let g, _),
            .invalidSignature(let g, _), .equivocation(let g, _, _), .invalidEcho(let g, _, _),
            .commitmentMismatch(let g), .invalidShare(let g, _), .peerAborted(let g, _, _):
            g
        case .timedOut(_, let missing, _): missing.first
        // A session mismatch proves only that some guardian split its nonces, not which one.
        case .degenerateKey, .network, .sessionMismatch: nil
        }
    }

    public var description: String {
        switch self {
        case .timedOut(let step, let missing, let timeout):
            "no message from \(missing.map(\.description).joined(separator: ", ")) within \(timeout.seconds) s "
                + "(step \(step)): not started, stopped, or unreachable"
        case .malformedMessage(let g, let why): "\(g) sent a malformed DKG message: \(why)"
        case .unexpectedMessage(let g, let expected, let got):
            "\(g) sent \(got) while this guardian expected step \(expected): it runs a different protocol sequence"
        case .setupMismatch(let g, let what): "\(g) runs the DKG with different \(what)"
        case .sessionMismatch(let g):
            "\(g) derived another session id from the hello nonces: a guardian sent different nonces to different "
                + "guardians; run the DKG again"
        case .invalidSignature(let g, let step): "\(g)'s signature on its \(step) broadcast does not verify"
        case .equivocation(let g, let step, let witness):
            "\(g) equivocated: it signed different \(step) broadcasts for this guardian and for \(witness)"
        case .invalidEcho(let g, let step, let about):
            "\(g) echoed a \(step) broadcast that \(about) never signed"
        case .commitmentMismatch(let g):
            "\(g) revealed Feldman commitments that do not match the hash it committed to"
        case .invalidShare(let g, let keyIndex):
            "\(g) sent a secret share for key \(keyIndex) that does not match its Feldman commitments"
        case .degenerateKey(let keyIndex): "key \(keyIndex) came out as the identity point; run the DKG again"
        case .peerAborted(let g, _, let reason): "\(g) aborted the DKG: \(reason)"
        case .network(let why): "peer network: \(why)"
        }
    }
}

extension Duration {
    /// Whole seconds, for messages.
    var seconds: Int64 { components.seconds }
}
