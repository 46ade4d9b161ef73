import FMCore
import FMEncoding
import FMLightningCommon
import FMMintClient
import FMMintCommon
import FMSecp256k1
import FMServer
import FMServerCore
import Testing

/// Outgoing contracts in the one transaction model, at four guardians fed the same blocks (issue 15): notes in and
/// the contract out atomically; the gateway claims only with the preimage; the user refunds after the timelock or at
/// once with the gateway's cancellation; a contract is spent once; an invoice is paid once. Every block's audit is
/// checked to balance, identically at every guardian (``LightningFederation/apply(_:proposer:)``).
@Suite struct OutgoingContractTests {
    let preimage = Preimage(bytes: [UInt8](repeating: 0x42, count: 32))!
    let gateway = Keypair()
    let user = Keypair()

    func contract(
        _ federation: LightningFederation, amount: UInt64 = 1_088, hash: Hash256? = nil, timelockIn: UInt64 = 3_600,
        refund: Keypair? = nil
    ) throws -> OutgoingContract {
        try OutgoingContract(
            paymentHash: hash ?? preimage.paymentHash, amount: Amount(msats: amount), gatewayClaimKey: gateway.xOnlyPublicKey,
            userRefundKey: (refund ?? user).xOnlyPublicKey, timelock: federation.clock.now + timelockIn)
    }

    /// A federation with agreed time and a funded contract of 1,088 msat (notes 1,024 + 64 in).
    func funded() async throws -> (LightningFederation, OutgoingContract) {
        var federation = try LightningFederation()
        try await federation.agreeTime(LightningFederation.start)
        let notes = try await federation.issue([10, 6])
        let contract = try contract(federation)
        let funding = federation.fund(contract, with: notes)
        #expect(try await federation.submit(funding) == .accepted)
        #expect(try await federation.contractLiabilities() == Amount(msats: 1_088))
        // The funding output's outcome names the contract, identically at every guardian.
        for processor in federation.processors {
            let outcome = try #require(try await processor.outputOutcome(OutPoint(txid: funding.txid, outIndex: 0)))
            #expect(try LightningOutputOutcome(canonicalBytes: outcome) == .outgoingFunded(contract.id))
        }
        return (federation, contract)
    }

    func rejectionCode(_ outcome: TransactionOutcome) -> String? {
        if case .rejected(let rejection) = outcome { return rejection.code }
        return nil
    }

    @Test func theGatewayClaimsWithThePreimageAndTheContractTurnsIntoItsNotes() async throws {
        var (federation, contract) = try await funded()
        let outputs = federation.secrets([10, 6])
        let claim = federation.spend(.outgoingClaim(contract, preimage: preimage), key: gateway, into: outputs)
        #expect(try await federation.submit(claim) == .accepted)
        #expect(try await federation.contractLiabilities() == .zero)
        let notes = try await federation.notes(outputs, txid: claim.txid, firstIndex: 0)
        #expect(notes.map(\.amount.msats) == [1_024, 64])
        // Every guardian reports the contract claimed, with the preimage the user's client reads.
        for peer in 0..<4 {
            let state = try await federation.call(
                LightningAPI.contract, .object(["contract_id": .string(contract.id.hex)]), at: peer
            ).decode(LightningAPI.ContractResult.self)
            #expect(state.state == .claimed)
            #expect(state.preimage == Hex.encode(preimage.bytes))
        }
        // Spent once: a second claim (a replayed preimage) and a refund are refused.
        let again = federation.spend(.outgoingClaim(contract, preimage: preimage), key: gateway, into: federation.secrets([10, 6]))
        #expect(rejectionCode(try await federation.submit(again)) == "contract_already_spent")
        try await federation.agreeTime(contract.timelock)
        let refund = federation.spend(.outgoingRefund(contract, cancellation: nil), key: user, into: federation.secrets([10, 6]))
        #expect(rejectionCode(try await federation.submit(refund)) == "contract_already_spent")
    }

    @Test func aClaimWithoutTheRightPreimageOrKeyIsRefused() async throws {
        var (federation, contract) = try await funded()
        let wrong = Preimage(bytes: [UInt8](repeating: 0x43, count: 32))!
        let wrongClaim = federation.spend(.outgoingClaim(contract, preimage: wrong), key: gateway, into: federation.secrets([10, 6]))
        #expect(rejectionCode(try await federation.submit(wrongClaim)) == "wrong_preimage")
        // The user cannot claim (the claim branch is the gateway key's), the gateway cannot refund (the user key's).
        let userClaim = federation.spend(.outgoingClaim(contract, preimage: preimage), key: user, into: federation.secrets([10, 6]))
        #expect(try await federation.submit(userClaim) != .accepted)
        try await federation.agreeTime(contract.timelock)
        let gatewayRefund = federation.spend(.outgoingRefund(contract, cancellation: nil), key: gateway, into: federation.secrets([10, 6]))
        #expect(try await federation.submit(gatewayRefund) != .accepted)
        #expect(try await federation.contractLiabilities() == Amount(msats: 1_088))
    }

