import FMCore
import FMEncoding
import FMSecp256k1

/// A mint transaction input.
///
/// Canonical form: a versioned enum (variant index and length-prefixed body),
/// so new kinds of input can be added without changing existing encodings.
/// A decoder rejects variants it does not know.
public enum MintInput: Hashable, Sendable, CanonicalCodable {
    /// Redeems a note; the transaction must be signed by the note's nonce key.
    case note(Note)
    /// Creates e-cash from nothing. **Development only**: accepted only by a
    /// federation whose mint config has `dev_mode: true`, so that fm-mint can
    /// issue test e-cash before peg-in exists. Its amount counts as an asset
    /// in the audit, standing in for deposits.
    case devIssue(DevIssue)

    /// The body of ``devIssue(_:)``: how much to create and the key that must sign the transaction.
    public struct DevIssue: Hashable, Sendable {
        public let amount: Amount
        public let spendKey: XOnlyPublicKey

        public init(amount: Amount, spendKey: XOnlyPublicKey) {
            self.amount = amount
            self.spendKey = spendKey
        }
    }

    /// The key whose signature over the txid authorizes this input.
    public var spendKey: XOnlyPublicKey {
        switch self {
        case .note(let note): note.nonce
        case .devIssue(let issue): issue.spendKey
        }
    }

    /// The value the input brings into a transaction.
    public var amount: Amount {
        switch self {
        case .note(let note): note.amount
        case .devIssue(let issue): issue.amount
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .note(let note):
            encoder.writeVariant(0) { $0.write(note) }
        case .devIssue(let issue):
            encoder.writeVariant(1) { body in
                body.write(issue.amount)
                body.writeFixed(issue.spendKey.rawRepresentation)
            }
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        var (index, body) = try decoder.readVariant()
        switch index {
        case 0:
            self = .note(try body.read(Note.self))
        case 1:
            self = .devIssue(DevIssue(amount: try body.read(), spendKey: try body.readXOnlyPublicKey()))
        default:
            throw .unknownVariant(index, type: "MintInput")
        }
        try body.finish()
    }
}

/// What a mint input claims, read without validating the note's signature point (the costly part of decoding a
/// note): its amount, spend key and denomination.
///
/// A guardian reads this first and checks the transaction's Schnorr signature by `spendKey` over the txid before
/// it decodes the note in full and verifies the note's signature with a pairing: a transaction that its spender did
/// not sign costs it a hash and a Schnorr verification per input, not a pairing.
public struct MintInputClaim: Hashable, Sendable {
    public let amount: Amount
    public let spendKey: XOnlyPublicKey
    /// The note's denomination; `nil` for a dev-issue.
    public let denomination: Denomination?

    /// Reads the claim; throws what ``MintInput``'s decoder would for the same bytes, except that a note's
    /// signature bytes are not checked to be a valid point.
    public init(canonicalBytes: [UInt8]) throws(CanonicalDecodingError) {
        var decoder = CanonicalDecoder(canonicalBytes)
        var (index, body) = try decoder.readVariant()
        switch index {
        case 0:
            let denomination: Denomination = try body.read()
            spendKey = try body.readXOnlyPublicKey()
            _ = try body.readFixed(48)
            amount = denomination.amount
            self.denomination = denomination
        case 1:
            amount = try body.read()
            spendKey = try body.readXOnlyPublicKey()
            denomination = nil
        default:
            throw .unknownVariant(index, type: "MintInput")
        }
        try body.finish()
        try decoder.finish()
    }
}
