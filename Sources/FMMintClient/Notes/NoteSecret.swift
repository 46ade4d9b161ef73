import FMCore
import FMCrypto
import FMMintCommon
import FMSecp256k1

/// The client's secrets for one note being issued: its spend key (whose
/// x-only public key is the note's nonce) and its blinding factor.
///
/// - Important: secret; the description is redacted.
public struct NoteSecret: Sendable, Equatable, CustomStringConvertible {
    public let denomination: Denomination
    /// The derivation index of this note within its denomination.
    public let index: UInt64
    public let spendKey: Keypair
    public let blindingKey: BlindingKey

    public init(denomination: Denomination, index: UInt64, spendKey: Keypair, blindingKey: BlindingKey) {
        self.denomination = denomination
        self.index = index
        self.spendKey = spendKey
        self.blindingKey = blindingKey
    }

    /// The note's nonce: the x-only public spend key.
    public var nonce: XOnlyPublicKey { spendKey.xOnlyPublicKey }

    /// M = H(nonce).
    public var message: Message { Message(nonce: nonce.rawRepresentation) }

    /// B = r·M, what the guardians sign.
    public var blindedMessage: BlindedMessage { message.blinded(by: blindingKey) }

    /// The transaction output that requests this note.
    public var output: MintOutput { MintOutput(denomination: denomination, blindedMessage: blindedMessage) }

    public var description: String { "NoteSecret(\(denomination), index \(index), <redacted>)" }
}

/// A note together with its spend key: what a wallet holds and what a note string carries.
///
/// - Important: whoever has the spend key can spend the note; the description is redacted.
public struct SpendableNote: Sendable, Equatable, CustomStringConvertible {
    public let note: Note
    public let spendKey: Keypair

    /// - Precondition: `spendKey` is the key of `note`'s nonce.
    public init(note: Note, spendKey: Keypair) {
        precondition(spendKey.xOnlyPublicKey == note.nonce, "the spend key must match the note's nonce")
        self.note = note
        self.spendKey = spendKey
    }

    public var denomination: Denomination { note.denomination }
    public var amount: Amount { note.amount }

    /// The mint input that redeems this note; the transaction must be signed with ``spendKey``.
    public var input: MintInput { .note(note) }

    public var description: String { "SpendableNote(\(note.denomination), nonce \(note.nonce))" }
}
