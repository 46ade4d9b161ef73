import FMBitcoin
import FMBitcoinRPC
import Foundation
import Testing

@testable import FMRegtest

@Suite(.serialized) struct WalletAndMiningTests {
    @Test func coinbaseMaturesAfter100BlocksAndPaysTheRegtestSubsidy() async throws {
        let harness = try await RegtestHarness()
        defer { Task { await harness.destroy() } }
        let rpc = harness.client
        let address = try await rpc.getNewAddress()
        #expect(address.hasPrefix("bcrt1q"))

        _ = try await rpc.generateToAddress(blocks: 100, address: address)
        #expect(try await rpc.getBalance() == 0)  // the first coinbase has 100 confirmations: still immature
        let hashes = try await rpc.generateToAddress(blocks: 1, address: address)
        #expect(try await rpc.getBalance() == 50 * 100_000_000)
        #expect(try await rpc.getBlockCount() == 101)
        #expect(try await rpc.getBestBlockHash() == hashes[0])

        // Every block has regtest proof of work, links to its parent and commits to its transactions.
        let info = try await rpc.getBlockchainInfo()
        #expect(info.chain == "regtest" && info.network == .regtest && info.blocks == 101)
        var previous = Network.regtest.genesisBlock.hash
        #expect(try await rpc.getBlockHash(height: 0) == previous)
        for height in 1...101 {
            let block = try await rpc.getBlock(hash: try await rpc.getBlockHash(height: height))
            #expect(block.header.previousBlockHash == previous)
            #expect(block.header.bits == 0x207f_ffff && block.header.hasValidProofOfWork)
            #expect(block.header.merkleRoot == block.computedMerkleRoot)
            #expect(block.transactions[0].inputs[0].scriptSig.bytes.starts(with: Script.coinbaseHeight(Int64(height)).bytes))
            #expect(try await rpc.getBlockHeader(hash: block.hash) == block.header)
            previous = block.hash
        }
    }

    @Test func subsidyHalvesEvery150BlocksOnRegtest() {
        #expect(RegtestParameters.subsidy(height: 149) == 5_000_000_000)
        #expect(RegtestParameters.subsidy(height: 150) == 2_500_000_000)
        #expect(RegtestParameters.subsidy(height: 300) == 1_250_000_000)
    }

    @Test func sendToAddressPaysConfirmsAndProvesInclusion() async throws {
        let harness = try await RegtestHarness()
        defer { Task { await harness.destroy() } }
        let rpc = harness.client
        let mine = try await rpc.getNewAddress()
        _ = try await rpc.generateToAddress(blocks: 101, address: mine)

        let external = TestWallet.key(7)
        let destination = TestWallet.p2wpkhAddress(external)
        let txid = try await rpc.sendToAddress(address: destination, amountSats: 123_456_789)
        #expect(try await rpc.getRawMempool() == [txid])
        let transaction = try await rpc.getRawTransaction(txid: txid, blockHash: nil)
        let paid = try #require(TestWallet.output(of: transaction, paying: .payToWitnessPublicKeyHash(external.publicKey)))
        #expect(paid.value == 123_456_789)
        // Fee at the wallet's 2 sat/vB: outputs = inputs − fee; balance drops by amount + fee.
        let fee = 50 * 100_000_000 - transaction.outputs.reduce(0) { $0 + $1.value }
        #expect(fee >= 2 * UInt64(transaction.virtualSize) && fee < 3 * UInt64(transaction.virtualSize))

        let blockHash = try #require(try await rpc.generateToAddress(blocks: 1, address: mine).first)
        #expect(try await rpc.getRawMempool().isEmpty)
        let block = try await rpc.getBlock(hash: blockHash)
        #expect(block.transactions.map(\.txid).contains(txid))
        // Fees go to the miner.
        #expect(block.transactions[0].outputs[0].value == 50 * 100_000_000 + fee)
        // The witness commitment is Core's: OP_RETURN aa21a9ed || SHA256d(witness root || 0^32).
        #expect(block.transactions[0].outputs.contains { $0.scriptPubKey == .witnessCommitment(block.witnessCommitment()) })

        let proof = try await rpc.getTxOutProof(txids: [txid], blockHash: nil)
        #expect(proof.header == block.header)
        #expect(try proof.verifiedTxids() == [txid])
        #expect(try await rpc.getRawTransaction(txid: txid, blockHash: blockHash) == transaction)
        // Change returned: block 1's 50 BTC minus amount and fee, plus block 2's now-mature coinbase.
        #expect(try await rpc.getBalance() == 100 * 100_000_000 - 123_456_789 - fee)
    }

