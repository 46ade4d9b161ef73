import FMCore
import FMCrypto
import FMEncoding
import FMLightningCommon
import FMMintClient
import FMMintCommon
import FMSecp256k1
import FMServer
import FMServerCore
import Testing

/// Incoming contracts (issue 15): the receiver's encrypted preimage, funded by the gateway with notes; every guardian
/// makes its decryption share only once the contract is funded; t valid shares decide: the receiver's if they decrypt
/// to the preimage of the payment hash, the gateway's otherwise. Four guardians, audit checked after every block.
@Suite struct IncomingContractTests {
    let preimage = Preimage(bytes: [UInt8](repeating: 0x17, count: 32))!
    let receiver = Keypair()
    let gateway = Keypair()

    func terms(_ federation: LightningFederation, hash: Hash256? = nil, amount: UInt64 = 1_024) throws -> IncomingContract.Terms {
        try IncomingContract.Terms(
            paymentHash: hash ?? preimage.paymentHash, amount: Amount(msats: amount), receiverClaimKey: receiver.xOnlyPublicKey,
            gatewayRefundKey: gateway.xOnlyPublicKey, expiration: federation.clock.now + 3_600)
    }

    /// The gateway funds `contract` with a fresh 1,024 msat note; returns every guardian's decryption share.
    func fund(_ contract: IncomingContract, in federation: inout LightningFederation) async throws -> [PeerID: DecryptionShare] {
        let notes = try await federation.issue([10])
        let funding = LightningFederation.signed(
            Transaction(
                inputs: notes.map { ModuleItem(module: MintKind.defaultInstance, encoding: $0.input) },
                outputs: [ModuleItem(module: federation.lnInstance, encoding: LightningOutput.incoming(contract))], nonce: .random()),
            by: notes.map(\.spendKey))
        #expect(try await federation.submit(funding) == .accepted)
        #expect(try await federation.contractLiabilities() == contract.amount)
        var shares: [PeerID: DecryptionShare] = [:]
        for (peer, processor) in zip(federation.peers, federation.processors) {
            let bytes = try #require(try await processor.outputOutcome(OutPoint(txid: funding.txid, outIndex: 0)))
            guard case .incomingFunded(let id, let share) = try LightningOutputOutcome(canonicalBytes: bytes) else {
                Issue.record("not an incoming outcome")
                continue
            }
            #expect(id == contract.id)
            // The same share is served by `ln/decryption_share`.
            let served = try await federation.call(
                LightningAPI.decryptionShare, .object(["contract_id": .string(contract.id.hex)]), at: Int(peer.rawValue))
            #expect(try served.decode(LightningAPI.DecryptionShareResult.self).share == Hex.encode(share.canonicalBytes))
            shares[peer] = share
        }
        return shares
    }

    func rejection(_ outcome: TransactionOutcome) -> TransactionRejection? {
        if case .rejected(let rejection) = outcome { return rejection }
        return nil
    }