    @Test func theUserRefundsOnlyOnceConsensusTimeReachesTheTimelock() async throws {
        var (federation, contract) = try await funded()
        let early = federation.spend(.outgoingRefund(contract, cancellation: nil), key: user, into: federation.secrets([10, 6]))
        #expect(rejectionCode(try await federation.submit(early)) == "timelock_not_expired")
        // One guardian's clock alone (a vote past the timelock) does not move consensus time.
        let vote = ModuleItem(module: federation.lnInstance, payload: LightningConsensusItem.timeVote(contract.timelock).canonicalBytes)
        try await federation.apply([.module(vote)], proposer: PeerID(3))
        #expect(try await federation.consensusTimes() == Array(repeating: LightningFederation.start, count: 4))
        let stillEarly = federation.spend(.outgoingRefund(contract, cancellation: nil), key: user, into: federation.secrets([10, 6]))
        #expect(rejectionCode(try await federation.submit(stillEarly)) == "timelock_not_expired")
        try await federation.agreeTime(contract.timelock)
        #expect(try await federation.consensusTimes() == Array(repeating: contract.timelock, count: 4))
        // From the timelock on the gateway can no longer claim, so the refund cannot be raced.
        let lateClaim = federation.spend(.outgoingClaim(contract, preimage: preimage), key: gateway, into: federation.secrets([10, 6]))
        #expect(rejectionCode(try await federation.submit(lateClaim)) == "claim_expired")
        let outputs = federation.secrets([10, 6])
        let refund = federation.spend(.outgoingRefund(contract, cancellation: nil), key: user, into: outputs)
        #expect(try await federation.submit(refund) == .accepted)
        #expect(try await federation.notes(outputs, txid: refund.txid, firstIndex: 0).map(\.amount.msats) == [1_024, 64])
        #expect(try await federation.contractLiabilities() == .zero)
        // The gateway comes too late: the contract is spent.
        let late = federation.spend(.outgoingClaim(contract, preimage: preimage), key: gateway, into: federation.secrets([10, 6]))
        #expect(rejectionCode(try await federation.submit(late)) == "contract_already_spent")
    }

    @Test func theGatewaysCancellationLetsTheUserRefundAtOnce() async throws {
        var (federation, contract) = try await funded()
        // A cancellation signed by anyone but the gateway's claim key is refused (statelessly).
        let forged = user.signSchnorr(message: contract.cancellationMessage)
        let bad = federation.spend(.outgoingRefund(contract, cancellation: forged), key: user, into: federation.secrets([10, 6]))
        #expect(rejectionCode(try await federation.submit(bad)) == "invalid_cancellation")
        // A cancellation of another contract does not cancel this one.
        let other = try self.contract(federation, amount: 5, hash: Hash256.sha256([1]))
        let misplaced = gateway.signSchnorr(message: other.cancellationMessage)
        let wrongContract = federation.spend(.outgoingRefund(contract, cancellation: misplaced), key: user, into: federation.secrets([10, 6]))
        #expect(rejectionCode(try await federation.submit(wrongContract)) == "invalid_cancellation")

        let cancellation = gateway.signSchnorr(message: contract.cancellationMessage)
        let refund = federation.spend(.outgoingRefund(contract, cancellation: cancellation), key: user, into: federation.secrets([10, 6]))
        #expect(try await federation.submit(refund) == .accepted)
        #expect(try await federation.contractLiabilities() == .zero)
        let state = try await federation.call(LightningAPI.contract, .object(["contract_id": .string(contract.id.hex)]))
        #expect(try state.decode(LightningAPI.ContractResult.self).state == .refunded)
    }