    @Test func walletRefusesWhatItCannotPay() async throws {
        let harness = try await RegtestHarness()
        defer { Task { await harness.destroy() } }
        let rpc = harness.client
        let address = try await rpc.getNewAddress()
        _ = try await rpc.generateToAddress(blocks: 101, address: address)
        await #expect(throws: BitcoinRPCError.rpc(code: .walletInsufficientFunds, message: "Insufficient funds")) {
            try await rpc.sendToAddress(address: address, amountSats: 50 * 100_000_000)
        }
        await #expect(throws: BitcoinRPCError.rpc(code: .invalidAddressOrKey, message: "Invalid address")) {
            try await rpc.sendToAddress(address: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", amountSats: 1000)
        }
    }

    @Test func feeEstimateFollowsRecentBlocksOrTheFallback() async throws {
        let harness = try await RegtestHarness()
        defer { Task { await harness.destroy() } }
        let rpc = harness.client
        #expect(try await rpc.estimateSmartFee(confirmationTarget: 6) == FeeEstimate(satsPerKvB: 1000, blocks: 6))
        let address = try await rpc.getNewAddress()
        _ = try await rpc.generateToAddress(blocks: 101, address: address)
        _ = try await rpc.sendToAddress(address: address, amountSats: 100_000)
        _ = try await rpc.generateToAddress(blocks: 1, address: address)
        // The wallet pays 2 sat/vB (rounded up), so the block's median rate is just above 2000 sat/kvB.
        let estimate = try await rpc.estimateSmartFee(confirmationTarget: 2)
        #expect((2000...2100).contains(try #require(estimate.satsPerKvB)))
        await #expect(throws: BitcoinRPCError.rpc(code: .invalidParameter, message: "Invalid conf_target, must be between 1 and 1008")) {
            try await rpc.estimateSmartFee(confirmationTarget: 0)
        }
    }

    @Test func restartKeepsChainMempoolAndWallet() async throws {
        let first = try await RegtestHarness()
        let rpc = first.client
        let address = try await rpc.getNewAddress()
        _ = try await rpc.generateToAddress(blocks: 101, address: address)
        let pending = try await rpc.sendToAddress(address: TestWallet.p2wpkhAddress(TestWallet.key(3)), amountSats: 10_000_000)
        let tip = try await rpc.getBestBlockHash()
        let balance = try await rpc.getBalance()
        await first.stop()

        let second = try await RegtestHarness(directory: first.directory)
        defer { Task { await second.destroy() } }
        #expect(try await second.client.getBestBlockHash() == tip)
        #expect(try await second.client.getBlockCount() == 101)
        #expect(try await second.client.getRawMempool() == [pending])
        #expect(try await second.client.getBalance() == balance)
        // The same seed gives the next address, not a reused one.
        let next = try await second.client.getNewAddress()
        #expect(next != address)
        let mined = try await second.client.generateToAddress(blocks: 1, address: next)
        #expect(try await second.client.getBlock(hash: mined[0]).transactions.map(\.txid).contains(pending))
        #expect(try await second.client.getBlock(hash: mined[0]).header.previousBlockHash == tip)
    }
}

@Suite struct RPCShapeTests {
    /// The node is a `BitcoinRPC` in-process too, and its JSON replies have Bitcoin Core's shapes.
    @Test func inProcessProtocolAndVerboseReplies() async throws {
        let harness = try await RegtestHarness()
        defer { Task { await harness.destroy() } }
        let inProcess: any BitcoinRPC = harness.node
        let address = try await inProcess.getNewAddress()
        let hashes = try await inProcess.generateToAddress(blocks: 101, address: address)
        #expect(try await harness.client.getBlockCount() == 101)
        let txid = try await inProcess.sendToAddress(address: address, amountSats: 1_000_000)

        let mempoolInfo = try await harness.client.call("getmempoolinfo")
        #expect(mempoolInfo["size"] == .number("1"))
        #expect(mempoolInfo["minrelaytxfee"] == .number("0.00001000"))
        let mined = try await inProcess.generateToAddress(blocks: 1, address: address)[0]

        let block = try await harness.client.call("getblock", [.string(mined.displayHex), .integer(1)])
        #expect(block["height"] == .integer(102))
        #expect(block["confirmations"] == .integer(1))
        #expect(block["previousblockhash"] == .string(hashes[100].displayHex))
        #expect(block["bits"] == .string("207fffff"))
        #expect(block["tx"]?.arrayValue?.count == 2)
        let first = try await harness.client.call("getblockheader", [.string(hashes[0].displayHex)])
        #expect(first["nextblockhash"] == .string(hashes[1].displayHex))
        #expect(first["confirmations"] == .integer(102))

        let verbose = try await harness.client.call("getrawtransaction", [.string(txid.displayHex), .bool(true)])
        #expect(verbose["blockhash"] == .string(mined.displayHex))
        #expect(verbose["confirmations"] == .integer(1))
        let payment = try #require(verbose["vout"]?.arrayValue?.first { $0["value"] == .number("0.01000000") })
        #expect(payment["scriptPubKey"]?["address"] == .string(address))
        #expect(payment["scriptPubKey"]?["type"] == .string("witness_v0_keyhash"))

        let index = try #require(payment["n"]?.intValue)
        let txout = try await harness.client.call("gettxout", [.string(txid.displayHex), .integer(index)])
        #expect(txout["value"] == .number("0.01000000") && txout["confirmations"] == .integer(1))
        let missing = try await harness.client.call("gettxout", [.string(txid.displayHex), .integer(9)])
        #expect(missing == .null)
    }
}
