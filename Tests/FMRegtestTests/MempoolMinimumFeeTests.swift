import FMBitcoin
import FMBitcoinRPC
import FMSecp256k1
import Foundation
import Testing

@testable import FMRegtest

/// fm-regtest's mempool minimum fee rate (Core's `mempoolminfee`) and package CPFP through `submitpackage`
/// (Core 28+): what the federation's fee bump (issue 24 item 9) needs from the node.
@Suite(.serialized) struct MempoolMinimumFeeTests {
    /// A P2WPKH spend of `outpoint` (worth `amount`) paying `amount - fee` to `key`'s own script.
    static func spend(_ outpoint: FMBitcoin.OutPoint, amount: UInt64, fee: UInt64, key: SecretKey) throws -> FMBitcoin.Transaction {
        try MempoolRejectionTests.spend(
            outpoint, amount: amount, key: key, send: amount - fee, to: Script.payToWitnessPublicKeyHash(key.publicKey))
    }

    @Test func raisedMinimumEvictsRefusesAndAPackageChildPaysForTheParent() async throws {
        let key = TestWallet.key(21)
        let (harness, coin) = try await MempoolRejectionTests.fundedNode(key)
        defer { Task { await harness.destroy() } }
        let rpc = harness.client
        let value: UInt64 = 50 * 100_000_000

        // A parent at ~1.1 sat/vB enters while the minimum is 1 sat/vB.
        let parent = try Self.spend(coin, amount: value, fee: 120, key: key)
        _ = try await rpc.sendRawTransaction(parent)

        // Raising the minimum to 5 sat/vB evicts it (as Core trims a full mempool), and it is refused when sent again.
        let raised = try await rpc.call("setmempoolminfee", [.number("0.00005")])
        #expect(raised["evicted"] == .array([.string(parent.txid.displayHex)]))
        #expect(try await rpc.call("getmempoolinfo")["mempoolminfee"]?.satoshis == 5_000)
        #expect(await harness.node.getRawMempool().isEmpty)
        let minimum = TransactionValidator.fee(rate: 5_000, virtualSize: parent.virtualSize)
        await MempoolRejectionTests.expectRejection(
            rpc, parent, code: .verifyRejected, reasonPrefix: "mempool min fee not met, 120 < \(minimum)")

        // A child spending the parent's output: too little for the package is refused, whole; enough is accepted.
        let parentOutput = FMBitcoin.OutPoint(txid: parent.txid, index: 0)
        let weakChild = try Self.spend(parentOutput, amount: value - 120, fee: 200, key: key)
        await #expect(throws: BitcoinRPCError.self) {
            _ = try await rpc.call("submitpackage", [.array([parent, weakChild].map { .string(Hex.encode($0.serialized())) })])
        }
        #expect(await harness.node.getRawMempool().isEmpty)
        let packageSize = UInt64(parent.virtualSize + weakChild.virtualSize)
        let childFee = (5_000 * packageSize + 999) / 1000 - 120
        let child = try Self.spend(parentOutput, amount: value - 120, fee: childFee, key: key)
        let result = try await rpc.call("submitpackage", [.array([parent, child].map { .string(Hex.encode($0.serialized())) })])
        #expect(result["package_msg"] == .string("success"))
        #expect(Set(await harness.node.getRawMempool()) == [parent.txid, child.txid])

        // Both are mined together: the parent is confirmed (its output spent by the confirmed child).
        let block = try await rpc.generateToAddress(blocks: 1, address: try await rpc.getNewAddress())[0]
        #expect(await harness.node.getRawMempool().isEmpty)
        #expect(try await rpc.getBlock(hash: block).transactions.dropFirst().map(\.txid) == [parent.txid, child.txid])
    }

    @Test func aPayingChildKeepsItsParentWhenTheMinimumRisesAndTopologyIsChecked() async throws {
        let key = TestWallet.key(22)
        let (harness, coin) = try await MempoolRejectionTests.fundedNode(key)
        defer { Task { await harness.destroy() } }
        let rpc = harness.client
        let value: UInt64 = 50 * 100_000_000
        let parent = try Self.spend(coin, amount: value, fee: 120, key: key)
        let child = try Self.spend(FMBitcoin.OutPoint(txid: parent.txid, index: 0), amount: value - 120, fee: 5_000, key: key)
        _ = try await rpc.sendRawTransaction(parent)
        _ = try await rpc.sendRawTransaction(child)
        // Descendant score: the parent with its child pays well over 5 sat/vB, so nothing is evicted.
        let raised = try await rpc.call("setmempoolminfee", [.number("0.00005")])
        #expect(raised["evicted"] == .array([]))
        #expect(await harness.node.getRawMempool().count == 2)
        // A "package" whose last transaction does not spend the first is not child-with-parents.
        let unrelated = try Self.spend(FMBitcoin.OutPoint(txid: child.txid, index: 0), amount: value - 5_120, fee: 5_000, key: key)
        await #expect(throws: BitcoinRPCError.rpc(
            code: .invalidParameter, message: "package topology disallowed. not child-with-parents or parents depend on each other.")) {
            _ = try await harness.node.submitPackage([parent, unrelated])
        }
        // A minimum above the bound is refused; the flag's range is the same.
        await #expect(throws: BitcoinRPCError.self) { _ = try await harness.node.setMempoolMinimumFeeRate(10_000_001) }
    }
}
