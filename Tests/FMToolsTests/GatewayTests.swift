import FMBolt11
import FMClient
import FMClientCore
import FMCore
import FMCrypto
import FMEncoding
import FMLightningClient
import FMLightningCommon
import FMMintClient
import FMSecp256k1
import FMTesting
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// fm-gateway as a process between a 4-guardian federation and a regtest Lightning network (GatewayHarness): users
/// pay outside invoices and receive from the outside node through it; failures cancel, a lying receiver is refunded,
/// a gateway killed mid-payment finishes after its restart, nothing is paid twice, and the audit stays solvent.
@Suite(.serialized) struct GatewayTests {
    /// Pay, no route → cancellation → refund at once, the same invoice twice → one payment, receive, a lying
    /// receiver → the gateway's refund.
    @Test(.timeLimit(.minutes(3))) func payAndReceiveThroughTheGateway() async throws {
        let harness = try GatewayHarness(basePort: 18_040)
        defer { harness.stop() }
        let alice = try await harness.wallet("alice", msat: 400_000)
        let announcement = try await harness.announcement(alice.operations)
        #expect(announcement.announcement.apiURL == harness.apiURL)
        let info = try await harness.post(GatewayAPI.info, [String: String](), as: GatewayAPI.InfoResponse.self).get()
        #expect(info.nodePubkey == harness.lightning.nodes["gw"]!.id)
        #expect(info.federations.map(\.federationId) == [harness.federationID])

        // 1. alice pays the outside node's invoice: the preimage comes back, the node is paid once.
        let bolt11 = try harness.invoice("out", msat: 50_000, label: "coffee")
        let invoice = try SignedInvoice(bolt11)
        let (payment, contract) = try await alice.operations.pay(invoice, gateway: announcement)
        #expect(contract.amount.msats == 50_000 + 2000 + 500)  // base 2000 + 10,000 ppm
        let request = harness.payRequest(contract, invoice: bolt11)
        let paid = try await harness.post(GatewayAPI.pay, request, as: GatewayAPI.PayResponse.self).get()
        let preimage = try #require(paid.preimage.flatMap(Hex.decode).flatMap { Preimage(bytes: $0) })
        #expect(preimage.paymentHash == contract.paymentHash)
        let record = try await alice.operations.await(payment)
        #expect(record.status == .succeeded)
        #expect(try harness.lightning.cli("out", "listinvoices", "coffee")["invoices"].flatMap { ($0 as? [[String: Any]])?.first?["status"] as? String } == "paid")

        // The same request again: the stored answer, no second Lightning payment.
        #expect(try await harness.post(GatewayAPI.pay, request, as: GatewayAPI.PayResponse.self).get() == paid)
        // A second contract for the paid invoice is refused by the federation, so the gateway never sees it funded.
        let (second, secondContract) = try await alice.operations.pay(invoice, gateway: announcement)
        #expect(try await alice.operations.await(second).status == .failed)
        let again = harness.payRequest(secondContract, invoice: bolt11)
        #expect(try await harness.post(GatewayAPI.pay, again, as: GatewayAPI.PayResponse.self).failureCode == .contractNotFunded)
        let pays = try harness.lightning.cli("gw", "listpays")["pays"] as? [[String: Any]] ?? []
        #expect(pays.filter { $0["payment_hash"] as? String == contract.paymentHash.hex }.count == 1)

        // A contract whose amount does not cover the fee, or for another invoice, is refused before any payment.
        let other = try harness.invoice("out", msat: 70_000, label: "other")
        let mismatch = harness.payRequest(secondContract, invoice: other)
        #expect(try await harness.post(GatewayAPI.pay, mismatch, as: GatewayAPI.PayResponse.self).failureCode == .badContract)

        // 2. No route to `far`: the gateway cancels and alice refunds at once (long before the 24 h timelock).
        let unreachable = try SignedInvoice(try harness.invoice("far", msat: 30_000, label: "far"))
        let (failing, failingContract) = try await alice.operations.pay(unreachable, gateway: announcement)
        let cancelled = try await harness.post(
            GatewayAPI.pay,
            harness.payRequest(failingContract, invoice: unreachable.string),
            as: GatewayAPI.PayResponse.self
        ).get()
        let signature = try SchnorrSignature(rawRepresentation: try #require(cancelled.cancellation.flatMap(Hex.decode)))
        try await alice.operations.cancelled(failing, signature: signature)
        let refunded = try await alice.operations.await(failing)
        #expect(refunded.status == .succeeded)
        #expect(refunded.result.flatMap { if case .object(let o) = $0 { o["outcome"] } else { nil } } == .string("refunded"))

        // 3. Receive: bob's contract; the outside node pays the gateway's hold invoice; bob claims with the shares.
        let floatNotes = try harness.federation.spend("alice", 200_000)
        try harness.gatewayCLI("deposit", "federation_id=\(harness.federationID)", "notes=\(floatNotes)")
        let bob = try await harness.wallet("bob", msat: 0)
        let bobPreimage = Preimage(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })!
        let bobKey = Keypair()
        let incoming = try await Self.incomingContract(
            bob.operations, announcement: announcement, preimage: bobPreimage, encrypting: bobPreimage, claimKey: bobKey, invoiceMsat: 40_000)
        let created = try await harness.createInvoice(incoming, msat: 40_000, description: "for bob")
        let outPaid = try harness.lightning.cli("out", "pay", created)
        #expect(outPaid["payment_preimage"] as? String == Hex.encode(bobPreimage.bytes))
        let before = try await bob.client.balance()
        try await Self.claim(incoming, key: bobKey, operations: bob.operations)
        #expect(try await bob.client.balance() > before)

        // 4. A receiver whose ciphertext does not open the hash: the outside payment fails, the gateway refunds.
        let lying = try await Self.incomingContract(
            bob.operations, announcement: announcement, preimage: Preimage(bytes: Array(repeating: 7, count: 32))!,
            encrypting: Preimage(bytes: Array(repeating: 8, count: 32))!, claimKey: bobKey, invoiceMsat: 30_000)
        let lyingInvoice = try await harness.createInvoice(lying, msat: 30_000, description: "lie")
        #expect(try harness.lightning.cliResult("out", "pay", lyingInvoice).status != 0)
        try harness.lightning.waitUntil("the gateway to refund the lying receiver's contract") {
            let receives = try harness.gatewayCLI("list_payments")["receives"] as? [[String: Any]] ?? []
            return receives.contains { $0["contract_id"] as? String == lying.id.hex && $0["outcome"] as? String == "refunded" }
        }
        let state = try await bob.operations.ln.contractState(lying.id)
        #expect(state.state == .refunded)

        // 5. The outside node is offline: the payment fails and is cancelled; once it is back, the same invoice with a
        // new contract is paid (the first contract's failed attempt is not taken for the second's).
        let retry = try harness.invoice("out", msat: 20_000, label: "retry")
        let outPort = harness.lightning.nodes["out"]!.port
        try harness.lightning.stop("out")
        let (firstTry, firstContract) = try await alice.operations.pay(try SignedInvoice(retry), gateway: announcement)
        let firstAnswer = try await harness.post(
            GatewayAPI.pay,
            harness.payRequest(firstContract, invoice: retry),
            as: GatewayAPI.PayResponse.self
        ).get()
        #expect(firstAnswer.cancellation != nil && firstAnswer.preimage == nil)
        #expect(try await alice.operations.await(firstTry).status == .succeeded)  // refunded at once
        #expect(try await alice.operations.ln.contractState(firstContract.id).state == .refunded)
        try harness.lightning.start("out", port: outPort)
        try harness.lightning.waitUntil("the gateway's node to reach the outside node again") {
            let probe = try harness.invoice("out", msat: 1000, label: "probe-\(UUID().uuidString)")
            return try harness.lightning.cliResult("gw", "pay", probe).status == 0
        }
        let (secondTry, retryContract) = try await alice.operations.pay(try SignedInvoice(retry), gateway: announcement)
        let secondAnswer = try await harness.post(
            GatewayAPI.pay,
            harness.payRequest(retryContract, invoice: retry),
            as: GatewayAPI.PayResponse.self
        ).get()
        #expect(secondAnswer.preimage != nil)
        #expect(try await alice.operations.await(secondTry).status == .succeeded)
        #expect(try harness.solvent())
    }

