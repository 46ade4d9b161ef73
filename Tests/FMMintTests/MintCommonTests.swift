import FMCore
import FMCrypto
import FMEncoding
import FMMintClient
import FMMintCommon
import FMMintServer
import FMSecp256k1
import FMTesting
import Testing

@Suite struct DenominationTests {
    @Test func splitUsesTheFewestNotesAndAddsUp() throws {
        var rng = SeededRandom(seed: 21)
        let largest = Denomination(exponent: 40)
        for _ in 0..<500 {
            let amount = Amount(msats: UInt64.random(in: 0...(1 << 45), using: &rng))
            let notes = try Denomination.split(amount, largest: largest)
            #expect(try Amount.sum(notes.map(\.amount)) == amount)
            #expect(notes == notes.sorted(by: >))
            let belowTop = amount.msats % largest.amount.msats
            #expect(notes.count == Int(amount.msats / largest.amount.msats) + belowTop.nonzeroBitCount)
            #expect(notes.allSatisfy { $0 <= largest })
        }
        #expect(try Denomination.split(.zero, largest: largest).isEmpty)
        #expect(try Denomination.split(Amount(msats: 5), largest: Denomination(exponent: 0)).count == 5)
        let tooMany = #expect(throws: MintError.self) {
            try Denomination.split(Amount(msats: 1 << 20), largest: Denomination(exponent: 4))
        }
        #expect(tooMany?.code == "too_many_notes")
    }

    @Test func denominationsArePowersOfTwo() throws {
        #expect(Denomination(amount: Amount(msats: 1024))?.exponent == 10)
        #expect(Denomination(amount: Amount(msats: 1000)) == nil)
        #expect(Denomination(amount: .zero) == nil)
        #expect(Denomination(exponent: 63).amount.msats == 1 << 63)
        #expect(throws: CanonicalDecodingError.self) { try Denomination(canonicalBytes: [64]) }
        #expect(try Denomination(canonicalBytes: [7]) == Denomination(exponent: 7))
    }
}

@Suite struct MintWireTests {
    @Test func itemsRoundTripAndRejectUnknownVariants() throws {
        let federation = try MintFederation()
        let secret = federation.derivation.secret(denomination: Denomination(exponent: 2), index: 0)
        let output = secret.output
        #expect(try MintOutput(canonicalBytes: output.canonicalBytes) == output)
        #expect(output.canonicalBytes.count == 1 + 1 + 1 + 48)  // variant, length, denomination, point

        let share = BlindSignatureShare(secret.blindedMessage.point)
        let outcome = MintOutputOutcome(blindSignatureShare: share)
        #expect(try MintOutputOutcome(canonicalBytes: outcome.canonicalBytes) == outcome)

        let note = Note(denomination: Denomination(exponent: 2), nonce: secret.nonce, signature: Signature(secret.message.point))
        for input in [MintInput.note(note), .devIssue(.init(amount: Amount(msats: 12345), spendKey: secret.nonce))] {
            #expect(try MintInput(canonicalBytes: input.canonicalBytes) == input)
        }
        var unknown = MintInput.note(note).canonicalBytes
        unknown[0] = 7
        let error = #expect(throws: CanonicalDecodingError.self) { try MintInput(canonicalBytes: unknown) }
        #expect(error == .unknownVariant(7, type: "MintInput"))
        var badNonce = MintInput.note(note).canonicalBytes
        for i in 3..<35 { badNonce[i] = 0xff }  // not an x coordinate on the curve
        #expect(throws: CanonicalDecodingError.self) { try MintInput(canonicalBytes: badNonce) }
    }

    @Test func configsRoundTripThroughJSON() throws {
        let federation = try MintFederation()
        let json = try JSONValue(federation.config)
        #expect(try json.decode(MintClientConfig.self) == federation.config)
        #expect(federation.config.threshold == 3)
        #expect(federation.config.peerCount == 4)
        #expect(federation.config.fees == .default)
        #expect(federation.config.largestDenomination == Denomination(exponent: 8))
        guard case .object(var fields) = json else { Issue.record("config is not a JSON object"); return }
        fields["threshold"] = .integer(5)
        #expect(throws: (any Error).self) { try JSONValue.object(fields).decode(MintClientConfig.self) }
    }

