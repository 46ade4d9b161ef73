import FMBolt11
import FMCore
import FMLightningClient
import FMLightningCommon
import FMSecp256k1
import FMTesting
import Foundation
import Testing

/// Review 3's open findings against fm-gateway's public API and the paying client, each through the real processes
/// (fm-node guardians, fm-regtest, fm-ln-regtest nodes, fm-gateway): one client address is limited in requests and
/// in open invoices; a `pay` repeated for an unfunded contract is refused without asking the guardians again; and
/// the client refuses, before any money moves, an invoice whose final CLTV the gateway's margin cannot cover.
@Suite(.serialized) struct GatewayLimitsTests {
    static func randomPreimage() -> Preimage { Preimage(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })! }

    /// A self-signed invoice for `msat` with final CLTV `cltv` (nil: the default).
    static func invoice(msat: UInt64, cltv: UInt64?, preimage: Preimage) throws -> SignedInvoice {
        var invoice = Invoice(
            network: .regtest, amountMsat: msat, timestamp: UInt64(Date().timeIntervalSince1970), paymentHash: preimage.paymentHash.bytes,
            paymentSecret: (0..<32).map { _ in UInt8.random(in: 0...255) }, description: "limits")
        invoice.minFinalCLTVExpiryDelta = cltv
        return try invoice.signed(by: SecretKey())
    }

    @Test(.timeLimit(.minutes(5))) func oneClientIsLimitedAndAnInvoiceTheGatewayWouldRefuseIsNotFunded() async throws {
        let harness = try GatewayHarness(
            basePort: 18_100,
            gatewayArguments: [
                "--rate-burst", "40", "--rate-per-second", "1", "--max-open-invoices-per-client", "2", "--max-open-invoices-per-network", "3",
            ])
        defer { harness.stop() }
        let mallory = try await harness.wallet("mallory", msat: 200_000)
        let announcement = try await harness.announcement(mallory.operations)

        // Open invoices: two from this address, the third is refused (429, rate_limited) while they wait; another
        // address of the same /24 gets one more, the network's cap of 3, and a third address of it none (review 4).
        var invoices: [String] = []
        let sources: [String?] = [nil, nil, nil, "127.0.0.2", "127.0.0.3"]
        for (index, source) in sources.enumerated() {
            let contract = try await GatewayTests.incomingContract(
                mallory.operations, announcement: announcement, preimage: Self.randomPreimage(), encrypting: Self.randomPreimage(),
                claimKey: Keypair(), invoiceMsat: 30_000)
            let request = GatewayAPI.CreateInvoiceRequest(
                federationId: harness.federationID, contract: Hex.encode(contract.canonicalBytes), invoiceAmountMsat: 30_000,
                description: "open \(index)", expirySecs: 3600)
            switch try await harness.post(GatewayAPI.createInvoice, request, as: GatewayAPI.CreateInvoiceResponse.self, from: source) {
            case .success(let answer): invoices.append(answer.invoice)
            case .failure(let refusal):
                #expect(index == 2 || index == 4, "\(refusal)")
                let cap = index == 2 ? "2 invoices from this address wait" : "3 invoices from this address's network"
                #expect(refusal.code == .rateLimited && refusal.message.contains(cap), "\(refusal)")
            }
        }
        #expect(invoices.count == 3)

        // A pay for an unfunded contract: the guardians are asked once; asked again at once, the gateway answers
        // from what it learned moments ago.
        let preimage = Self.randomPreimage()
        let unfundedInvoice = try Self.invoice(msat: 10_000, cltv: nil, preimage: preimage)
        let unfunded = try OutgoingContract(
            paymentHash: preimage.paymentHash, amount: Amount(msats: 50_000), gatewayClaimKey: announcement.announcement.gatewayKey,
            userRefundKey: Keypair().xOnlyPublicKey, timelock: try await mallory.operations.ln.consensusTime() + 24 * 3600)
        let payRequest = harness.payRequest(unfunded, invoice: unfundedInvoice.string)
        let first = try await harness.post(GatewayAPI.pay, payRequest, as: GatewayAPI.PayResponse.self)
        #expect(first.failureCode == .contractNotFunded)
        guard case .failure(let repeated) = try await harness.post(GatewayAPI.pay, payRequest, as: GatewayAPI.PayResponse.self) else {
            Issue.record("an unfunded contract was paid")
            return
        }
        #expect(repeated.code == .contractNotFunded && repeated.message.contains("checked moments ago"), "\(repeated)")

        // Requests: a flood from one address is answered 429 with a JSON error once the burst is spent, valid or not.
        var limited = 0
        for _ in 0..<60 {
            if try await harness.post(GatewayAPI.pay, [String: String](), as: GatewayAPI.PayResponse.self).failureCode == .rateLimited {
                limited += 1
            }
        }
        #expect(limited >= 10, "\(limited) of 60 requests refused")

        // Review 3: fm-ln-pay funded a 24 h contract for an invoice whose `min_final_cltv_expiry` needs more than
        // the gateway's margin allows (from 76 blocks on); the gateway then refused the contract and the money
        // waited a day. Now the client refuses such an invoice before funding, naming the field.
        let before = try await mallory.client.balance()
        let tooLong = try Self.invoice(msat: 20_000, cltv: 100, preimage: Self.randomPreimage())
        await #expect {
            _ = try await mallory.operations.pay(tooLong, gateway: announcement)
        } throws: { error in
            guard let refusal = error as? LightningClientError, case .finalCLTVTooLong = refusal else { return false }
            return refusal.field == "min_final_cltv_expiry"
        }
        #expect(try await mallory.client.balance() == before)
        let tool = try harness.federation.client("fm-ln-pay", "mallory", ["pay", tooLong.string], timeout: 120)
        #expect(tool.status == 2 && tool.stderr.contains("min_final_cltv_expiry"), "\(tool.status) \(tool.stderr)")
        #expect(try await mallory.client.balance() == before)
    }
}
