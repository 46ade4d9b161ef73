import FMCore
import FMSecp256k1

/// What can go wrong with notes, mint transactions and mint configs, each
/// with a message that says what was wrong and, where there is one, what to do.
public enum MintError: Error, Hashable, Sendable, ReportableError {
    /// The federation issues no notes of this denomination.
    case unknownDenomination(Denomination)
    /// The note's signature does not verify under its denomination's key: forged, damaged or from another federation.
    case invalidNoteSignature(nonce: XOnlyPublicKey, denomination: Denomination)
    /// At least one of `count` notes of one denomination has a signature that does not verify (a guardian stops at
    /// the failed batch check and does not search for which one: only the verdict matters to it).
    case invalidNoteSignatureInBatch(denomination: Denomination, count: Int)
    /// The note was redeemed before; a note can be spent once, ever.
    case noteAlreadySpent(nonce: XOnlyPublicKey)
    /// A dev-issue input reached a federation that is not in dev mode.
    case devIssueDisabled
    /// Bytes that should be a mint input, output or outcome could not be decoded.
    case malformed(what: String, reason: String)
    /// Representing an amount would take more notes than one transaction may carry.
    case tooManyNotes(count: UInt64, limit: Int)
    /// The wallet's notes are worth less than the amount asked for.
    case insufficientNotes(have: Amount, need: Amount)
    /// Fewer than t guardians returned a valid signature share; lists the guardians whose shares were invalid.
    case notEnoughValidShares(needed: Int, valid: Int, invalidFrom: [PeerID])
    /// t valid shares combined into a signature that does not verify: the config's keys are inconsistent.
    case combinedSignatureInvalid(denomination: Denomination)
    /// A note string that is not one: wrong prefix, damaged or failing a field check.
    case malformedNoteString(reason: String)
    /// The notes belong to another federation than the one they were checked against.
    case wrongFederation(expected: FederationID, found: FederationID)
    /// A mint config that is inconsistent or does not belong to this guardian.
    case invalidConfig(String)

    public var code: String {
        switch self {
        case .unknownDenomination: "unknown_denomination"
        case .invalidNoteSignature, .invalidNoteSignatureInBatch: "invalid_note_signature"
        case .noteAlreadySpent: "note_already_spent"
        case .devIssueDisabled: "dev_issue_disabled"
        case .malformed: "malformed_mint_item"
        case .tooManyNotes: "too_many_notes"
        case .insufficientNotes: "insufficient_notes"
        case .notEnoughValidShares: "not_enough_signature_shares"
        case .combinedSignatureInvalid: "combined_signature_invalid"
        case .malformedNoteString: "malformed_note_string"
        case .wrongFederation: "wrong_federation"
        case .invalidConfig: "invalid_mint_config"
        }
    }

    public var category: FailureCategory {
        switch self {
        case .malformedNoteString, .wrongFederation, .tooManyNotes: .badInput
        case .notEnoughValidShares: .unreachable
        default: .failed
        }
    }

    public var field: String? {
        switch self {
        case .malformedNoteString, .wrongFederation: "notes"
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .unknownDenomination(let denomination):
            "this federation issues no notes of \(denomination)"
        case .invalidNoteSignature(let nonce, let denomination):
            "note \(nonce) (\(denomination)) has an invalid signature: it was not issued by this federation or is damaged"
        case .invalidNoteSignatureInBatch(let denomination, let count):
            "at least one of the transaction's \(count) notes of \(denomination) has an invalid signature: it was not issued by this federation or is damaged"
        case .noteAlreadySpent(let nonce):
            "note \(nonce) was already spent; a note can be spent only once"
        case .devIssueDisabled:
            "dev-issue is accepted only by a federation started in dev mode; this one is not"
        case .malformed(let what, let reason):
            "malformed \(what): \(reason)"
        case .tooManyNotes(let count, let limit):
            "the amount needs \(count) notes, more than the \(limit) one transaction may carry; use a smaller amount"
        case .insufficientNotes(let have, let need):
            "not enough e-cash: need \(need.msats) msat, the notes are worth \(have.msats) msat"
        case .notEnoughValidShares(let needed, let valid, let invalidFrom):
            invalidFrom.isEmpty
                ? "only \(valid) of the \(needed) needed guardians returned a signature share; try again later"
                : "only \(valid) of the \(needed) needed signature shares are valid; invalid shares came from "
                    + invalidFrom.map(\.description).joined(separator: ", ")
        case .combinedSignatureInvalid(let denomination):
            "the combined signature for a \(denomination) note does not verify: the mint config's keys are inconsistent"
        case .malformedNoteString(let reason):
            "not a valid note string: \(reason)"
        case .wrongFederation(let expected, let found):
            "the notes belong to federation \(found), not to \(expected); use a client joined to that federation"
        case .invalidConfig(let reason):
            "invalid mint config: \(reason)"
        }
    }
}
