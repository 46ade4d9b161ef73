import FMCore
import FMLightningCommon
import FMTesting
import Foundation
import Synchronization
import Testing

/// fm-ln-pay as a process, against fm-gateway and a regtest Lightning network (GatewayHarness): a user pays an outside
/// node's invoice (`pay` prints the preimage that node's invoice was paid with, the amount and the gateway's fee) and
/// receives from it (`receive --wait` writes the invoice to stderr, the outside node pays it, the command prints the
/// notes received); balances reconcile and the federation stays solvent.
@Suite(.serialized) struct LnPayToolTests {
    @Test(.timeLimit(.minutes(4))) func payAndReceiveWithFmLnPay() async throws {
        let harness = try GatewayHarness(basePort: 18_180)
        defer { harness.stop() }
        let alice = try await harness.wallet("alice", msat: 400_000)
        _ = try await harness.announcement(alice.operations)
        // The gateway's e-cash float funds incoming contracts.
        try harness.gatewayCLI("deposit", "federation_id=\(harness.federationID)", "notes=\(try harness.federation.spend("alice", 150_000))")

        let gateways = try harness.federation.client("fm-ln-pay", "alice", ["gateways"])
        #expect(gateways.status == 0)
        let listed = try #require(try gateways.json()["gateways"] as? [[String: Any]])
        #expect(listed.count == 1 && listed.first?["api_url"] as? String == harness.apiURL)

        // Pay: the preimage printed opens the invoice's hash and the outside node shows the invoice paid, once.
        let before = try harness.federation.balance("alice")
        let bolt11 = try harness.invoice("out", msat: 50_000, label: "coffee")
        let paid = try harness.federation.client("fm-ln-pay", "alice", ["pay", bolt11, "--max-fee", "3000"], timeout: 120)
        #expect(paid.status == 0, "\(paid.stderr)")
        let payment = try paid.json()
        #expect(payment["outcome"] as? String == "paid")
        #expect(payment["amount_msat"] as? Int == 50_000 && payment["fee_msat"] as? Int == 2_500)  // base 2000 + 10,000 ppm
        let preimage = try #require((payment["preimage"] as? String).flatMap(Hex.decode).flatMap { Preimage(bytes: $0) })
        let invoices = try harness.lightning.cli("out", "listinvoices", "coffee")["invoices"] as? [[String: Any]]
        #expect(invoices?.first?["status"] as? String == "paid")
        #expect(invoices?.first?["payment_hash"] as? String == preimage.paymentHash.hex)
        let afterPay = try harness.federation.balance("alice")
        #expect(afterPay <= before - 52_500)

        // A fee above --max-fee is refused before anything is locked (exit 2, the field named).
        let pricey = try harness.federation.client("fm-ln-pay", "alice", ["pay", try harness.invoice("out", msat: 50_000, label: "tea"), "--max-fee", "100"])
        #expect(pricey.status == 2 && pricey.stderr.contains("--max-fee"))

        // Receive --wait: the invoice on stderr at once; the outside node pays it; the notes arrive.
        let process = Process()
        process.executableURL = ToolRunner.binDirectory.appendingPathComponent("fm-ln-pay")
        process.arguments = [
            "receive", "40000", "--description", "for alice", "--wait", "--data-dir",
            harness.federation.directory.appendingPathComponent("alice").path,
        ]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let errors = Mutex("")
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            errors.withLock { $0 += text }
        }
        try process.run()
        var invoice: String?
        for _ in 0..<300 where invoice == nil {
            invoice = errors.withLock { text in
                text.split(separator: "\n").first { $0.hasPrefix("invoice: ") }.map { String($0.dropFirst("invoice: ".count)) }
            }
            if invoice == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        let bolt = try #require(invoice, "no invoice on stderr: \(errors.withLock { $0 })")
        #expect(try harness.lightning.cli("out", "pay", bolt)["status"] as? String == "complete")
        for _ in 0..<600 where process.isRunning { try await Task.sleep(for: .milliseconds(200)) }
        #expect(!process.isRunning)
        process.waitUntilExit()
        stderr.fileHandleForReading.readabilityHandler = nil
        #expect(process.terminationStatus == 0, "\(errors.withLock { $0 })")
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let received = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        #expect(received["outcome"] as? String == "received" && received["invoice"] as? String == bolt)
        #expect(received["amount_msat"] as? Int == 37_600 && received["fee_msat"] as? Int == 2_400)  // 2000 + 400
        let afterReceive = try harness.federation.balance("alice")
        #expect(afterReceive > afterPay && afterReceive <= afterPay + 37_600)

        let list = try harness.federation.client("fm-ln-pay", "alice", ["list"])
        let kinds = (try list.json()["operations"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(kinds.sorted() == ["ln-pay", "ln-receive"])
        #expect(try harness.solvent())
    }

    /// examples/ln-pay-invoice.sh: the outside node's invoice paid with e-cash through the gateway, fee shown.
    @Test(.timeLimit(.minutes(3))) func payInvoiceExample() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try ExampleScript.run("ln-pay-invoice.sh", [dir.appendingPathComponent("pay").path, "18900"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(summary["outcome"] as? String == "paid" && summary["invoice_status"] as? String == "paid")
        #expect(summary["amount_msat"] as? Int == 50_000 && summary["fee_msat"] as? Int == 2_500)
        let preimage = try #require((summary["preimage"] as? String).flatMap(Hex.decode).flatMap { Preimage(bytes: $0) })
        #expect(summary["invoice_payment_hash"] as? String == preimage.paymentHash.hex)
        let before = try #require(summary["alice_before_msat"] as? Int)
        let after = try #require(summary["alice_after_msat"] as? Int)
        #expect(after <= before - 52_500 && after > before - 60_000)
    }

    /// examples/ln-receive.sh: the outside node pays alice's invoice; alice's notes grow by the contract's amount less
    /// the mint's fees.
    @Test(.timeLimit(.minutes(3))) func receiveExample() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try ExampleScript.run("ln-receive.sh", [dir.appendingPathComponent("receive").path, "18910"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(summary["outcome"] as? String == "received" && summary["payer_status"] as? String == "complete")
        #expect(summary["amount_msat"] as? Int == 37_600 && summary["fee_msat"] as? Int == 2_400)
        let before = try #require(summary["alice_before_msat"] as? Int)
        let after = try #require(summary["alice_after_msat"] as? Int)
        #expect(after > before + 30_000 && after <= before + 37_600)
    }
}
