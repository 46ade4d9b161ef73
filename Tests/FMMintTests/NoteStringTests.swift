import FMCore
import FMCrypto
import FMEncoding
import FMMintClient
import FMMintCommon
import FMSecp256k1
import FMTesting
import Testing

@Suite struct NoteStringTests {
    static let federationId = FederationID(Hash256.sha256(Array("test federation".utf8)))

    func issuedNotes(_ federation: MintFederation, _ amount: UInt64) throws -> [SpendableNote] {
        var indices: [Denomination: UInt64] = [:]
        let secrets = try federation.derivation.secrets(
            for: Amount(msats: amount), config: federation.config, nextIndices: &indices)
        return try federation.issue(secrets, inputs: [])
    }

    @Test func roundTripAndOfflineValidation() throws {
        let federation = try MintFederation()
        let notes = try issuedNotes(federation, 1000)
        let string = NoteString(federationId: Self.federationId, notes: notes)
        let text = string.description
        #expect(text.hasPrefix("fmnotes"))
        let parsed = try NoteString(parsing: "  \(text)\n")
        #expect(parsed == string)
        #expect(parsed.total == Amount(msats: 1000))
        #expect(try parsed.invalidNotes(federationId: Self.federationId, config: federation.config).isEmpty)

        let other = FederationID(Hash256.sha256([1]))
        let wrong = #expect(throws: MintError.self) { try parsed.invalidNotes(federationId: other, config: federation.config) }
        #expect(wrong == .wrongFederation(expected: other, found: Self.federationId))
    }

    @Test func forgedNotesAreNamedByPosition() throws {
        let federation = try MintFederation()
        let notes = try issuedNotes(federation, 7)  // 4, 2, 1
        // Swap the signatures of notes 0 and 2: both invalid, well-formed.
        func resigned(_ spendable: SpendableNote, with signature: Signature) -> SpendableNote {
            SpendableNote(
                note: Note(denomination: spendable.denomination, nonce: spendable.note.nonce, signature: signature),
                spendKey: spendable.spendKey)
        }
        let tampered = [
            resigned(notes[0], with: notes[2].note.signature), notes[1], resigned(notes[2], with: notes[0].note.signature),
        ]
        let parsed = try NoteString(parsing: NoteString(federationId: Self.federationId, notes: tampered).description)
        #expect(try parsed.invalidNotes(federationId: Self.federationId, config: federation.config) == [0, 2])
        // Notes from another federation's keys are invalid here.
        let stranger = try MintFederation(seed: 77)
        #expect(try NoteValidation.invalidNotes(notes.map(\.note), config: stranger.config) == [0, 1, 2])
    }

    @Test func damagedStringsAreRejected() throws {
        let federation = try MintFederation()
        let text = NoteString(federationId: Self.federationId, notes: try issuedNotes(federation, 3)).description
        #expect(throws: MintError.self) { try NoteString(parsing: "fmnote" + text.dropFirst(7)) }
        #expect(throws: MintError.self) { try NoteString(parsing: String(text.dropLast(3))) }
        #expect(throws: MintError.self) { try NoteString(parsing: text + "A") }
        #expect(throws: MintError.self) { try NoteString(parsing: "fmnotes") }
        #expect(throws: MintError.self) { try NoteString(parsing: text.replacingOccurrences(of: "-", with: "+")) }
        // Every single-character change is caught (checksum or field validation).
        let characters = Array(text)
        var rng = SeededRandom(seed: 11)
        for _ in 0..<200 {
            var changed = characters
            let position = Int.random(in: 7..<changed.count, using: &rng)
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            let replacement = alphabet.filter { $0 != changed[position] }.randomElement(using: &rng)!
            changed[position] = replacement
            let error = #expect(throws: MintError.self) { try NoteString(parsing: String(changed)) }
            #expect(error?.code == "malformed_note_string")
        }
    }

    @Test func canonicalPayloadIsValidatedFieldByField() throws {
        let federation = try MintFederation()
        let string = NoteString(federationId: Self.federationId, notes: try issuedNotes(federation, 1))
        var bytes = string.canonicalBytes
        #expect(try NoteString(canonicalBytes: bytes) == string)
        bytes[0] = 1  // unknown version
        #expect(throws: CanonicalDecodingError.self) { try NoteString(canonicalBytes: bytes) }
        #expect(throws: CanonicalDecodingError.self) { try NoteString(canonicalBytes: string.canonicalBytes + [0]) }
        var zeroKey = string.canonicalBytes
        for i in 35..<67 { zeroKey[i] = 0 }  // version, id (32), count, denomination, then the spend key
        #expect(throws: CanonicalDecodingError.self) { try NoteString(canonicalBytes: zeroKey) }
        let empty = NoteString(federationId: Self.federationId, notes: [])
        #expect(throws: CanonicalDecodingError.self) { try NoteString(canonicalBytes: empty.canonicalBytes) }
    }
}
