import FMCore
import FMEncoding
import FMMintCommon
import Foundation

/// What users paste: note strings, invite codes, and the setup codes guardians exchange before the DKG.
let textTargets: [FuzzTarget] = [
    FuzzTarget(
        name: "note-string",
        run: { bytes in
            guard let text = String(validating: bytes, as: UTF8.self), let notes = try? NoteString(parsing: text) else { return }
            // One text form per value: printing what was parsed gives the (trimmed) input back.
            require(notes.description == text.trimmingCharacters(in: .whitespacesAndNewlines), "note string: printed form differs")
            require((try? NoteString(parsing: notes.description)) == notes, "note string: parse(print(x)) != x")
            _ = notes.total
        },
        seeds: {
            let federation = FederationID(Samples.hash("federation"))
            let spendable: [SpendableNote] = [UInt8(1), 2, 3].map { (n: UInt8) -> SpendableNote in
                let keypair = Samples.key(n)
                let note = Note(denomination: Denomination(exponent: n * 3), nonce: keypair.xOnlyPublicKey, signature: Samples.note.signature)
                return SpendableNote(note: note, spendKey: keypair)
            }
            return [
                Array(NoteString(federationId: federation, notes: [spendable[0]]).description.utf8),
                Array(("  " + NoteString(federationId: federation, notes: spendable).description + "\n").utf8),
            ]
        }),
    FuzzTarget(
        name: "invite-code",
        run: { bytes in
            guard let text = String(validating: bytes, as: UTF8.self), let code = try? InviteCode(parsing: text) else { return }
            require(code.description == text.lowercased(), "invite code: printed form differs from the accepted text")
            require((try? InviteCode(parsing: code.description)) == code, "invite code: parse(print(x)) != x")
        },
        seeds: {
            [
                InviteCode(federationId: FederationID(Samples.hash("federation")), peer: PeerID(0), apiUrl: "ws://127.0.0.1:8174"),
                InviteCode(federationId: FederationID(Samples.hash("other")), peer: PeerID(3), apiUrl: "wss://guardian-3.example.org:443"),
            ].map { Array($0.description.utf8) }
        }),
    FuzzTarget(
        name: "setup-code",
        run: { bytes in
            guard let code = try? JSONConventions.decode(SetupCode.self, from: Data(bytes), what: "setup code") else { return }
            let validated = try? code.validated()
            // Re-encoding keeps every field; validation depends only on the fields.
            let again = try? JSONConventions.decode(SetupCode.self, from: JSONConventions.encoder().encode(code), what: "setup code")
            require(again == code, "setup code: decode(encode(x)) != x")
            let revalidated = try? again?.validated()
            require((revalidated != nil) == (validated != nil), "setup code: validation not deterministic")
        },
        seeds: {
            let identity = try! TLSIdentity.generate(name: "guardian-0")
            let code = SetupCode(
                version: SetupCode.currentVersion, name: "guardian-0", p2pUrl: "fm://127.0.0.1:8173", apiUrl: "ws://127.0.0.1:8174",
                tlsCertificate: Hex.encode(identity.certificate.derBytes),
                consensusPublicKey: Hex.encode(Samples.key(9).xOnlyPublicKey.rawRepresentation))
            return [Array(try! JSONConventions.encoder().encode(code))]
        }),
]