    /// The gateway is killed (SIGKILL) while its Lightning payment is in flight (the outside node holds the HTLC);
    /// after a restart it finds the payment, claims the contract, and the user's payment ends paid.
    @Test(.timeLimit(.minutes(3))) func gatewayKilledMidPaymentCompletesAfterRestart() async throws {
        let harness = try GatewayHarness(basePort: 18_080)
        defer { harness.stop() }
        let alice = try await harness.wallet("alice", msat: 200_000)
        let announcement = try await harness.announcement(alice.operations)
        let secret = Preimage(bytes: Array(repeating: 0x42, count: 32))!
        let hold = try harness.lightning.cli(
            "out", "holdinvoice", "amount_msat=60000", "label=held", "description=held", "cltv=18", "preimage=\(Hex.encode(secret.bytes))")
        let bolt11 = try #require(hold["bolt11"] as? String)
        let (payment, contract) = try await alice.operations.pay(try SignedInvoice(bolt11), gateway: announcement)
        let request = harness.payRequest(contract, invoice: bolt11)
        let first = Task { try? await harness.post(GatewayAPI.pay, request, as: GatewayAPI.PayResponse.self) }
        try harness.lightning.waitUntil("the outside node to hold the HTLC") {
            try harness.lightning.cli("out", "holdinvoicelookup", secret.paymentHash.hex)["state"] as? String == "ACCEPTED"
        }
        harness.killGateway()
        _ = await first.value
        try harness.startGateway()
        try harness.lightning.cli("out", "holdinvoicesettle", secret.paymentHash.hex)
        let record = try await alice.operations.await(payment)
        #expect(record.status == .succeeded)
        #expect(record.result.flatMap { if case .object(let o) = $0 { o["preimage"] } else { nil } } == .string(Hex.encode(secret.bytes)))
        // Asking again after the restart returns the stored preimage; the node paid once.
        #expect(try await harness.post(GatewayAPI.pay, request, as: GatewayAPI.PayResponse.self).get().preimage == Hex.encode(secret.bytes))
        let pays = try harness.lightning.cli("gw", "listpays")["pays"] as? [[String: Any]] ?? []
        #expect(pays.filter { $0["payment_hash"] as? String == secret.paymentHash.hex }.count == 1)
        try await harness.lightning.waitUntil("the gateway's claim") { try await alice.operations.ln.contractState(contract.id).state == .claimed }
        #expect(try harness.solvent())

        // The operator: the claim is the gateway's e-cash, withdrawn as a note string alice can reissue; a wrong
        // token is refused.
        let balance = try #require((harness.gatewayCLI("balances")["federations"] as? [[String: Any]])?.first?["balance_msat"] as? Int)
        #expect(balance > 60_000)
        let withdrawn = try harness.gatewayCLI("withdraw", "federation_id=\(harness.federationID)", "amount_msat=20000")
        let notes = try #require(withdrawn["notes"] as? String)
        #expect(try harness.federation.mint("alice", ["reissue", notes]).status == 0)
        #expect(try (harness.gatewayCLI("balances")["federations"] as? [[String: Any]])?.first?["balance_msat"] as? Int ?? 0 <= balance - 20_000)
        #expect(try await harness.operatorStatus(token: String(repeating: "0", count: 64)) == 401)
        #expect(try await harness.operatorStatus(token: nil) == 401)

        // fm-ln-pay (the user's command) against the gateway: pay the outside node, then receive from it.
        try harness.federation.join("carol")
        #expect(try harness.federation.mint("carol", ["dev-issue", "100000"]).status == 0)
        let carolStart = try harness.federation.balance("carol")
        let coffee = try harness.invoice("out", msat: 25_000, label: "carol-coffee")
        let paid = try harness.lnPay("carol", ["pay", coffee])
        #expect(paid["outcome"] as? String == "paid")
        let invoices = try harness.lightning.cli("out", "listinvoices", "carol-coffee")["invoices"] as? [[String: Any]]
        #expect(paid["preimage"] as? String == invoices?.first?["payment_preimage"] as? String)
        #expect(paid["fee_msat"] as? Int == 2000 + 250)  // the announced base 2000 msat + 10,000 ppm
        let afterPay = try harness.federation.balance("carol")
        #expect(carolStart - afterPay >= 25_000 + 2250)
        let receive = try harness.lnPay("carol", ["receive", "30000", "--description", "from out"])
        let received = try #require(receive["invoice"] as? String)
        try harness.lightning.cli("out", "pay", received)
        let outcome = try harness.lnPay("carol", ["await", try #require(receive["operation_id"] as? String)])
        #expect(outcome["outcome"] as? String == "received")
        #expect(outcome["amount_msat"] as? Int == 30_000 - 2300)
        #expect(try harness.federation.balance("carol") > afterPay)
        #expect(try harness.solvent())
    }

    /// The gateway is SIGKILLed once alice's outgoing contract is funded and never comes back: `fm-ln-pay await`
    /// keeps asking the dead gateway (with backoff) and refunds once consensus time reaches the timelock (a short
    /// `--timelock`, the user's own option, with `--no-margin-check` since it is shorter than fm-gateway's margin);
    /// the outside node is never paid and the audit stays balanced.
    @Test(.timeLimit(.minutes(3))) func gatewayKilledForGoodUserRefundsAfterTheTimelock() async throws {
        let harness = try GatewayHarness(basePort: 18_120)
        defer { harness.stop() }
        let alice = try await harness.wallet("alice", msat: 200_000)
        _ = try await harness.announcement(alice.operations)
        let before = try harness.federation.balance("alice")
        let bolt11 = try harness.invoice("out", msat: 50_000, label: "abandoned")
        let started = try harness.lnPay("alice", ["pay", bolt11, "--timelock", "20", "--no-margin-check", "--no-wait"])
        let id = try #require(started["operation_id"] as? String)
        #expect(started["status"] as? String == "running")
        #expect(try harness.federation.balance("alice") <= before - 52_500)  // locked in the funded contract
        harness.killGateway()

        let awaited = try harness.federation.client("fm-ln-pay", "alice", ["await", id], timeout: 150)
        #expect(awaited.status == 1, "\(awaited.stderr)")  // ended without its goal: refunded
        // The operation's record first, then the error report (exit 1: ended without its goal).
        let record = try #require(awaited.stdout.split(separator: "\n").first.map(String.init), "\(awaited.stderr)")
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
        #expect(outcome["outcome"] as? String == "refunded", "\(outcome)")
        let invoices = try harness.lightning.cli("out", "listinvoices", "abandoned")["invoices"] as? [[String: Any]]
        #expect(invoices?.first?["status"] as? String == "unpaid")
        let after = try harness.federation.balance("alice")
        #expect(after > before - 52_500 && after <= before)  // the contract came back, less the federation's fees
        #expect(try harness.solvent())
    }

    /// Guardian 2 runs with `FM_TEST_LN_INVALID_SHARES=1` (wrong but well-formed decryption shares): a receive through
    /// the gateway still completes with the three honest shares, and both the gateway and the receiver name guardian
    /// 2; a payment completes too; the audit stays balanced.
    @Test(.timeLimit(.minutes(3))) func oneGuardianServingBadDecryptionSharesIsNamed() async throws {
        let harness = try GatewayHarness(basePort: 18_190, guardianEnvironment: [2: ["FM_TEST_LN_INVALID_SHARES": "1"]])
        defer { harness.stop() }
        try harness.federation.join("carol")
        #expect(try harness.federation.mint("carol", ["dev-issue", "200000"]).status == 0)
        let paid = try harness.lnPay("carol", ["pay", try harness.invoice("out", msat: 25_000, label: "faulty-pay")])
        #expect(paid["outcome"] as? String == "paid")
        // The gateway's float for the incoming contract.
        try harness.gatewayCLI("deposit", "federation_id=\(harness.federationID)", "notes=\(try harness.federation.spend("carol", 60_000))")

        let receive = try harness.lnPay("carol", ["receive", "30000", "--description", "faulty guardian"])
        try harness.lightning.cli("out", "pay", try #require(receive["invoice"] as? String))
        let outcome = try harness.lnPay("carol", ["await", try #require(receive["operation_id"] as? String)])
        #expect(outcome["outcome"] as? String == "received")
        #expect(outcome["bad_share_guardians"] as? [Int] == [2])
        try harness.lightning.waitUntil("the gateway to settle, naming guardian 2") {
            let receives = try harness.gatewayCLI("list_payments")["receives"] as? [[String: Any]] ?? []
            return receives.count == 1 && receives[0]["outcome"] as? String == "settled"
                && receives[0]["bad_guardians"] as? String == "2"
        }
        #expect(try harness.solvent())
    }

    /// Review 3: an anonymous user's `pay` with a self-signed invoice whose `min_final_cltv_expiry` is 2^64 − 1 (and
    /// an unfunded contract naming the gateway's key) trapped fm-gateway in its timelock margin arithmetic, before the
    /// funding check: one request killed the gateway. Now the contract is refused and the gateway keeps serving.
    @Test(.timeLimit(.minutes(3))) func anInvoiceWithAHugeFinalCLTVIsRefusedWithoutCrashingTheGateway() async throws {
        let harness = try GatewayHarness(basePort: 18_070)
        defer { harness.stop() }
        let mallory = try await harness.wallet("mallory", msat: 0)
        let announcement = try await harness.announcement(mallory.operations)
        let preimage = Preimage(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })!
        var invoice = Invoice(
            network: .regtest, amountMsat: 10_000, timestamp: UInt64(Date().timeIntervalSince1970),
            paymentHash: preimage.paymentHash.bytes, paymentSecret: (0..<32).map { _ in UInt8.random(in: 0...255) },
            description: "huge cltv")
        invoice.minFinalCLTVExpiryDelta = .max
        let signed = try invoice.signed(by: SecretKey())
        let contract = try OutgoingContract(
            paymentHash: preimage.paymentHash, amount: Amount(msats: 50_000), gatewayClaimKey: announcement.announcement.gatewayKey,
            userRefundKey: Keypair().xOnlyPublicKey, timelock: try await mallory.operations.ln.consensusTime() + 24 * 3600)
        let answer = try await harness.post(
            GatewayAPI.pay, harness.payRequest(contract, invoice: signed.string), as: GatewayAPI.PayResponse.self)
        #expect(answer.failureCode == .badContract)
        let info = try await harness.post(GatewayAPI.info, [String: String](), as: GatewayAPI.InfoResponse.self).get()
        #expect(info.nodePubkey == harness.lightning.nodes["gw"]!.id)
    }

    /// Review 3: an `operator.token` that is empty (or whitespace) was taken as the token "", and a request without an
    /// Authorization header presents "": every operator call (withdraw included) was open to anyone on the machine.
    /// Now fm-gateway refuses to start with a token shorter than 32 characters and names the file.
    @Test(.timeLimit(.minutes(2))) func anEmptyOperatorTokenFileIsRefusedAtStart() async throws {
        let lightning = try LightningNetwork()
        let node = try lightning.start("gw")
        let directory = lightning.root.appendingPathComponent("gateway")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try AtomicFile.write(Array("\n".utf8), to: directory.appendingPathComponent("operator.token").path, mode: AtomicFile.secretMode)
        let process = Process()
        process.executableURL = ToolRunner.binDirectory.appendingPathComponent("fm-gateway")
        process.arguments = [
            "run", "--data-dir", directory.path, "--lightning-rpc", node.directory + "/lightning-rpc", "--api-url", "http://127.0.0.1:1",
            "--api-port", "0", "--operator-port", "0",
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let ready = directory.appendingPathComponent("gateway.json")
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, !FileManager.default.fileExists(atPath: ready.path), Date() < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        if let started = try? JSONSerialization.jsonObject(with: Data(contentsOf: ready)) as? [String: Any],
            let port = started["operator_port"] as? Int
        {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/")!)
            request.httpMethod = "POST"
            request.httpBody = Data(#"{"jsonrpc":"2.0","id":1,"method":"balances","params":{}}"#.utf8)
            let (_, response) = try await URLSession.shared.data(for: request)
            Issue.record("fm-gateway started; an operator call without a token got HTTP \((response as? HTTPURLResponse)?.statusCode ?? 0)")
            return
        }
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("operator.token"))
    }

    // MARK: The receiver's side (until fm-ln-pay has it)

    static func incomingContract(
        _ operations: LightningOperations, announcement: SignedGatewayAnnouncement, preimage: Preimage, encrypting plaintext: Preimage,
        claimKey: Keypair, invoiceMsat: UInt64
    ) async throws -> IncomingContract {
        let fee = try announcement.announcement.fee(for: Amount(msats: invoiceMsat))
        let now = max(try await operations.ln.consensusTime(), UInt64(Date().timeIntervalSince1970))
        let terms = try IncomingContract.Terms(
            paymentHash: preimage.paymentHash, amount: Amount(msats: invoiceMsat - fee.msats), receiverClaimKey: claimKey.xOnlyPublicKey,
            gatewayRefundKey: announcement.announcement.gatewayKey, expiration: now + 3600 + 1200)
        return IncomingContract(terms: terms, preimage: plaintext, encryptionKey: try operations.ln.config.encryptionKey)
    }

    static func claim(_ contract: IncomingContract, key: Keypair, operations: LightningOperations) async throws {
        let answers = try await operations.ln.api.validAnswers(
            "\(LightningClientModule.kind)/\(LightningAPI.decryptionShare)", params: LightningAPI.ContractParams(contractId: contract.id),
            as: LightningAPI.DecryptionShareResult.self
        ) { _, _ in true }
        var shares: [PeerID: DecryptionShare] = [:]
        for (peer, answer) in answers { shares[peer] = try DecryptionShare(canonicalBytes: Hex.decode(answer.share) ?? []) }
        let valid = contract.checkShares(shares, config: operations.ln.config).valid
        let input = ClientInput(
            item: ModuleItem(module: operations.ln.instance, encoding: LightningInput.incomingClaim(contract, shares: valid)),
            amount: contract.amount, fee: operations.ln.config.fees.contractInput, spendKey: key)
        let operation = try await operations.mint.issueNotes(from: [input], operation: OperationID(contract.id))
        #expect(try await operations.mint.await(operation).status == .succeeded)
    }
}

extension Result where Failure == GatewayAPI.ErrorResponse {
    var failureCode: GatewayAPI.ErrorCode? { if case .failure(let error) = self { error.code } else { nil } }
}

extension LightningNetwork {
    func waitUntil(_ what: String, timeout: TimeInterval = 60, _ condition: @Sendable () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw Failure.command("timed out waiting for \(what)")
    }
}
