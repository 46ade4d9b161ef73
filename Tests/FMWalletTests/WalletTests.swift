import FMBitcoin
import FMCore
import FMEncoding
import FMSecp256k1
import FMServerCore
import FMWalletCommon
@testable import FMWalletServer
import Foundation
import Testing

@Suite struct PegInTweakTests {
    @Test func tweakedSecretMatchesTweakedPublicKeyAndAddressesAreUnlinkable() throws {
        var rng = SeededRandom(seed: 1)
        let guardian = SecretKey(using: &rng)
        let first = SecretKey(using: &rng).publicKey
        let second = SecretKey(using: &rng).publicKey
        let tweaked = try PegInTweak.tweak(guardian.publicKey, with: first)
        #expect(try PegInTweak.tweak(guardian, with: first).publicKey == tweaked)
        #expect(tweaked != guardian.publicKey)
        #expect(try PegInTweak.tweak(guardian.publicKey, with: second) != tweaked)
        // h = TaggedHash(tag, P || T): the documented construction, recomputed by hand.
        let h = TaggedHash.sha256(tag: "fm/wallet/peg-in-tweak", guardian.publicKey.compressed + first.compressed)
        #expect(try guardian.publicKey.adding(tweak: h) == tweaked)
    }

    @Test func depositAddressIsTheTweakedSortedMultisig() throws {
        let federation = try WalletFederation(peers: 4, chain: FakeChain(height: 0))
        let config = federation.config
        #expect(config.threshold == 3)
        #expect(config.finalityDelay == 2)
        let tweakKey = Keypair(using: &SeededRandomBox.rng).publicKey
        let address = try config.depositAddress(tweakKey: tweakKey)
        let keys = try config.pegInKeys.map { try PegInTweak.tweak($0, with: tweakKey) }
        let expected = try MultisigDescriptor(threshold: 3, keys: keys, sorted: true)
        #expect(address == expected.address(network: .regtest))
        #expect(address.string.hasPrefix("bcrt1q"))
        #expect(address != config.descriptor.address(network: .regtest))
    }
}

enum SeededRandomBox {
    nonisolated(unsafe) static var rng = SeededRandom(seed: 99)
}

@Suite struct WalletModuleTests {
    /// A deposit of `value` sat to the federation's address for `tweak`, mined in a new block.
    func deposit(_ value: UInt64, federation: WalletFederation, tweak: Keypair) throws -> PegInProof {
        let address = try federation.config.depositAddress(tweakKey: tweak.publicKey)
        let funding = FMBitcoin.Transaction(
            inputs: [TxIn(previousOutput: FMBitcoin.OutPoint(txid: try FMBitcoin.Hash256(bytes: [UInt8](repeating: 7, count: 32)), index: 0))],
            outputs: [TxOut(value: 1_000, scriptPubKey: Script([0x51])), TxOut(value: value, scriptPubKey: address.scriptPubKey)])
        let block = federation.chain.mine([funding])
        return PegInProof(
            transaction: funding, merkleBlock: MerkleBlock(block: block, matching: [funding.txid]), outputIndex: 1,
            tweakKey: tweak.publicKey)
    }