    @Test("keys decode on first use: a bad stored key fails where it is used, and guardians and join refuse it up front")
    func storedKeysDecodeOnFirstUse() throws {
        let dealt = try #require(MintFederation.standardConfigs[PeerID(0)])
        // The aggregate key of 2^3 msat replaced by a point on the curve outside G2 (x = 2): only the subgroup
        // check can refuse it.
        var outside = [UInt8](repeating: 0, count: 96)
        outside[0] = 0x80
        outside[95] = 2
        guard case .object(var fields) = dealt.consensus, case .array(var tiers)? = fields["denominations"],
            case .object(var tier) = tiers[3]
        else { Issue.record("unexpected config JSON"); return }
        tier["aggregate_public_key"] = .string(Hex.encode(outside))
        tiers[3] = .object(tier)
        fields["denominations"] = .array(tiers)
        let stored = JSONValue.object(fields)

        let config = try stored.decode(MintClientConfig.self)  // only lengths checked: a command that needs no key runs
        let good = try dealt.consensus.decode(MintClientConfig.self)
        #expect(try config.keys(for: Denomination(exponent: 2))!.aggregatePublicKey == good.keys(for: Denomination(exponent: 2))!.aggregatePublicKey)
        #expect(try config.keys(for: Denomination(exponent: 3))!.publicKeyShares == good.keys(for: Denomination(exponent: 3))!.publicKeyShares)
        let error = try #require(#expect(throws: MintError.self) { try config.keys(for: Denomination(exponent: 3))!.aggregatePublicKey })
        #expect(error.code == "invalid_mint_config")
        let description = error.description
        #expect(description.hasPrefix("invalid mint config: the 8 msat denomination's aggregate public key is invalid"), "\(description)")
        #expect(description.contains("subgroup"), "\(description)")
        #expect(!description.contains("\n"))
        // The same error from every path that verifies with it, and from the up-front checks.
        let secret = try MintFederation().derivation.secret(denomination: Denomination(exponent: 3), index: 0)
        let note = Note(denomination: Denomination(exponent: 3), nonce: secret.nonce, signature: Signature(.generator))
        #expect(throws: error) { try NoteValidation.invalidNotes([note], config: config) }
        #expect(throws: error) { try config.checkKeys() }
        #expect(throws: error) { try MintConfigCodec().canonicalConsensusBytes(stored) }
        #expect(throws: error) {
            try MintServerInit().module(instance: MintKind.defaultInstance, consensus: stored, private: dealt.private, ownPeer: PeerID(0))
        }
        // A key of the wrong length is refused when the config is read.
        tier["aggregate_public_key"] = .string(Hex.encode(outside.dropLast()))
        tiers[3] = .object(tier)
        fields["denominations"] = .array(tiers)
        #expect(throws: MintError.self) { try JSONValue.object(fields).decode(MintClientConfig.self) }
    }
}

@Suite struct NoteSelectionTests {
    @Test func exactWhenPossibleOtherwiseCoveringWithFewNotes() throws {
        var rng = SeededRandom(seed: 31)
        for _ in 0..<300 {
            let wallet = (0..<Int.random(in: 1...12, using: &rng)).map { _ in Denomination(exponent: UInt8.random(in: 0...10, using: &rng)) }
            let available = wallet.reduce(0) { $0 + $1.amount.msats }
            let target = Amount(msats: UInt64.random(in: 1...available, using: &rng))
            let selection = try NoteSelection.select(from: wallet, target: target) { $0 }
            #expect(selection.total >= target)
            #expect(selection.total.msats == selection.selected.reduce(0) { $0 + $1.amount.msats })
            // Exact whenever any subset is exact (brute force over the small wallet).
            let exactExists = (0..<(1 << wallet.count)).contains { mask in
                wallet.indices.filter { mask & (1 << $0) != 0 }.reduce(0) { $0 + wallet[$1].amount.msats } == target.msats
            }
            #expect(selection.isExact == exactExists)
            // No selected note can be left out.
            #expect(selection.selected.allSatisfy { selection.total.msats - $0.amount.msats < target.msats })
        }
        let error = #expect(throws: MintError.self) {
            try NoteSelection.select(from: [Denomination(exponent: 3)], target: Amount(msats: 9)) { $0 }
        }
        #expect(error == .insufficientNotes(have: Amount(msats: 8), need: Amount(msats: 9)))
    }

    @Test func reissuePlansBalanceExactly() throws {
        let federation = try MintFederation()
        var rng = SeededRandom(seed: 41)
        for _ in 0..<200 {
            let inputCount = Int.random(in: 1...6, using: &rng)
            // At most 7 target notes (k = 8), so the inputs always cover target and fees.
            let inputTotal = Amount(msats: UInt64.random(in: 3_000...6_000, using: &rng))
            let target = Amount(msats: UInt64.random(in: 1...1_000, using: &rng))
            let plan = try ReissuePlan(inputTotal: inputTotal, inputCount: inputCount, target: target, config: federation.config)
            let targetSum = plan.targetOutputs.reduce(0) { $0 + $1.amount.msats }
            let changeSum = plan.changeOutputs.reduce(0) { $0 + $1.amount.msats }
            #expect(targetSum == target.msats)
            let outputs = plan.targetOutputs.count + plan.changeOutputs.count
            #expect(plan.fee == (try federation.config.fees.fee(inputs: inputCount, outputs: outputs)))
            #expect(targetSum + changeSum + plan.fee.msats == inputTotal.msats)
        }
        #expect(throws: MintError.self) {
            try ReissuePlan(inputTotal: Amount(msats: 300), inputCount: 1, target: Amount(msats: 200), config: federation.config)
        }
    }
}
