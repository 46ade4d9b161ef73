import FMCore
import FMCrypto
import FMDatabase
import FMMintClient
import FMMintCommon
import FMMintServer
import FMSecp256k1
import FMServerCore
import FMTesting
import Foundation
import Testing

@Suite struct MintServerModuleTests {
    /// Dev-issues `amount` as fresh notes at index `start` onwards and returns them.
    func devIssued(_ federation: MintFederation, _ amount: Amount, firstIndex: UInt64 = 0) throws -> [SpendableNote] {
        var indices: [Denomination: UInt64] = [:]
        for exponent in 0...8 { indices[Denomination(exponent: UInt8(exponent))] = firstIndex }
        let secrets = try federation.derivation.secrets(for: amount, config: federation.config, nextIndices: &indices)
        let devInput = MintInput.devIssue(.init(amount: amount, spendKey: Keypair().xOnlyPublicKey))
        return try federation.issue(secrets, inputs: [devInput])
    }

    @Test func issuedNotesVerifyAndCanBeSpentOnce() throws {
        let federation = try MintFederation(devMode: true)
        let notes = try devIssued(federation, Amount(msats: 300))
        #expect(notes.map(\.amount.msats) == [256, 32, 8, 4])
        #expect(try NoteValidation.invalidNotes(notes.map(\.note), config: federation.config).isEmpty)

        // Spend them all into one new note of 256 + the fees (4 inputs, 1 output).
        let secret = federation.derivation.secret(denomination: Denomination(exponent: 8), index: 1)
        let (inputMetas, outputMetas) = try federation.applyEverywhere(
            inputs: notes.map(\.input), outputs: [secret.output])
        #expect(inputMetas.map(\.spendKey) == notes.map(\.note.nonce))
        #expect(inputMetas.map(\.amount.msats) == [256, 32, 8, 4])
        #expect(inputMetas.allSatisfy { $0.fee == Amount(msats: 100) })
        #expect(outputMetas == [OutputMeta(amount: Amount(msats: 256), fee: Amount(msats: 100))])

        // The same notes again: rejected at every guardian, nothing written.
        for guardian in federation.guardians {
            let error = #expect(throws: TransactionRejection.self) {
                try federation.apply(at: guardian, inputs: [notes[1].input], outputs: [])
            }
            #expect(error?.code == "note_already_spent")
            #expect(error?.message.contains(notes[1].note.nonce.description) == true)
            let verify = #expect(throws: TransactionRejection.self) {
                try guardian.database.readNow { try guardian.module.verifyInput(notes[1].input.canonicalBytes, db: $0) }
            }
            #expect(verify?.code == "note_already_spent")
        }
    }

    @Test func sameNoteTwiceInOneTransactionIsRejectedWhole() throws {
        let federation = try MintFederation(devMode: true)
        let notes = try devIssued(federation, Amount(msats: 3))
        let guardian = federation.guardians[0]
        let before = try federation.audits()[0]

        let verify = #expect(throws: TransactionRejection.self) {
            try guardian.database.readNow {
                try guardian.module.verifyInputs([notes[0].input.canonicalBytes, notes[0].input.canonicalBytes], db: $0)
            }
        }
        #expect(verify?.code == "note_already_spent")
        let process = #expect(throws: TransactionRejection.self) {
            try federation.apply(at: guardian, inputs: [notes[1].input, notes[0].input, notes[0].input], outputs: [])
        }
        #expect(process?.code == "note_already_spent")
        // Rolled back whole: the other note is still spendable and the audit is unchanged.
        #expect(try federation.audits()[0] == before)
        try federation.apply(at: guardian, inputs: [notes[1].input], outputs: [])
    }

    @Test func spentNonceTableRefusesADuplicateEvenWithoutTheModule() throws {
        let federation = try MintFederation(devMode: true)
        let notes = try devIssued(federation, Amount(msats: 1))
        try federation.applyEverywhere(inputs: [notes[0].input], outputs: [])
        let guardian = federation.guardians[0]
        #expect(throws: (any Error).self) {
            try guardian.database.writeNow { db in
                try db.execute(
                    "INSERT INTO mint_spent_nonces (nonce, denomination) VALUES (?, 0)", [notes[0].note.nonce.rawRepresentation])
            }
        }
    }

    @Test func forgedAndMislabelledNotesAreRejected() throws {
        let federation = try MintFederation(devMode: true)
        let notes = try devIssued(federation, Amount(msats: 6))  // 4 + 2
        let guardian = federation.guardians[0]

        // A note whose signature is another note's: valid point, wrong signature.
        let forged = Note(denomination: notes[0].note.denomination, nonce: notes[0].note.nonce, signature: notes[1].note.signature)
        let badSignature = #expect(throws: TransactionRejection.self) {
            try federation.apply(at: guardian, inputs: [notes[1].input, .note(forged)], outputs: [])
        }
        #expect(badSignature?.code == "invalid_note_signature")
        // The batch check fails and the guardian stops there: it names the denomination, not the note.
        #expect(badSignature?.message.contains(forged.denomination.description) == true)

        // A 2 msat note relabelled as 4 msat: its signature is under the wrong denomination's key.
        let relabelled = Note(denomination: Denomination(exponent: 2), nonce: notes[1].note.nonce, signature: notes[1].note.signature)
        let wrongKey = #expect(throws: TransactionRejection.self) {
            try federation.apply(at: guardian, inputs: [.note(relabelled)], outputs: [])
        }
        #expect(wrongKey?.code == "invalid_note_signature")

        // A denomination the mint does not issue (k = 8).
        let unknown = Note(denomination: Denomination(exponent: 9), nonce: notes[1].note.nonce, signature: notes[1].note.signature)
        let unknownError = #expect(throws: TransactionRejection.self) {
            try federation.apply(at: guardian, inputs: [.note(unknown)], outputs: [])
        }
        #expect(unknownError?.code == "unknown_denomination")

        // Garbage bytes as an input.
        let malformed = #expect(throws: TransactionRejection.self) {
            try guardian.database.writeNow { try guardian.module.processInput([0, 3, 1, 2, 3], db: $0) }
        }
        #expect(malformed?.code == "malformed_mint_item")

        // The genuine notes are untouched by the rejected attempts.
        try federation.apply(at: guardian, inputs: notes.map(\.input), outputs: [])
    }

    @Test func devIssueIsAcceptedOnlyInDevMode() throws {
        let production = try MintFederation(devMode: false)
        let input = MintInput.devIssue(.init(amount: Amount(msats: 1000), spendKey: Keypair().xOnlyPublicKey))
        let error = #expect(throws: TransactionRejection.self) {
            try production.apply(at: production.guardians[0], inputs: [input], outputs: [])
        }
        #expect(error?.code == "dev_issue_disabled")
        #expect(try production.audits()[0] == .empty)

        let development = try MintFederation(devMode: true)
        let metas = try development.apply(at: development.guardians[0], inputs: [input], outputs: [])
        #expect(metas.inputs == [InputMeta(amount: Amount(msats: 1000), fee: Amount(msats: 100), spendKey: input.spendKey)])
        #expect(try development.audits()[0] == ModuleAudit(assets: Amount(msats: 1000), liabilities: .zero))
    }

    @Test func auditTracksIssuedMinusRedeemed() throws {
        let federation = try MintFederation(devMode: true)
        // k = 8, so 1100 msat = 4×256 + 64 + 8 + 4.
        let notes = try devIssued(federation, Amount(msats: 1100))
        #expect(notes.count == 7)
        for audit in try federation.audits() {
            #expect(audit == ModuleAudit(assets: Amount(msats: 1100), liabilities: Amount(msats: 1100)))
        }
        // Reissue the four 256 msat notes into 100 msat plus change, paying the fees.
        let spent = Array(notes.prefix(4))
        let plan = try ReissuePlan(
            inputTotal: Amount(msats: 1024), inputCount: 4, target: Amount(msats: 100), config: federation.config)
        #expect(plan.targetOutputs.map(\.exponent) == [6, 5, 2])
        #expect(plan.changeOutputs.map(\.exponent) == [4, 3])  // 1024 − 100 − 9 × 100 msat fees = 24
        var indices: [Denomination: UInt64] = [:]
        for exponent in 0...8 { indices[Denomination(exponent: UInt8(exponent))] = 100 }
        let outputs = (plan.targetOutputs + plan.changeOutputs).map { denomination in
            let index = indices[denomination]!
            indices[denomination] = index + 1
            return federation.derivation.secret(denomination: denomination, index: index)
        }
        let (inputMetas, outputMetas) = try federation.applyEverywhere(inputs: spent.map(\.input), outputs: outputs.map(\.output))
        let inputSum = try Amount.sum(inputMetas.map(\.amount))
        let outputSum = try Amount.sum(outputMetas.map(\.amount))
        let fees = try Amount.sum(inputMetas.map(\.fee) + outputMetas.map(\.fee))
        #expect(fees == plan.fee)
        #expect(inputSum == (try outputSum.adding(fees)))  // the transaction balances exactly
        for audit in try federation.audits() {
            #expect(audit.assets == Amount(msats: 1100))
            #expect(audit.liabilities == Amount(msats: 1100 - fees.msats))
            #expect(audit.isSolvent)
        }
    }

    /// A guardian checks a transaction at submission and again when a block orders it; the second time reuses what
    /// the first found for the same bytes (``CheckedPayloads``), and nothing else: a note is remembered only once its
    /// batch verified, a forged copy of a verified note (same nonce, other signature) is still checked and refused.
    @Test func checksAtSubmissionAreReusedForTheSameBytesOnly() throws {
        let federation = try MintFederation(devMode: true)
        let notes = try devIssued(federation, Amount(msats: 6))  // 4 + 2
        let module = federation.guardians[0].module
        let forged = Note(denomination: notes[0].note.denomination, nonce: notes[0].note.nonce, signature: notes[1].note.signature)
        #expect(throws: TransactionRejection.self) {
            try module.verifyInputProofs([notes[1].input.canonicalBytes, MintInput.note(forged).canonicalBytes])
        }
        try module.verifyInputProofs([notes[0].input.canonicalBytes])
        try module.verifyInputProofs([notes[0].input.canonicalBytes, notes[1].input.canonicalBytes])
        for _ in 0..<2 {
            let refused = #expect(throws: TransactionRejection.self) { try module.verifyInputProofs([MintInput.note(forged).canonicalBytes]) }
            #expect(refused?.code == "invalid_note_signature")
        }

        // An output checked at submission is signed from the remembered decoding: the same share as a fresh decoding.
        let secret = federation.derivation.secret(denomination: Denomination(exponent: 3), index: 40)
        let outPoint = OutPoint(txid: MintFederation.randomTxid(), outIndex: 0)
        let guardian = federation.guardians[1]
        let payload = secret.output.canonicalBytes
        _ = try guardian.database.readNow { db in try guardian.module.verifyOutput(payload, outPoint: outPoint, db: db) }
        _ = try guardian.database.writeNow { db in try guardian.module.processOutput(payload, outPoint: outPoint, db: db) }
        let served = try #require(try guardian.database.readNow { db in try guardian.module.outputOutcome(outPoint, db: db) })
        let share = try MintOutputOutcome(canonicalBytes: served).blindSignatureShare
        let key = try #require(try federation.config.keys(for: secret.denomination)?.publicKeyShare(Int(guardian.peer.rawValue)))
        #expect(key.verify(share, on: secret.blindedMessage))
        let unknown = MintOutput(denomination: Denomination(exponent: 9), blindedMessage: secret.blindedMessage).canonicalBytes
        for _ in 0..<2 {
            #expect(throws: TransactionRejection.self) {
                try guardian.database.readNow { db in try guardian.module.verifyOutput(unknown, outPoint: outPoint, db: db) }
            }
        }
    }

    /// Review 9: the rejection is recorded as the transaction's outcome and a client needs t guardians to answer the
    /// same one, so it must not depend on what a guardian remembered: here guardian 0 checked the valid note at an
    /// earlier submission (another transaction, sent to it alone) and guardian 1 did not.
    @Test func aRejectionDoesNotDependOnWhatAGuardianRemembered() throws {
        let federation = try MintFederation(devMode: true)
        let notes = try devIssued(federation, Amount(msats: 6))  // 4 + 2
        let forged = Note(denomination: notes[0].note.denomination, nonce: notes[0].note.nonce, signature: notes[1].note.signature)
        let payloads = [notes[0].input.canonicalBytes, MintInput.note(forged).canonicalBytes]
        try federation.guardians[0].module.verifyInputProofs([notes[0].input.canonicalBytes])
        let rejections = federation.guardians.prefix(2).map { guardian in
            #expect(throws: TransactionRejection.self) { try guardian.module.verifyInputProofs(payloads) }
        }
        #expect(rejections[0] != nil)
        #expect(rejections[0] == rejections[1])
    }

    @Test func outcomesAreStoredByOutPointAndVerifyPerGuardian() throws {
        let federation = try MintFederation()
        let secret = federation.derivation.secret(denomination: Denomination(exponent: 3), index: 0)
        let txid = MintFederation.randomTxid()
        try federation.applyEverywhere(inputs: [], outputs: [secret.output], txid: txid)
        let keys = try #require(federation.config.keys(for: secret.denomination))
        for (peer, bytes) in try federation.outcomes(at: OutPoint(txid: txid, outIndex: 0)) {
            let outcome = try MintOutputOutcome(canonicalBytes: bytes)
            #expect(try #require(try keys.publicKeyShare(Int(peer.rawValue))).verify(outcome.blindSignatureShare, on: secret.blindedMessage))
        }
        let missing = try federation.guardians[0].database.readNow { db in
            try federation.guardians[0].module.outputOutcome(OutPoint(txid: txid, outIndex: 1), db: db)
        }
        #expect(missing == nil)
        // Non-dev federation, outputs without inputs: liabilities exceed assets (the guardian would stop).
        #expect(try federation.audits()[0] == ModuleAudit(assets: .zero, liabilities: Amount(msats: 8)))
        #expect(try !federation.audits()[0].isSolvent)
    }

    @Test func moduleRefusesAPrivateConfigOfAnotherGuardian() throws {
        var rng = SeededRandom(seed: 9)
        let generated = try MintServerInit().dealerConfigs(
            peers: FederationSize(4).peers, threshold: 3, parameters: .object(["max_exponent": .integer(2)]), using: &rng)
        let mine = generated[PeerID(1)]!
        #expect(throws: MintError.self) {
            try MintServerInit().module(
                instance: ModuleInstanceID(0), consensus: mine.consensus, private: generated[PeerID(2)]!.private,
                ownPeer: PeerID(1))
        }
        _ = try MintServerInit().module(
            instance: ModuleInstanceID(0), consensus: mine.consensus, private: mine.private, ownPeer: PeerID(1))
        // Every guardian holds the same consensus config; its canonical bytes name the federation.
        let bytes = try Set(generated.values.map { try MintServerInit().canonicalConsensusBytes($0.consensus) })
        #expect(bytes.count == 1)
    }
}