    @Test func theSameInvoiceIsPaidOnceAndAPreimageOpensOneContract() async throws {
        var (federation, contract) = try await funded()
        let otherUser = Keypair()
        // While the first contract is live, a second one for the same payment hash is refused.
        let second = try self.contract(federation, amount: 1_024, refund: otherUser)
        let notes = try await federation.issue([10])
        #expect(rejectionCode(try await federation.submit(federation.fund(second, with: notes))) == "invoice_in_flight")
        // Claimed: the payment hash stays paid, so the preimage cannot be replayed on a new contract.
        let claim = federation.spend(.outgoingClaim(contract, preimage: preimage), key: gateway, into: federation.secrets([10, 6]))
        #expect(try await federation.submit(claim) == .accepted)
        #expect(rejectionCode(try await federation.submit(federation.fund(second, with: notes))) == "invoice_already_paid")
        // The refused funding left the notes unspent: they still fund an unrelated contract.
        let unrelated = try self.contract(federation, amount: 1_024, hash: Hash256.sha256([7]), refund: otherUser)
        #expect(try await federation.submit(federation.fund(unrelated, with: notes)) == .accepted)
        #expect(try await federation.contractLiabilities() == Amount(msats: 1_024))
    }

    @Test func aRefundedInvoiceCanBePaidAgain() async throws {
        var (federation, contract) = try await funded()
        let cancellation = gateway.signSchnorr(message: contract.cancellationMessage)
        let outputs = federation.secrets([10, 6])
        let refund = federation.spend(.outgoingRefund(contract, cancellation: cancellation), key: user, into: outputs)
        #expect(try await federation.submit(refund) == .accepted)
        let notes = try await federation.notes(outputs, txid: refund.txid, firstIndex: 0)
        let retry = try self.contract(federation, timelockIn: 7_200)
        #expect(try await federation.submit(federation.fund(retry, with: notes)) == .accepted)
    }

    @Test func aContractIsSpentOnceEvenWithinOneTransactionOrBlock() async throws {
        var (federation, contract) = try await funded()
        // The same contract twice in one transaction (one signature per input).
        let double = LightningFederation.signed(
            Transaction(
                inputs: [ModuleItem(module: federation.lnInstance, encoding: LightningInput.outgoingClaim(contract, preimage: preimage))]
                    + [ModuleItem(module: federation.lnInstance, encoding: LightningInput.outgoingClaim(contract, preimage: preimage))],
                outputs: federation.secrets([11, 7]).map { ModuleItem(module: MintKind.defaultInstance, encoding: $0.output) },
                nonce: .random()),
            by: [gateway, gateway])
        #expect(rejectionCode(try await federation.submit(double)) == "contract_already_spent")
        // A claim and a cancellation refund in the same block: the first wins, the second is refused.
        let claim = federation.spend(.outgoingClaim(contract, preimage: preimage), key: gateway, into: federation.secrets([10, 6]))
        let refund = federation.spend(
            .outgoingRefund(contract, cancellation: gateway.signSchnorr(message: contract.cancellationMessage)), key: user,
            into: federation.secrets([10, 6]))
        let outcomes = try await federation.apply([.transaction(claim), .transaction(refund)])
        #expect(outcomes.map(\.outcome.isAccepted) == [true, false])
        #expect(try await federation.contractLiabilities() == .zero)
    }

    @Test func aContractForAnotherAmountIsAnotherContract() async throws {
        var (federation, contract) = try await funded()
        // Claiming "the same" contract with a larger amount names a contract that was never funded.
        let inflated = try OutgoingContract(
            paymentHash: contract.paymentHash, amount: Amount(msats: 2_048), gatewayClaimKey: contract.gatewayClaimKey,
            userRefundKey: contract.userRefundKey, timelock: contract.timelock)
        let claim = federation.spend(.outgoingClaim(inflated, preimage: preimage), key: gateway, into: federation.secrets([11]))
        #expect(rejectionCode(try await federation.submit(claim)) == "unknown_contract")
        // Funding a contract with less than its amount does not balance.
        let notes = try await federation.issue([9])
        let short = try self.contract(federation, amount: 1_000, hash: Hash256.sha256([9]))
        #expect(rejectionCode(try await federation.submit(federation.fund(short, with: notes))) == "unbalanced")
        #expect(try await federation.contractLiabilities() == Amount(msats: 1_088))
    }

    @Test func fundingNeedsConsensusTimeAndATimelockWithinRange() async throws {
        var federation = try LightningFederation()
        let notes = try await federation.issue([10])
        let early = try contract(federation, amount: 1_024)
        #expect(rejectionCode(try await federation.submit(federation.fund(early, with: notes))) == "no_consensus_time")
        try await federation.agreeTime(LightningFederation.start)
        let tooLong = try contract(federation, amount: 1_024, timelockIn: federation.lnConfig.maxTimelockDelta + 1)
        #expect(rejectionCode(try await federation.submit(federation.fund(tooLong, with: notes))) == "timelock_out_of_range")
        let past = try contract(federation, amount: 1_024, timelockIn: 0)
        #expect(rejectionCode(try await federation.submit(federation.fund(past, with: notes))) == "timelock_out_of_range")
        #expect(try await federation.submit(federation.fund(try contract(federation, amount: 1_024), with: notes)) == .accepted)
    }

