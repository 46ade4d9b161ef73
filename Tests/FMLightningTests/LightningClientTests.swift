import FMBolt11
import FMClient
import FMClientCore
import FMCore
import FMLightningClient
import FMLightningCommon
import FMMintClient
import FMPeerNetwork
import FMSecp256k1
import FMServer
import Foundation
import Testing

/// The client API fm-ln-pay and fm-gateway build on, against four real guardians on loopback (dealer configs, the
/// standard modules, the system clock): a user pays an invoice through a gateway that claims with the preimage; a
/// payment the gateway cancels is refunded by the user's state machine on its own; recovery from the mnemonic finds a
/// funded contract again.
@Suite(.serialized) struct LightningClientTests {
    @Test(.timeLimit(.minutes(2))) func payThroughAGatewayAndRefundACancelledPayment() async throws {
        let federation = try await LoopbackLightningFederation()
        defer { federation.stop() }
        let directory = federation.directory
        let invite = federation.invite
        let nodes = federation.nodes
        try await federation.join("alice")
        try await federation.join("gateway")
        let (userClient, user) = try federation.open("alice")
        let (gatewayClient, gateway) = try federation.open("gateway")

        // The gateway announces itself; the user lists it (signatures checked client-side).
        let announced = try await gateway.announce(
            nodeKey: Keypair().publicKey, apiURL: "http://127.0.0.1:1/", baseFee: Amount(msats: 1_000), feePartsPerMillion: 0,
            ttl: 600)
        #expect(try await user.gateways() == [announced])
        // Consensus time starts with the guardians' first votes.
        while try await user.ln.consensusTime() == 0 { try await Task.sleep(for: .milliseconds(100)) }

        func invoice(_ preimage: Preimage, msats: UInt64) throws -> SignedInvoice {
            try Invoice(
                network: .regtest, amountMsat: msats, timestamp: UInt64(Date().timeIntervalSince1970),
                paymentHash: preimage.paymentHash.bytes, paymentSecret: [UInt8](repeating: 5, count: 32), description: "coffee"
            ).signed(by: SecretKey())
        }
        func awaitFunded(_ contract: OutgoingContract) async throws {
            while (try? await gateway.ln.contractState(contract.id).state) != .funded {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let before = try await userClient.balance()

        // Paid: the gateway checks the funded contract, "pays", and claims with the preimage.
        let preimage = Preimage(bytes: [UInt8](repeating: 0x61, count: 32))!
        let (payment, contract) = try await user.pay(try invoice(preimage, msats: 10_000), gateway: announced)
        #expect(contract.amount == Amount(msats: 11_000) && contract.gatewayClaimKey == gateway.ln.gatewayKey.xOnlyPublicKey)
        try await awaitFunded(contract)
        let claim = try await gateway.claimOutgoing(contract, preimage: preimage)
        #expect(try await gateway.mint.await(claim).status == OperationStatus.succeeded)
        let paid = try await user.await(payment)
        #expect(paid.status == OperationStatus.succeeded)
        #expect(paid.result == .object([
            "outcome": .string("paid"), "preimage": .string(Hex.encode(preimage.bytes)), "amount_msat": .integer(10_000),
            "fee_msat": .integer(1_000),
        ]))
        let afterPayment = try await userClient.balance()
        #expect(afterPayment.msats < before.msats - 11_000)

        // Cancelled: the user's operation refunds at once, without waiting for the timelock.
        let second = Preimage(bytes: [UInt8](repeating: 0x62, count: 32))!
        let (refundable, contract2) = try await user.pay(try invoice(second, msats: 20_000), gateway: announced)
        try await awaitFunded(contract2)
        try await user.cancelled(refundable, signature: gateway.cancellation(of: contract2))
        await #expect(throws: LightningClientError.self) {
            try await user.cancelled(refundable, signature: Keypair().signSchnorr(message: contract2.cancellationMessage))
        }
        let refunded = try await user.await(refundable)
        #expect(refunded.result == .object([
            "outcome": .string("refunded"), "refunded_msat": .integer(21_000), "reason": .string("the gateway cancelled"),
        ]))
        #expect(try await gateway.ln.contractState(contract2.id).state == .refunded)

        // Every guardian's audit balances and holds no contract.
        for node in nodes {
            let audit = try await node.processor.audit()
            #expect(audit.total.isSolvent)
            #expect(audit.modules.first { $0.kind == LightningKind.kind }?.audit.liabilities == .zero)
        }

        // Recovery: a funded contract left alone is found again from the derived refund keys.
        let third = Preimage(bytes: [UInt8](repeating: 0x63, count: 32))!
        let (_, contract3) = try await user.pay(try invoice(third, msats: 5_000), gateway: announced)
        try await awaitFunded(contract3)
        let mnemonic = try #require(try ClientDirectory(path: directory.appendingPathComponent("alice").path).loadMnemonic())
        let restored = try await FederationClient.recover(
            invite: invite, mnemonic: mnemonic, directory: ClientDirectory(path: directory.appendingPathComponent("alice-restored").path),
            modules: ClientModules.all)
        let summary = try #require(restored.modules.first { $0.kind == LightningKind.kind }?.summary)
        #expect(summary == .object(["contracts": .unsigned(3), "funded_msat": .unsigned(6_000)]))
        // The funded contract is a payment operation again, waiting for its outcome (and its refund when due).
        let running = try await restored.client.executor.log.running().filter { $0.kind == LightningPay.kind }
        #expect(running.count == 1)
        _ = (userClient, gatewayClient)
    }
}
