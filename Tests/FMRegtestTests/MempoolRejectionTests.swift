import FMBitcoin
import FMBitcoinRPC
import FMSecp256k1
import Foundation
import Testing

@testable import FMRegtest

/// Spends fm-regtest must refuse, with the codes and reasons bitcoind (27) gives.
@Suite(.serialized) struct MempoolRejectionTests {
    /// A node with a mature 50 BTC coinbase paying `key`, and that coinbase's outpoint.
    static func fundedNode(_ key: SecretKey) async throws -> (RegtestHarness, FMBitcoin.OutPoint) {
        let harness = try await RegtestHarness()
        let hashes = try await harness.client.generateToAddress(blocks: 1, address: TestWallet.p2wpkhAddress(key))
        _ = try await harness.client.generateToAddress(blocks: 100, address: try await harness.client.getNewAddress())
        let coinbase = try await harness.client.getBlock(hash: hashes[0]).transactions[0]
        return (harness, FMBitcoin.OutPoint(txid: coinbase.txid, index: 0))
    }

    static func spend(
        _ outpoint: FMBitcoin.OutPoint, amount: UInt64, key: SecretKey, send: UInt64, to script: Script,
        sequence: UInt32 = 0xffff_fffd, lockTime: UInt32 = 0
    ) throws -> FMBitcoin.Transaction {
        var transaction = FMBitcoin.Transaction(
            inputs: [TxIn(previousOutput: outpoint, sequence: sequence)], outputs: [TxOut(value: send, scriptPubKey: script)],
            lockTime: lockTime)
        try TestWallet.signP2WPKH(&transaction, index: 0, key: key, amount: amount)
        return transaction
    }

    static func expectRejection(
        _ rpc: some BitcoinRPC, _ transaction: FMBitcoin.Transaction, code: BitcoinRPCErrorCode, reasonPrefix: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            let txid = try await rpc.sendRawTransaction(transaction)
            Issue.record("accepted \(txid), expected \(code) \(reasonPrefix)", sourceLocation: sourceLocation)
        } catch let BitcoinRPCError.rpc(actualCode, message) {
            #expect(actualCode == code, "\(message)", sourceLocation: sourceLocation)
            #expect(message.hasPrefix(reasonPrefix), "\(message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func badSignatureMissingInputsDoubleSpendAndAlreadyConfirmed() async throws {
        let key = TestWallet.key(11)
        let (harness, coin) = try await Self.fundedNode(key)
        defer { Task { await harness.destroy() } }
        let rpc = harness.client
        let payee = Script.payToWitnessPublicKeyHash(TestWallet.key(12).publicKey)
        let good = try Self.spend(coin, amount: 50 * 100_000_000, key: key, send: 50 * 100_000_000 - 10_000, to: payee)

        // Signed by the wrong key: the P2WPKH program does not match.
        let wrongKey = try Self.spend(coin, amount: 50 * 100_000_000, key: TestWallet.key(13), send: 49 * 100_000_000, to: payee)
        await Self.expectRejection(rpc, wrongKey, code: .verifyRejected, reasonPrefix: "mandatory-script-verify-flag-failed (Witness program hash mismatch)")
        // Right key, signature over another amount: ECDSA fails (BIP-143 commits to the amount).
        let wrongAmount = try Self.spend(coin, amount: 40 * 100_000_000, key: key, send: 49 * 100_000_000, to: payee)
        await Self.expectRejection(rpc, wrongAmount, code: .verifyRejected, reasonPrefix: "mandatory-script-verify-flag-failed (Script evaluated without error but finished with a false/empty top stack element)")
        // Outputs exceed inputs.
        let overspend = try Self.spend(coin, amount: 50 * 100_000_000, key: key, send: 51 * 100_000_000, to: payee)
        await Self.expectRejection(rpc, overspend, code: .verifyRejected, reasonPrefix: "bad-txns-in-belowout, value in (50.00) < value out (51.00)")
        // An outpoint that never existed.
        let missing = try Self.spend(FMBitcoin.OutPoint(txid: Hash256.of([1, 2, 3]), index: 0), amount: 1000, key: key, send: 500, to: payee)
        await Self.expectRejection(rpc, missing, code: .verifyError, reasonPrefix: "Inputs missing or spent")
        // Fee of 100 sat for a 110 vB transaction.
        let cheap = try Self.spend(coin, amount: 50 * 100_000_000, key: key, send: 50 * 100_000_000 - 100, to: payee)
        await Self.expectRejection(rpc, cheap, code: .verifyRejected, reasonPrefix: "min relay fee not met, 100 < \(cheap.virtualSize)")

        let txid = try await rpc.sendRawTransaction(good)
        #expect(txid == good.txid)
        // Resubmitting a mempool transaction is not an error (bitcoind re-announces it).
        #expect(try await rpc.sendRawTransaction(good) == txid)
        // Spending the same coin again in the mempool.
        let conflict = try Self.spend(coin, amount: 50 * 100_000_000, key: key, send: 50 * 100_000_000 - 20_000, to: payee)
        await Self.expectRejection(rpc, conflict, code: .verifyRejected, reasonPrefix: "txn-mempool-conflict")

        _ = try await rpc.generateToAddress(blocks: 1, address: try await rpc.getNewAddress())
        await Self.expectRejection(rpc, good, code: .verifyAlreadyInChain, reasonPrefix: "Transaction already in block chain")
        // Once the coin is spent in a block, a double spend finds no input.
        await Self.expectRejection(rpc, conflict, code: .verifyError, reasonPrefix: "Inputs missing or spent")
    }