    @Test func timeVotesOnlyMoveForwardAndOneFaultyGuardianCannotMoveTheMedianAndIdleVotesAreRare() async throws {
        var federation = try LightningFederation()
        try await federation.agreeTime(LightningFederation.start)
        let far = ModuleItem(module: federation.lnInstance, payload: LightningConsensusItem.timeVote(LightningBounds.maxTimestamp).canonicalBytes)
        try await federation.apply([.module(far)], proposer: PeerID(1))
        #expect(try await federation.consensusTimes() == Array(repeating: LightningFederation.start, count: 4))
        // A stale vote (not later than the guardian's last) is skipped.
        let stale = ModuleItem(module: federation.lnInstance, payload: LightningConsensusItem.timeVote(5).canonicalBytes)
        try await federation.apply([.module(stale)], proposer: PeerID(0))
        #expect(try await federation.consensusTimes() == Array(repeating: LightningFederation.start, count: 4))
        // A guardian proposes a vote once its clock moved the vote interval past its last vote.
        let module = federation.lnModules[0]
        let proposal = { try await federation.processors[0].database.read { db in try module.consensusProposal(db: db) } }
        #expect(try await proposal().isEmpty)
        // While no contract is funded the interval is 60 × 10 s: an idle federation is not woken every 10 s …
        federation.clock.set(LightningFederation.start + 10)
        #expect(try await proposal().isEmpty)
        federation.clock.set(LightningFederation.start + 600)
        #expect(try await proposal() == [LightningConsensusItem.timeVote(LightningFederation.start + 600).canonicalBytes])
        // … and 10 s while one is (its timelock must be seen soon after it passes).
        let notes = try await federation.issue([10])
        #expect(try await federation.submit(federation.fund(try contract(federation, amount: 1_024), with: notes)) == .accepted)
        federation.clock.set(LightningFederation.start + 10)
        #expect(try await proposal() == [LightningConsensusItem.timeVote(LightningFederation.start + 10).canonicalBytes])
    }

    @Test func decodersBoundAmountsAndTimelocks() throws {
        var encoder = CanonicalEncoder()
        encoder.write(Hash256.sha256([1]))
        encoder.write(Amount(msats: 21_000_000 * Amount.msatsPerBitcoin + 1))
        encoder.writeFixed(gateway.xOnlyPublicKey.rawRepresentation)
        encoder.writeFixed(user.xOnlyPublicKey.rawRepresentation)
        encoder.writeVarint(1_900_000_000)
        #expect(throws: CanonicalDecodingError.self) { try OutgoingContract(canonicalBytes: encoder.bytes) }
        var late = CanonicalEncoder()
        late.write(Hash256.sha256([1]))
        late.write(Amount(msats: 1))
        late.writeFixed(gateway.xOnlyPublicKey.rawRepresentation)
        late.writeFixed(user.xOnlyPublicKey.rawRepresentation)
        late.writeVarint(LightningBounds.maxTimestamp + 1)
        #expect(throws: CanonicalDecodingError.self) { try OutgoingContract(canonicalBytes: late.bytes) }
        #expect(throws: LightningError.self) {
            try OutgoingContract(
                paymentHash: Hash256.sha256([1]), amount: .zero, gatewayClaimKey: gateway.xOnlyPublicKey,
                userRefundKey: user.xOnlyPublicKey, timelock: 1)
        }
        // Round trip, and a trailing byte is refused.
        let contract = try OutgoingContract(
            paymentHash: Hash256.sha256([1]), amount: Amount(msats: 5), gatewayClaimKey: gateway.xOnlyPublicKey,
            userRefundKey: user.xOnlyPublicKey, timelock: 1_900_000_000)
        let input = LightningInput.outgoingRefund(contract, cancellation: gateway.signSchnorr(message: contract.cancellationMessage))
        #expect(try LightningInput(canonicalBytes: input.canonicalBytes) == input)
        #expect(throws: CanonicalDecodingError.self) { try LightningInput(canonicalBytes: input.canonicalBytes + [0]) }
    }
}
