import FMCore
import FMCrypto
import FMMintClient
import FMMintCommon
import FMSecp256k1
import FMTesting
import Testing

@Suite struct NoteIssuanceTests {
    @Test func derivationIsDeterministicAndSeparatesNotes() throws {
        var rng = SeededRandom(seed: 5)
        let secret = rng.bytes(64)
        let a = try NoteDerivation(moduleSecret: secret)
        let b = try NoteDerivation(moduleSecret: secret)
        let d3 = Denomination(exponent: 3)
        #expect(a.secret(denomination: d3, index: 7) == b.secret(denomination: d3, index: 7))
        let nonces = Set([
            a.secret(denomination: d3, index: 7).nonce, a.secret(denomination: d3, index: 8).nonce,
            a.secret(denomination: Denomination(exponent: 4), index: 7).nonce,
            try NoteDerivation(moduleSecret: rng.bytes(64)).secret(denomination: d3, index: 7).nonce,
        ])
        #expect(nonces.count == 4)
        #expect(throws: MintError.self) { try NoteDerivation(moduleSecret: [UInt8](repeating: 1, count: 32)) }
        #expect(!a.description.contains(Hex.encode(secret.prefix(4))))
    }

    @Test func secretsForAnAmountAdvanceTheIndices() throws {
        let federation = try MintFederation()
        var indices: [Denomination: UInt64] = [Denomination(exponent: 0): 5]
        let secrets = try federation.derivation.secrets(for: Amount(msats: 513), config: federation.config, nextIndices: &indices)
        #expect(secrets.map(\.denomination.exponent) == [8, 8, 0])
        #expect(secrets.map(\.index) == [0, 1, 5])
        #expect(indices == [Denomination(exponent: 8): 2, Denomination(exponent: 0): 6])
    }

