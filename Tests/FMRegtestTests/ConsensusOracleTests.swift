import FMBitcoin
import FMBitcoinRPC
import FMSecp256k1
import Foundation
import Testing

@testable import FMRegtest

/// Bitcoin Core's own consensus code (libbitcoinkernel) replays every block fm-regtest mined here
/// and accepts each; blocks built around transactions fm-regtest refused are refused there too.
@Suite(.serialized) struct ConsensusOracleTests {
    @Test(.enabled(if: Oracle.enabled("pbk", "embit")))
    func libbitcoinkernelAcceptsMinedBlocksAndRefusesRefusedTransactions() async throws {
        try Oracle.require("pbk", "embit")
        let harness = try await RegtestHarness()
        defer { Task { await harness.destroy() } }
        let rpc = harness.client
        let node = harness.node
        let key = TestWallet.key(41)
        let miner = try await rpc.getNewAddress()
        let funded = try await rpc.generateToAddress(blocks: 1, address: TestWallet.p2wpkhAddress(key))
        _ = try await rpc.generateToAddress(blocks: 101, address: miner)
        let coinbase = try await rpc.getBlock(hash: funded[0]).transactions[0]
        let coin = FMBitcoin.OutPoint(txid: coinbase.txid, index: 0)

        // Wallet payments with change, across several blocks (witness commitments, fees to the miner).
        for amount in [10_000_000, 20_000_000, 30_000_000] as [UInt64] {
            _ = try await rpc.sendToAddress(address: TestWallet.p2wpkhAddress(TestWallet.key(amount)), amountSats: amount)
        }
        _ = try await rpc.generateToAddress(blocks: 1, address: miner)

        // A reference P2WPKH spend built and signed by embit (an independent library) must be accepted.
        let payee = TestWallet.p2wpkhAddress(TestWallet.key(42))
        let embit = try Oracle.run([
            Oracle.directory.appendingPathComponent("embit_reference_spend.py").path, Hex.encode(key.rawRepresentation),
            coin.txid.displayHex, "0", "5000000000", payee, "4999990000",
        ])
        #expect(embit.status == 0, "\(embit.stderr)")
        let referenceHex = embit.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let reference = try FMBitcoin.Transaction(serialized: try #require(Hex.decode(referenceHex)))
        #expect(try await rpc.sendRawTransaction(reference) == reference.txid)
        // A chain of unconfirmed spends: the child spends the reference transaction's output.
        var child = FMBitcoin.Transaction(
            inputs: [TxIn(previousOutput: FMBitcoin.OutPoint(txid: reference.txid, index: 0))],
            outputs: [TxOut(value: 4_999_980_000, scriptPubKey: .payToWitnessPublicKeyHash(key.publicKey))])
        try TestWallet.signP2WPKH(&child, index: 0, key: TestWallet.key(42), amount: 4_999_990_000)
        #expect(try await rpc.sendRawTransaction(child) == child.txid)
        _ = try await rpc.generateToAddress(blocks: 2, address: miner)

        // Transactions fm-regtest refuses, each put into an otherwise valid block on the tip.
        let tipCoinbase = try await rpc.getBlock(hash: try await rpc.getBestBlockHash()).transactions[0]
        let childOutput = FMBitcoin.OutPoint(txid: child.txid, index: 0)
        let payeeScript = Script.payToWitnessPublicKeyHash(TestWallet.key(43).publicKey)
        var badSignature = try MempoolRejectionTests.spend(childOutput, amount: 4_000_000_000, key: key, send: 4_000_000_000, to: payeeScript)
        badSignature.outputs[0].value = 4_999_970_000
        let immature = try MempoolRejectionTests.spend(
            FMBitcoin.OutPoint(txid: tipCoinbase.txid, index: 0), amount: tipCoinbase.outputs[0].value, key: key, send: 1000, to: payeeScript)
        let doubleSpend = try MempoolRejectionTests.spend(coin, amount: 5_000_000_000, key: key, send: 4_999_900_000, to: payeeScript)
        let missing = try MempoolRejectionTests.spend(
            FMBitcoin.OutPoint(txid: Hash256.of([9]), index: 0), amount: 1000, key: key, send: 500, to: payeeScript)
        let overspend = try MempoolRejectionTests.spend(childOutput, amount: 4_999_980_000, key: key, send: 5_000_000_000, to: payeeScript)
        let tip = try await rpc.getBlockCount()
        let notFinal = try MempoolRejectionTests.spend(
            childOutput, amount: 4_999_980_000, key: key, send: 4_999_970_000, to: payeeScript, sequence: 0xffff_fffe,
            lockTime: UInt32(tip + 2))
        let relativeLock = try MempoolRejectionTests.spend(
            childOutput, amount: 4_999_980_000, key: key, send: 4_999_970_000, to: payeeScript, sequence: 10)
        let refused: [(String, FMBitcoin.Transaction)] = [
            ("lock time not reached", notFinal), ("BIP-68 relative lock not reached", relativeLock),
            ("bad signature", badSignature), ("immature coinbase", immature), ("double spend", doubleSpend),
            ("missing input", missing), ("outputs exceed inputs", overspend),
        ]
        var invalid: [[String: String]] = []
        for (name, transaction) in refused {
            await #expect(throws: BitcoinRPCError.self, "fm-regtest accepted \(name)") { try await rpc.sendRawTransaction(transaction) }
            let block = await node.assembleUncheckedBlock(including: [transaction], payout: .payToWitnessPublicKeyHash(key.publicKey))
            invalid.append(["name": name, "hex": Hex.encode(block.serialized)])
        }

        // The control: the same assembly around a transaction fm-regtest accepts.
        let valid = try MempoolRejectionTests.spend(childOutput, amount: 4_999_980_000, key: key, send: 4_999_970_000, to: payeeScript)
        let control = await node.assembleUncheckedBlock(including: [valid], payout: .payToWitnessPublicKeyHash(key.publicKey))

        let blocks = await node.serializedBlocks()
        let input = harness.directory.appendingPathComponent("oracle-input.json")
        try JSONSerialization.data(withJSONObject: [
            "valid": blocks.map { Hex.encode($0) }, "invalid": invalid, "control": Hex.encode(control.serialized),
        ]).write(to: input)
        let replay = try Oracle.run([Oracle.directory.appendingPathComponent("replay_blocks.py").path, input.path])
        #expect(replay.status == 0, "libbitcoinkernel: \(replay.stdout) \(replay.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(replay.stdout.utf8)) as? [String: Any])
        #expect(report["tip_height"] as? Int == blocks.count)
        #expect(report["tip_hash"] as? String == (try await rpc.getBestBlockHash()).displayHex)
        #expect((report["refused"] as? [String])?.count == refused.count)
        #expect(report["control_accepted"] as? Bool == true)
        #expect(try await rpc.sendRawTransaction(valid) == valid.txid)
    }
}