    @Test func theReceiverClaimsWithTValidSharesAndTheGatewayCannotTakeItBack() async throws {
        var federation = try LightningFederation()
        try await federation.agreeTime(LightningFederation.start)
        let contract = IncomingContract(terms: try terms(federation), preimage: preimage, encryptionKey: try federation.lnConfig.encryptionKey)
        // No share before funding.
        await #expect(throws: LightningError.self) {
            try await federation.call(LightningAPI.decryptionShare, .object(["contract_id": .string(contract.id.hex)]))
        }
        let answers = try await fund(contract, in: &federation)
        let (valid, invalid) = contract.checkShares(answers, config: federation.lnConfig)
        #expect(invalid.isEmpty && valid.count == 4)
        // t shares decrypt to the preimage (what the gateway uses to settle its HTLC).
        #expect(try contract.decrypt(Array(valid.prefix(3)), config: federation.lnConfig) == preimage.bytes)
        // Fewer than t shares are refused.
        let short = federation.spend(.incomingClaim(contract, shares: Array(valid.prefix(2))), key: receiver, into: federation.secrets([10]))
        #expect(rejection(try await federation.submit(short))?.code == "invalid_decryption")
        // The gateway's refund is refused: the ciphertext holds the right preimage.
        let refund = federation.spend(.incomingRefund(contract, shares: Array(valid.prefix(3))), key: gateway, into: federation.secrets([10]))
        #expect(rejection(try await federation.submit(refund))?.code == "wrong_contract_branch")
        let outputs = federation.secrets([10])
        let claim = federation.spend(.incomingClaim(contract, shares: Array(valid.suffix(3))), key: receiver, into: outputs)
        #expect(try await federation.submit(claim) == .accepted)
        #expect(try await federation.notes(outputs, txid: claim.txid, firstIndex: 0).map(\.amount.msats) == [1_024])
        #expect(try await federation.contractLiabilities() == .zero)
        let again = federation.spend(.incomingClaim(contract, shares: Array(valid.prefix(3))), key: receiver, into: federation.secrets([10]))
        #expect(rejection(try await federation.submit(again))?.code == "contract_already_spent")
    }

    /// Review 2: an incoming input's decryption check (about 7 pairings) runs before state is read, and a funded
    /// contract's shares are public, so one contract repeated in 1,000 inputs made one transaction (or a malicious
    /// leader's block) cost ~1,000 decryptions at every guardian before the duplicate was seen. Now the cheap stateless
    /// phase refuses a contract named twice, for every input kind.
    @Test func aContractNamedTwiceInOneTransactionIsRefusedBeforeAnyPairing() async throws {
        let federation = try LightningFederation()
        let contract = IncomingContract(
            terms: try terms(federation), preimage: preimage, encryptionKey: try federation.lnConfig.encryptionKey)
        let claim = LightningInput.incomingClaim(contract, shares: []).canonicalBytes
        let module = federation.lnModules[0]
        #expect(try module.inputMetas([claim]).count == 1)
        for repeated in [[claim, claim], [claim, LightningInput.incomingRefund(contract, shares: []).canonicalBytes]] {
            #expect(throws: TransactionRejection.self) { try module.inputMetas(repeated) }
            do { _ = try module.inputMetas(repeated) } catch let rejection as TransactionRejection {
                #expect(rejection.code == "contract_already_spent")
            }
        }
    }

    /// Review 2: an incoming input's decryption check (~7 pairings) ran before any state was read, so inputs naming
    /// contracts that were never funded cost every guardian a decryption each (a 1,000-input transaction ~8.5 s; a
    /// leader's block of them ~50 s). Now the funded check comes first, from committed state: no decryption at all,
    /// neither for `submit_transaction` nor in a block, and the transaction is rejected as naming no funded contract.
    @Test func inputsNamingUnfundedContractsCostNoDecryption() async throws {
        var federation = try LightningFederation()
        try await federation.agreeTime(LightningFederation.start)
        // Well-formed t shares (real group elements) of a funded contract, reused: before the fix each input paid the
        // full share verification and combination.
        let funded = IncomingContract(terms: try terms(federation), preimage: preimage, encryptionKey: try federation.lnConfig.encryptionKey)
        let shares = Array(try await fund(funded, in: &federation).sorted { $0.key < $1.key }.prefix(3))
            .map { PeerDecryptionShare(peer: $0.key, share: $0.value) }
        let inputs = try (0..<40).map { index in
            let contract = IncomingContract(
                terms: try terms(federation, amount: 1_024 + UInt64(index)), preimage: preimage,
                encryptionKey: try federation.lnConfig.encryptionKey)
            return ModuleItem(module: federation.lnInstance, encoding: LightningInput.incomingClaim(contract, shares: shares))
        }
        let transaction = LightningFederation.signed(
            Transaction(
                inputs: inputs, outputs: federation.secrets([10]).map { ModuleItem(module: MintKind.defaultInstance, encoding: $0.output) },
                nonce: .random()),
            by: Array(repeating: receiver, count: inputs.count))
        // Priced by its pairings for the choice of verification queue: 40 × (t + 1) is a large transaction.
        #expect(inputs.map { federation.lnModules[0].proofCost(ofInput: $0.payload) } == Array(repeating: 4, count: 40))
        let before = federation.decryptionCheckCounts
        #expect(rejection(try await federation.processors[0].precheck(transaction))?.code == "unknown_contract")
        #expect(rejection(try await federation.submit(transaction))?.code == "unknown_contract")
        #expect(federation.decryptionCheckCounts == before)
        // A funded contract's claim still has its shares checked (once, in the stateless phase) and goes through.
        let claim = federation.spend(.incomingClaim(funded, shares: shares), key: receiver, into: federation.secrets([10]))
        #expect(try await federation.submit(claim) == .accepted)
        #expect(federation.decryptionCheckCounts == before.map { $0 + 1 })
    }

    /// The deferred check keeps the verdict: a contract funded by an earlier transaction of the same block is claimed
    /// in that block (its shares checked inside the block's write transaction) at every guardian with the same
    /// outcome and digest, and a claim with wrong shares in the same position is still refused by its decryption.
    @Test func aContractFundedAndClaimedInOneBlockIsCheckedThenAndAcceptedEverywhere() async throws {
        var federation = try LightningFederation()
        try await federation.agreeTime(LightningFederation.start)
        let notes = try await federation.issue([10, 10])
        func funding(_ contract: IncomingContract, _ note: SpendableNote) -> Transaction {
            LightningFederation.signed(
                Transaction(
                    inputs: [ModuleItem(module: MintKind.defaultInstance, encoding: note.input)],
                    outputs: [ModuleItem(module: federation.lnInstance, encoding: LightningOutput.incoming(contract))], nonce: .random()),
                by: [note.spendKey])
        }
        let good = IncomingContract(terms: try terms(federation), preimage: preimage, encryptionKey: try federation.lnConfig.encryptionKey)
        let other = IncomingContract(
            terms: try terms(federation, hash: .sha256([1])), preimage: preimage, encryptionKey: try federation.lnConfig.encryptionKey)
        let claim = federation.spend(.incomingClaim(good, shares: federation.shares(of: good)), key: receiver, into: federation.secrets([10]))
        // `other`'s claim carries `good`'s shares: well-formed, but not shares of its ciphertext.
        let wrong = federation.spend(.incomingClaim(other, shares: federation.shares(of: good)), key: receiver, into: federation.secrets([10]))
        let before = federation.decryptionCheckCounts
        let outcomes = try await federation.apply([
            .transaction(funding(good, notes[0])), .transaction(funding(other, notes[1])), .transaction(claim), .transaction(wrong),
        ])
        #expect(outcomes.map(\.outcome.isAccepted) == [true, true, true, false])
        #expect(rejection(outcomes[3].outcome)?.code == "invalid_decryption")
        // Both claims were deferred (their contracts were not funded before the block) and checked once each.
        #expect(federation.decryptionCheckCounts == before.map { $0 + 2 })
        #expect(try await federation.contractLiabilities() == other.amount)
    }

    @Test func aReceiverWhoseCiphertextDoesNotMatchTheHashLosesToTheGatewaysRefund() async throws {
        var federation = try LightningFederation()
        try await federation.agreeTime(LightningFederation.start)
        // The receiver publishes the hash of `preimage` but encrypts something else.
        let lie = Preimage(bytes: [UInt8](repeating: 0x99, count: 32))!
        let contract = IncomingContract(terms: try terms(federation), preimage: lie, encryptionKey: try federation.lnConfig.encryptionKey)
        let valid = contract.checkShares(try await fund(contract, in: &federation), config: federation.lnConfig).valid
        let claim = federation.spend(.incomingClaim(contract, shares: Array(valid.prefix(3))), key: receiver, into: federation.secrets([10]))
        #expect(rejection(try await federation.submit(claim))?.code == "wrong_contract_branch")
        let outputs = federation.secrets([10])
        let refund = federation.spend(.incomingRefund(contract, shares: Array(valid.prefix(3))), key: gateway, into: outputs)
        #expect(try await federation.submit(refund) == .accepted)
        #expect(try await federation.notes(outputs, txid: refund.txid, firstIndex: 0).map(\.amount.msats) == [1_024])
        #expect(try await federation.contractLiabilities() == .zero)
    }

    @Test func aGuardiansBadShareIsNamedAndThePaymentStillCompletes() async throws {
        var federation = try LightningFederation()
        try await federation.agreeTime(LightningFederation.start)
        let contract = IncomingContract(terms: try terms(federation), preimage: preimage, encryptionKey: try federation.lnConfig.encryptionKey)
        var answers = try await fund(contract, in: &federation)
        // Guardian 3 answers with guardian 0's share: well formed, wrong for its key.
        answers[PeerID(3)] = answers[PeerID(0)]!
        let (valid, invalid) = contract.checkShares(answers, config: federation.lnConfig)
        #expect(invalid == [PeerID(3)])
        #expect(valid.map(\.peer) == [PeerID(0), PeerID(1), PeerID(2)])
        // A claim that carries the bad share is refused, naming the guardian.
        let tainted = [valid[0], valid[1], PeerDecryptionShare(peer: PeerID(3), share: answers[PeerID(3)]!)]
        let bad = federation.spend(.incomingClaim(contract, shares: tainted), key: receiver, into: federation.secrets([10]))
        let refused = try #require(rejection(try await federation.submit(bad)))
        #expect(refused.code == "invalid_decryption" && refused.message.contains("peer 3"))
        // The three honest shares complete the payment.
        let claim = federation.spend(.incomingClaim(contract, shares: valid), key: receiver, into: federation.secrets([10]))
        #expect(try await federation.submit(claim) == .accepted)
    }

    @Test func aCiphertextIsBoundToItsTermsAndExpiredContractsAreNotFunded() async throws {
        var federation = try LightningFederation()
        try await federation.agreeTime(LightningFederation.start)
        let honest = IncomingContract(terms: try terms(federation), preimage: preimage, encryptionKey: try federation.lnConfig.encryptionKey)
        // The same ciphertext under other terms (a larger amount, another claim key) is not valid.
        let moved = IncomingContract(terms: try terms(federation, amount: 1_024 + 1), ciphertext: honest.ciphertext)
        #expect(!moved.isValid && honest.isValid)
        let notes = try await federation.issue([10])
        func funding(_ contract: IncomingContract) -> Transaction {
            LightningFederation.signed(
                Transaction(
                    inputs: notes.map { ModuleItem(module: MintKind.defaultInstance, encoding: $0.input) },
                    outputs: [ModuleItem(module: federation.lnInstance, encoding: LightningOutput.incoming(contract))], nonce: .random()),
                by: notes.map(\.spendKey))
        }
        let rebound = IncomingContract(terms: try IncomingContract.Terms(
            paymentHash: preimage.paymentHash, amount: Amount(msats: 1_024), receiverClaimKey: Keypair().xOnlyPublicKey,
            gatewayRefundKey: gateway.xOnlyPublicKey, expiration: federation.clock.now + 3_600), ciphertext: honest.ciphertext)
        #expect(rejection(try await federation.submit(funding(rebound)))?.code == "invalid_contract")
        // A gateway funding the receiver's contract for another amount: the ciphertext no longer fits, refused.
        #expect(rejection(try await federation.submit(funding(moved)))?.code == "invalid_contract")
        try await federation.agreeTime(honest.terms.expiration)
        #expect(rejection(try await federation.submit(funding(honest)))?.code == "invalid_contract")
        #expect(try await federation.contractLiabilities() == .zero)
        // Round trip of the canonical form; a corrupted ciphertext byte fails decoding or validity.
        #expect(try IncomingContract(canonicalBytes: honest.canonicalBytes) == honest)
        var corrupted = honest.canonicalBytes
        corrupted[corrupted.count - 1] ^= 1
        #expect((try? IncomingContract(canonicalBytes: corrupted))?.isValid != true)
    }
}