    @Test func aLyingGuardianIsNamedAndTheNoteStillCompletes() throws {
        let federation = try MintFederation()
        let secret = federation.derivation.secret(denomination: Denomination(exponent: 5), index: 0)
        let txid = MintFederation.randomTxid()
        try federation.applyEverywhere(inputs: [], outputs: [secret.output], txid: txid)
        var outcomes = try federation.outcomes(at: OutPoint(txid: txid, outIndex: 0))
        // Guardian 2 answers with guardian 3's share: a valid point, but not its own.
        outcomes[PeerID(2)] = outcomes[PeerID(3)]
        let result = try NoteIssuance.finalize(secret, outcomes: outcomes, config: federation.config)
        #expect(result.invalidSharePeers == [PeerID(2)])
        #expect(result.note.note.isValid(under: try federation.config.keys(for: secret.denomination)!.aggregatePublicKey))
        #expect(result.note.note.nonce == secret.nonce)

        // Garbage from guardian 1 as well: only 2 valid shares remain, fewer than t = 3.
        outcomes[PeerID(1)] = [0, 1, 0]
        let error = #expect(throws: MintError.self) {
            try NoteIssuance.finalize(secret, outcomes: outcomes, config: federation.config)
        }
        #expect(error == .notEnoughValidShares(needed: 3, valid: 2, invalidFrom: [PeerID(1), PeerID(2)]))
        #expect(error?.description.contains("peer 1, peer 2") == true)
    }

    @Test func combiningFirstNamesALiarWhereverItsShareLands() throws {
        let federation = try MintFederation()
        let secret = federation.derivation.secret(denomination: Denomination(exponent: 5), index: 1)
        let txid = MintFederation.randomTxid()
        try federation.applyEverywhere(inputs: [], outputs: [secret.output], txid: txid)
        let honest = try federation.outcomes(at: OutPoint(txid: txid, outIndex: 0))
        let key = try federation.config.keys(for: secret.denomination)!.aggregatePublicKey

        let clean = try NoteIssuance.finalizeCombiningFirst(secret, outcomes: honest, config: federation.config)
        #expect(clean.invalidSharePeers.isEmpty)
        #expect(clean.note.note.isValid(under: key))
        // The liar among the first t (peer 1): the combined note fails, every share is checked, the note is
        // made from the others. The liar as the extra share (peer 3): the note verifies, the extra is checked.
        for liar in [PeerID(1), PeerID(3)] {
            var outcomes = honest
            outcomes[liar] = honest[PeerID((liar.rawValue + 1) % 4)]
            let result = try NoteIssuance.finalizeCombiningFirst(secret, outcomes: outcomes, config: federation.config)
            #expect(result.invalidSharePeers == [liar])
            #expect(result.note.note.isValid(under: key))
        }
        // Two liars among four: fewer than t valid shares.
        var two = honest
        two[PeerID(0)] = honest[PeerID(1)]
        two[PeerID(2)] = [7]
        #expect(throws: MintError.self) { try NoteIssuance.finalizeCombiningFirst(secret, outcomes: two, config: federation.config) }
    }

    @Test func oneBatchFinishesAnIssuanceOnlyWhenEveryShareIsHonest() throws {
        let federation = try MintFederation()
        let secrets = (0..<5).map { federation.derivation.secret(denomination: Denomination(exponent: UInt8(1 + $0 % 3)), index: UInt64(10 + $0)) }
        let txid = MintFederation.randomTxid()
        try federation.applyEverywhere(inputs: [], outputs: secrets.map(\.output), txid: txid)
        let honest = try secrets.indices.map { try federation.outcomes(at: OutPoint(txid: txid, outIndex: UInt64($0))) }
        let batched = try #require(NoteIssuance.finalizeAllCombiningFirst(secrets, outcomes: honest, config: federation.config))
        let single = try zip(secrets, honest).map { try NoteIssuance.finalizeCombiningFirst($0, outcomes: $1, config: federation.config) }
        #expect(batched.map(\.note) == single.map(\.note))
        #expect(batched.allSatisfy { $0.invalidSharePeers.isEmpty })
        #expect(NoteIssuance.finalizeAllCombiningFirst([], outcomes: [], config: federation.config)?.isEmpty == true)

        // A liar among the first t (peer 1) or as the extra share (peer 3), on one note of five: the batch refuses, and
        // finishing that note on its own names the liar. Garbage from peer 3 is named without failing the batch.
        for liar in [PeerID(1), PeerID(3)] {
            var outcomes = honest
            outcomes[2][liar] = honest[2][PeerID((liar.rawValue + 1) % 4)]
            #expect(NoteIssuance.finalizeAllCombiningFirst(secrets, outcomes: outcomes, config: federation.config) == nil)
            let named = try NoteIssuance.finalizeCombiningFirst(secrets[2], outcomes: outcomes[2], config: federation.config)
            #expect(named.invalidSharePeers == [liar])
        }
        var garbage = honest
        garbage[4][PeerID(3)] = [1, 2, 3]
        let withGarbage = try #require(NoteIssuance.finalizeAllCombiningFirst(secrets, outcomes: garbage, config: federation.config))
        #expect(withGarbage[4].invalidSharePeers == [PeerID(3)])
        #expect(withGarbage.map(\.note) == single.map(\.note))
    }

    @Test func anyThresholdOfGuardiansIsEnough() throws {
        let federation = try MintFederation()
        let secret = federation.derivation.secret(denomination: Denomination(exponent: 1), index: 3)
        let txid = MintFederation.randomTxid()
        try federation.applyEverywhere(inputs: [], outputs: [secret.output], txid: txid)
        let all = try federation.outcomes(at: OutPoint(txid: txid, outIndex: 0))
        var signatures = Set<[UInt8]>()
        for missing in federation.guardians.map(\.peer) {
            var three = all
            three[missing] = nil
            let result = try NoteIssuance.finalize(secret, outcomes: three, config: federation.config)
            #expect(result.invalidSharePeers.isEmpty)
            signatures.insert(result.note.note.signature.canonicalBytes)
        }
        #expect(signatures.count == 1)  // every subset of t shares gives the same (unique) signature
    }

    @Test func aSingleGuardianFederationIssuesAndRedeems() throws {
        let federation = try MintFederation(peers: 1, maxExponent: 3, seed: 4)
        #expect(federation.config.threshold == 1)
        var indices: [Denomination: UInt64] = [:]
        let secrets = try federation.derivation.secrets(for: Amount(msats: 21), config: federation.config, nextIndices: &indices)
        let notes = try federation.issue(secrets, inputs: [])
        #expect(notes.map(\.amount.msats) == [8, 8, 4, 1])
        try federation.applyEverywhere(inputs: notes.map(\.input), outputs: [])
        #expect(try federation.audits() == [.empty])
    }
}