    @Test func pegInProofEncodingRoundTripsAndChecksTheAddress() throws {
        let federation = try WalletFederation(peers: 4, chain: FakeChain(height: 3))
        let tweak = Keypair(using: &SeededRandomBox.rng)
        let proof = try deposit(50_000, federation: federation, tweak: tweak)
        let decoded = try PegInProof(canonicalBytes: proof.canonicalBytes)
        #expect(decoded.canonicalBytes == proof.canonicalBytes)
        #expect(try decoded.verify(config: federation.config).value == 50_000)

        // Another federation's address (the same tweak key, other guardian keys) is refused.
        let other = try WalletFederation(peers: 4, chain: FakeChain(height: 0), seed: 8)
        #expect(throws: WalletError.self) { try proof.verify(config: other.config) }
        // A proof whose tree does not include the transaction is refused.
        let unrelated = federation.chain.mine([])
        let wrongBlock = PegInProof(
            transaction: proof.transaction, merkleBlock: MerkleBlock(block: unrelated, matching: []), outputIndex: 1,
            tweakKey: proof.tweakKey)
        #expect(throws: WalletError.transactionNotInProof(txid: proof.transaction.txid.displayHex)) {
            try wrongBlock.verify(config: federation.config)
        }
        // Trailing bytes are refused by the canonical decoder.
        #expect(throws: CanonicalDecodingError.self) { try PegInProof(canonicalBytes: proof.canonicalBytes + [0]) }
    }

    @Test func pegInThenPegOutIsSignedByThresholdAndPassesScriptChecks() async throws {
        let chain = FakeChain(height: 10)
        let federation = try WalletFederation(peers: 4, chain: chain)
        let tweak = Keypair(using: &SeededRandomBox.rng)
        let proof = try deposit(100_000, federation: federation, tweak: tweak)  // block 11

        // Not final yet: the federation has not voted a height that includes block 11.
        #expect(throws: TransactionRejection.self) { try federation.processInput(.pegIn(proof)) }
        for _ in 0..<2 { chain.mine([]) }  // tip 13: votes 11
        try await federation.roundOfProposals()
        for guardian in federation.guardians {
            #expect(try guardian.database.readNow { try guardian.module.consensusHeight(db: $0) } == 11)
        }

        let meta = try federation.processInput(.pegIn(proof))
        #expect(meta.amount == Amount(msats: 100_000_000))
        #expect(meta.fee == federation.config.fees.pegIn)
        #expect(meta.spendKey == tweak.xOnlyPublicKey)
        let again = #expect(throws: TransactionRejection.self) { try federation.processInput(.pegIn(proof)) }
        #expect(again?.code == "deposit_already_claimed")
        #expect(try federation.audits().allSatisfy { $0.assets == Amount(msats: 100_000_000) })

        // Peg-out 40,000 sat: every guardian builds the same transaction.
        let destination = try SegwitAddress(network: .regtest, version: 0, program: [UInt8](repeating: 3, count: 20))
        let fee = try PegOutPlan.suggestedFee(address: destination, amount: 40_000, rate: 1_000, config: federation.config)
        let pegOut = PegOut(address: destination, amount: 40_000, feeRate: 1_000, fee: fee)
        let fmOutPoint = FMCore.OutPoint(txid: TransactionID(FMCore.Hash256.sha256([1])), outIndex: 2)
        let outputMeta = try federation.processOutput(.pegOut(pegOut), at: fmOutPoint)
        #expect(outputMeta.amount == Amount(msats: (40_000 + fee) * 1000))
        let outcomes = try federation.guardians.map { guardian in
            try guardian.database.readNow { try guardian.module.outputOutcome(fmOutPoint, db: $0) }
        }
        #expect(Set(outcomes).count == 1)
        let outcome = try WalletOutputOutcome(canonicalBytes: #require(outcomes[0]))
        #expect(try federation.audits().allSatisfy { $0.assets == Amount(msats: (100_000 - 40_000 - fee) * 1000) })

        // Signature shares go round; after t the transaction is signed and broadcast, and its scripts verify.
        try await federation.roundOfProposals()
        for guardian in federation.guardians { await guardian.module.backgroundTick(storage: guardian.database) }
        let broadcasts = chain.broadcasts
        #expect(broadcasts.count >= 4)
        #expect(Set(broadcasts).count == 1)
        let signed = try #require(broadcasts.first)
        guard case .pegOut(let txid) = outcome else { Issue.record("not a peg-out outcome"); return }
        #expect(signed.txid == txid)
        #expect(signed.outputs[0] == TxOut(value: 40_000, scriptPubKey: destination.scriptPubKey))
        #expect(signed.outputs[1].value == 100_000 - 40_000 - fee)
        #expect(signed.outputs[1].scriptPubKey == federation.config.descriptor.scriptPubKey)
        #expect(signed.inputs.map(\.previousOutput) == [proof.outPoint])
        #expect(signed.inputs[0].witness.count == 1 + 3 + 1)
        #expect(PegOutPlan.estimatedVirtualSize(of: signed, config: federation.config) >= signed.virtualSize)

        // The change pays the next peg-out, built on the first one's change output.
        let second = PegOut(address: destination, amount: 10_000, feeRate: 1_000, fee: fee)
        _ = try federation.processOutput(.pegOut(second), at: FMCore.OutPoint(txid: fmOutPoint.txid, outIndex: 3))
        let tooBig = PegOut(address: destination, amount: 1_000_000, feeRate: 1_000, fee: fee)
        let refused = #expect(throws: TransactionRejection.self) {
            try federation.processOutput(.pegOut(tooBig), at: FMCore.OutPoint(txid: fmOutPoint.txid, outIndex: 4))
        }
        #expect(refused?.code == "insufficient_federation_funds")
        let cheap = PegOut(address: destination, amount: 1_000, feeRate: 1_000, fee: 10)
        let lowFee = #expect(throws: TransactionRejection.self) {
            try federation.processOutput(.pegOut(cheap), at: FMCore.OutPoint(txid: fmOutPoint.txid, outIndex: 5))
        }
        #expect(lowFee?.code == "peg_out_fee_too_low")
    }

    @Test func medianIgnoresOneExtremeVote() {
        #expect(WalletServerModule.medianHeight(votes: [100, 100, 100, 1_000_000], peers: 4) == 100)
        #expect(WalletServerModule.medianHeight(votes: [0, 100, 100, 100], peers: 4) == 100)
        #expect(WalletServerModule.medianHeight(votes: [100], peers: 4) == 0)
        #expect(WalletServerModule.medianHeight(votes: [7], peers: 1) == 7)
    }
}
