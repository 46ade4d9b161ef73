import FMBitcoin
import FMBitcoinRPC
import FMSecp256k1
import Foundation
import Testing

@testable import FMRegtest

@Suite struct MultisigSpendTests {
    /// A federation-style `wsh(sortedmulti(2, K1, K2, K3))` output funded by the wallet, spent with
    /// two BIP-143 signatures built with FMBitcoin, is accepted and confirmed; one signature, or a
    /// signature by a key outside the script, is refused.
    @Test func twoOfThreeP2WSHSpendIsAccepted() async throws {
        let harness = try await RegtestHarness()
        defer { Task { await harness.destroy() } }
        let rpc = harness.client
        let miner = try await rpc.getNewAddress()
        _ = try await rpc.generateToAddress(blocks: 101, address: miner)

        let keys = (1...3).map { TestWallet.key(100 + UInt64($0)) }
        let descriptor = try MultisigDescriptor(threshold: 2, keys: keys.map(\.publicKey), sorted: true)
        let fundingTxid = try await rpc.sendToAddress(address: descriptor.address(network: .regtest).string, amountSats: 2 * 100_000_000)
        _ = try await rpc.generateToAddress(blocks: 1, address: miner)
        let funding = try await rpc.getRawTransaction(txid: fundingTxid, blockHash: nil)
        let output = try #require(TestWallet.output(of: funding, paying: descriptor.scriptPubKey))

        let payee = Script.payToWitnessPublicKeyHash(TestWallet.key(200).publicKey)
        func spend(signers: [SecretKey]) throws -> FMBitcoin.Transaction {
            var transaction = FMBitcoin.Transaction(
                inputs: [TxIn(previousOutput: FMBitcoin.OutPoint(txid: fundingTxid, index: output.index), sequence: 0xffff_ffff)],
                outputs: [TxOut(value: output.value - 1000, scriptPubKey: payee)])
            let sighash = transaction.segwitV0SignatureHash(
                inputIndex: 0, scriptCode: descriptor.witnessScript, amount: output.value, sighashType: .all)
            // CHECKMULTISIG wants signatures in the order of the script's (sorted) keys.
            let ordered = signers.sorted { $0.publicKey.compressed.lexicographicallyPrecedes($1.publicKey.compressed) }
            let signatures = try ordered.map { try $0.signECDSA(messageHash: sighash).derRepresentation + [0x01] }
            transaction.inputs[0].witness = [[]] + signatures + [descriptor.witnessScript.bytes]
            return transaction
        }

        await MempoolRejectionTests.expectRejection(
            rpc, try spend(signers: [keys[0]]), code: .verifyRejected,
            reasonPrefix: "mandatory-script-verify-flag-failed (Operation not valid with the current stack size)")
        await MempoolRejectionTests.expectRejection(
            rpc, try spend(signers: [keys[0], TestWallet.key(999)]), code: .verifyRejected,
            reasonPrefix: "mandatory-script-verify-flag-failed (Script evaluated without error but finished with a false/empty top stack element)")

        let good = try spend(signers: [keys[2], keys[0]])
        #expect(try await rpc.sendRawTransaction(good) == good.txid)
        let block = try await rpc.generateToAddress(blocks: 1, address: miner)[0]
        #expect(try await rpc.getBlock(hash: block).transactions.map(\.txid).contains(good.txid))
        #expect(try await rpc.getTxOutProof(txids: [good.txid], blockHash: block).verifiedTxids() == [good.txid])
    }
}