    @Test func immatureCoinbaseSpendIsRefused() async throws {
        let key = TestWallet.key(21)
        let harness = try await RegtestHarness()
        defer { Task { await harness.destroy() } }
        let rpc = harness.client
        let hashes = try await rpc.generateToAddress(blocks: 99, address: TestWallet.p2wpkhAddress(key))
        let coinbase = try await rpc.getBlock(hash: hashes[0]).transactions[0]
        let spend = try Self.spend(
            FMBitcoin.OutPoint(txid: coinbase.txid, index: 0), amount: 50 * 100_000_000, key: key, send: 50 * 100_000_000 - 10_000,
            to: .payToWitnessPublicKeyHash(key.publicKey))
        // Tip 99: a block at height 100 would hold it, 99 blocks after the coinbase.
        await Self.expectRejection(rpc, spend, code: .verifyRejected, reasonPrefix: "bad-txns-premature-spend-of-coinbase, tried to spend coinbase at depth 99")
        _ = try await rpc.generateToAddress(blocks: 1, address: TestWallet.p2wpkhAddress(key))
        #expect(try await rpc.sendRawTransaction(spend) == spend.txid)  // depth 100 is mature for consensus
    }

    @Test func undecodableAndPolicyViolationsAreRefused() async throws {
        let key = TestWallet.key(31)
        let (harness, coin) = try await Self.fundedNode(key)
        defer { Task { await harness.destroy() } }
        let rpc = harness.client
        await #expect(throws: BitcoinRPCError.rpc(code: .deserializationError, message: "TX decode failed. Make sure the tx has at least one input.")) {
            _ = try await harness.client.call("sendrawtransaction", [BitcoinJSON.string("00")])
        }
        let dust = try Self.spend(coin, amount: 50 * 100_000_000, key: key, send: 293, to: .payToWitnessPublicKeyHash(key.publicKey))
        await Self.expectRejection(rpc, dust, code: .verifyRejected, reasonPrefix: "dust")
        // A high-S signature is valid for consensus but not standard.
        var highS = try Self.spend(coin, amount: 50 * 100_000_000, key: key, send: 49 * 100_000_000, to: .payToWitnessPublicKeyHash(key.publicKey))
        highS.inputs[0].witness[0] = Self.negatingS(highS.inputs[0].witness[0])
        await Self.expectRejection(rpc, highS, code: .verifyRejected, reasonPrefix: "non-mandatory-script-verify-flag (Non-canonical signature: S value is unnecessarily high)")
        // Fee above sendrawtransaction's default maxfeerate (0.10 BTC/kvB).
        let expensive = try Self.spend(coin, amount: 50 * 100_000_000, key: key, send: 40 * 100_000_000, to: .payToWitnessPublicKeyHash(key.publicKey))
        await Self.expectRejection(rpc, expensive, code: .verifyError, reasonPrefix: "Fee exceeds maximum configured by user")

        // Lock times (tip 101, the coin at height 1): absolute for block 103 is not final in block 102;
        // relative 200 blocks (BIP-68) is not either; relative 100 blocks is.
        let payee = Script.payToWitnessPublicKeyHash(key.publicKey)
        let later = try Self.spend(coin, amount: 50 * 100_000_000, key: key, send: 50 * 100_000_000 - 10_000, to: payee, sequence: 0xffff_fffe, lockTime: 103)
        await Self.expectRejection(rpc, later, code: .verifyRejected, reasonPrefix: "non-final")
        let relative = try Self.spend(coin, amount: 50 * 100_000_000, key: key, send: 50 * 100_000_000 - 10_000, to: payee, sequence: 200)
        await Self.expectRejection(rpc, relative, code: .verifyRejected, reasonPrefix: "non-BIP68-final")
        let now = try Self.spend(coin, amount: 50 * 100_000_000, key: key, send: 50 * 100_000_000 - 10_000, to: payee, sequence: 100, lockTime: 101)
        #expect(try await rpc.sendRawTransaction(now) == now.txid)
    }

    /// The same DER signature with s replaced by n − s (still valid ECDSA, but high-S).
    static func negatingS(_ signature: [UInt8]) -> [UInt8] {
        let order: [UInt8] = bytes(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
        let rLength = Int(signature[3])
        let sLength = Int(signature[5 + rLength])
        let s = Array(signature[(6 + rLength)..<(6 + rLength + sLength)]).drop { $0 == 0 }
        var padded = [UInt8](repeating: 0, count: 32 - s.count) + s
        var borrow = 0
        for i in stride(from: 31, through: 0, by: -1) {
            let difference = Int(order[i]) - Int(padded[i]) - borrow
            padded[i] = UInt8((difference + 256) % 256)
            borrow = difference < 0 ? 1 : 0
        }
        let highS = padded[0] & 0x80 != 0 ? [0] + padded : padded
        let r = Array(signature[4..<(4 + rLength)])
        let body = [0x02, UInt8(r.count)] + r + [0x02, UInt8(highS.count)] + highS
        return [0x30, UInt8(body.count)] + body + [signature.last!]
    }
}

private func bytes(hex: String) -> [UInt8] { Hex.decode(hex)! }
