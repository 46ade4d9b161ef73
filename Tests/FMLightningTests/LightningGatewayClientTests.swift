import FMBolt11
import FMClient
import FMClientCore
import FMCore
import FMLightningClient
import FMLightningCommon
import FMMintClient
import FMSecp256k1
import Foundation
import Testing

/// The user's side of paying and receiving through a gateway's API (fm-ln-pay's library), against four real
/// guardians on loopback and an in-process gateway (``FakeGateway``) that claims, cancels, does not answer, lies
/// about the preimage or the invoice, and funds incoming contracts.
@Suite(.serialized) struct LightningGatewayClientTests {
    static func invoice(_ preimage: Preimage, msats: UInt64) throws -> SignedInvoice {
        try Invoice(
            network: .regtest, amountMsat: msats, timestamp: UInt64(Date().timeIntervalSince1970),
            paymentHash: preimage.paymentHash.bytes, paymentSecret: [UInt8](repeating: 5, count: 32), description: "coffee"
        ).signed(by: SecretKey())
    }

    static func preimage(_ byte: UInt8) -> Preimage { Preimage(bytes: [UInt8](repeating: byte, count: 32))! }

    @Test(.timeLimit(.minutes(3))) func payAsksTheGatewayAndRefundsWithoutBeingAsked() async throws {
        let federation = try await LoopbackLightningFederation()
        defer { federation.stop() }
        try await federation.join("alice")
        try await federation.join("gateway")
        let gateway = FakeGateway(operations: try federation.open("gateway").1, federationID: federation.invite.federationId)
        let (aliceClient, alice) = try federation.open("alice", gateway: gateway)
        let announced = try await gateway.announce()
        try await federation.awaitConsensusTime(alice)

        // Paid: the client asks the gateway, which claims with the preimage; fee = the announced base fee.
        let p1 = Self.preimage(0x61)
        gateway.behave(.claim(p1), for: p1.paymentHash)
        let (paid, _) = try await alice.pay(try Self.invoice(p1, msats: 10_000), gateway: announced)
        let paidRecord = try await alice.await(paid)
        #expect(paidRecord.result == .object([
            "outcome": .string("paid"), "preimage": .string(Hex.encode(p1.bytes)), "amount_msat": .integer(10_000),
            "fee_msat": .integer(1_000),
        ]))
        #expect(gateway.payCalls == 1)

        // Cancelled by the gateway: refunded at once (the timelock is a day away).
        let p2 = Self.preimage(0x62)
        gateway.behave(.cancel, for: p2.paymentHash)
        let (cancelled, contract2) = try await alice.pay(try Self.invoice(p2, msats: 20_000), gateway: announced)
        let started = ContinuousClock.now
        let cancelledRecord = try await alice.await(cancelled)
        #expect(cancelledRecord.result == .object([
            "outcome": .string("refunded"), "refunded_msat": .integer(21_000), "reason": .string("the gateway cancelled"),
        ]))
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(try await alice.ln.contractState(contract2.id).state == .refunded)

        // An unreachable gateway and one answering a preimage that does not open the hash: both refund at the
        // timelock (20 s of consensus time, shorter than fm-gateway's margin: no margin check), without anyone
        // asking. Meanwhile the balance shows both contracts as outgoing, and a receive whose invoice nobody pays
        // expires (the funded contracts keep time votes coming).
        let p3 = Self.preimage(0x63)
        let p4 = Self.preimage(0x64)
        gateway.behave(.wrongPreimage, for: p4.paymentHash)
        let (unreachable, contract3) = try await alice.pay(
            try Self.invoice(p3, msats: 5_000), gateway: announced, timelockDelta: 20, checkGatewayMargin: false)
        let (lied, contract4) = try await alice.pay(
            try Self.invoice(p4, msats: 7_000), gateway: announced, timelockDelta: 20, checkGatewayMargin: false)
        let (expiring, _) = try await alice.receive(Amount(msats: 3_000), description: "tea", expirySecs: 5, gateway: announced)
        let sheet = try await aliceClient.balanceSheet()
        let outgoing = sheet.inFlight.filter { $0.direction == .outgoing }
        #expect(Set(outgoing.map(\.operationId)) == [unreachable, lied])
        #expect(try Amount.sum(outgoing.map(\.amountMsat)) == (try contract3.amount.adding(contract4.amount)))
        // One round without waiting (what every fm-ln-pay command does first) records the lie and returns.
        _ = try await alice.resumeAll()
        let liedState = try #require(try await alice.status(lied).state.decode(LightningPay.self))
        #expect(liedState.gatewayError == "the gateway's preimage does not hash to the payment hash" && liedState.preimage == nil)
        #expect(try await alice.status(unreachable).status == .running)

        // The refund is taken by what every command does first (FederationClient.resumeUnfinished, as in fm-mint),
        // not by awaiting the payment.
        var refunded3 = try await alice.status(unreachable)
        while refunded3.status == .running {
            _ = try await aliceClient.resumeUnfinished()
            refunded3 = try await alice.status(unreachable)
            if refunded3.status == .running { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(refunded3.result == .object([
            "outcome": .string("refunded"), "refunded_msat": .integer(6_000), "reason": .string("the timelock expired"),
        ]))
        #expect(try refunded3.state.decode(LightningPay.self).gatewayAttempts >= 1)
        let refunded4 = try await alice.await(lied)
        #expect(refunded4.result == .object([
            "outcome": .string("refunded"), "refunded_msat": .integer(8_000), "reason": .string("the timelock expired"),
            "gateway_error": .string("the gateway's preimage does not hash to the payment hash"),
        ]))
        let expired = try await alice.await(expiring)
        #expect(expired.result?.objectValue?["outcome"] == .string("expired"))
        #expect(try await federation.auditedContracts().allSatisfy { $0 == .zero })
        #expect(try await aliceClient.balanceSheet().inFlight.isEmpty)
    }

    @Test(.timeLimit(.minutes(3))) func receiveNamesABadShareSurvivesARestartAndIsRecovered() async throws {
        let federation = try await LoopbackLightningFederation()
        defer { federation.stop() }
        try await federation.join("bob", msats: 1_000)
        try await federation.join("gateway")
        let gateway = FakeGateway(operations: try federation.open("gateway").1, federationID: federation.invite.federationId)
        // Guardian 3 serves bad decryption shares to bob.
        func openBob(_ name: String = "bob") throws -> (FederationClient, LightningOperations) {
            let config = try FederationClient.open(
                federation.invite.federationId, directory: federation.clientDirectory(name), modules: ClientModules.all
            ).config
            return try federation.open(
                name, gateway: gateway, transport: LyingShareTransport(inner: JSONRPCGuardianTransport(config: config), liar: PeerID(3)))
        }
        var (bobClient, bob) = try openBob()
        let announced = try await gateway.announce()
        try await federation.awaitConsensusTime(bob)
        let before = try await bobClient.balance()

        // A gateway whose invoice asks more than the receiver asked is refused (the payer would overpay).
        gateway.inflateInvoices(by: 1)
        await #expect(throws: LightningClientError.self) {
            _ = try await bob.receive(Amount(msats: 21_000), description: "coffee", gateway: announced)
        }
        gateway.inflateInvoices(by: 0)

        let (id, text) = try await bob.receive(Amount(msats: 21_000), description: "coffee", gateway: announced)
        let invoice = try SignedInvoice(text).invoice
        let contract = try #require(gateway.incomingContracts.last)
        #expect(invoice.amountMsat == 21_000 && invoice.paymentHash == contract.terms.paymentHash.bytes)
        #expect(contract.amount == Amount(msats: 20_000) && contract.terms.gatewayRefundKey == announced.announcement.gatewayKey)
        #expect(try await bob.status(id).status == .running)

        // The receiver "dies" waiting for the payment; the gateway funds the contract; a new process completes.
        (bobClient, bob) = try openBob()
        try await gateway.fund(contract)
        let received = try await bob.await(id)
        let result = try #require(received.result?.objectValue)
        #expect(result["outcome"] == .string("received") && result["amount_msat"] == .integer(20_000))
        #expect(result["fee_msat"] == .integer(1_000) && result["invoice"] == .string(text))
        #expect(result["bad_share_guardians"] == .array([.integer(3)]))
        let after = try await bobClient.balance()
        #expect(after > before && after.msats <= before.msats + 20_000)

        // A second payment arrives while the receiver is away for good: recovery from the mnemonic finds the funded
        // contract by its derived claim key and claims it.
        let (_, _) = try await bob.receive(Amount(msats: 6_000), description: "tea", gateway: announced)
        let second = try #require(gateway.incomingContracts.last)
        try await gateway.fund(second)
        let mnemonic = try #require(try federation.clientDirectory("bob").loadMnemonic())
        let restored = try await FederationClient.recover(
            invite: federation.invite, mnemonic: mnemonic, directory: federation.clientDirectory("bob-restored"),
            modules: ClientModules.all)
        let summary = try #require(restored.modules.first { $0.kind == LightningKind.kind }?.summary)
        #expect(summary == .object(["contracts": .unsigned(2), "funded_msat": .unsigned(5_000)]))
        let restoredOps = try restored.client.lightningOperations(gateway: gateway, pollInterval: .milliseconds(100))
        let pending = try await restoredOps.list().filter { $0.status == .running }
        #expect(pending.map(\.kind) == [LightningReceive.kind])
        let claimed = try await restoredOps.await(try #require(pending.first).id)
        #expect(claimed.result?.objectValue?["outcome"] == .string("received"))
        #expect(try await federation.auditedContracts().allSatisfy { $0 == .zero })
        // New receives of the restored wallet use fresh keys (the derivation index was raised past the found ones).
        let (_, _) = try await restoredOps.receive(Amount(msats: 4_000), gateway: announced)
        let third = try #require(gateway.incomingContracts.last)
        #expect(![contract, second].map(\.terms.receiverClaimKey).contains(third.terms.receiverClaimKey))
    }
}

extension JSONValue {
    var objectValue: [String: JSONValue]? {
        guard case .object(let fields) = self else { return nil }
        return fields
    }
}
