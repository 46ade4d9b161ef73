import Crypto
import FMLightningRPC
import FMTesting
import Foundation
import Testing

/// A 3-node network A–B–C on fm-regtest, all processes: channels funded on chain, A pays C through B, every failure
/// users depend on, and B killed with SIGKILL while it holds an HTLC.
@Suite(.serialized) struct LightningNetworkTests {
    static let channelSat = 500_000

    /// Starts fm-regtest and A, B, C; funds A and B on chain; opens A→B and B→C; waits until A can route to C.
    static func network() throws -> LightningNetwork {
        let network = try LightningNetwork()
        for name in ["a", "b", "c"] { try network.start(name) }
        try network.fundWallet("a", sats: 1_000_000)
        try network.fundWallet("b", sats: 1_000_000)
        try network.connect("a", "b")
        try network.connect("b", "c")
        let funded = try network.cli("a", "fundchannel", network.nodes["b"]!.id, "\(channelSat)")
        #expect((funded["txid"] as? String)?.count == 64)
        try network.cli("b", "fundchannel", network.nodes["c"]!.id, "\(channelSat)")
        // Both funding transactions are in fm-regtest's mempool: it accepted them.
        let mempool = try network.bitcoin("getrawmempool")
        #expect(mempool.contains(funded["txid"] as? String ?? "-"))
        try network.mine(3)
        try network.waitUntil("all channels to be CHANNELD_NORMAL") {
            try ["a", "b", "c"].allSatisfy { name in
                try network.channels(name).allSatisfy { $0["state"] as? String == "CHANNELD_NORMAL" && $0["short_channel_id"] != nil }
            }
        }
        return network
    }

    static func invoice(_ network: LightningNetwork, _ node: String, msat: Int, label: String, expiry: Int? = nil) throws -> [String: Any] {
        var arguments = ["invoice", "\(msat)", label, "test \(label)"]
        if let expiry { arguments.append("\(expiry)") }
        let result = try network.cliResult(node, arguments)
        return try LightningNetwork.json(result)
    }

    @Test func threeNodePaymentsAndFailures() async throws {
        let network = try Self.network()
        let capacity = Self.channelSat * 1000

        // On chain: the funding output is a 2-of-2 P2WSH and listfunds shows it as a channel.
        let funds = try network.cli("a", "listfunds")
        let channel = try #require((funds["channels"] as? [[String: Any]])?.first)
        #expect(channel["amount_msat"] as? Int == capacity)
        let funding = try network.bitcoin("getrawtransaction", channel["funding_txid"] as? String ?? "", "true")
        #expect(funding.contains("witness_v0_scripthash"))

        // A pays C's invoice through B: C gets the amount, B the fee (1000 msat + 10 ppm), A pays both.
        let invoice = try Self.invoice(network, "c", msat: 100_000, label: "first")
        let bolt11 = try #require(invoice["bolt11"] as? String)
        try network.waitUntil("A to learn the B–C channel") {
            try network.cliResult("a", "pay", bolt11).status == 0
        }
        let pays = try network.cli("a", "listpays", bolt11)["pays"] as? [[String: Any]] ?? []
        let paid = try #require(pays.first { $0["status"] as? String == "complete" })
        let preimage = try #require(paid["preimage"] as? String)
        #expect(Self.sha256Hex(preimage) == invoice["payment_hash"] as? String)
        let fee = 1000 + 100_000 * 10 / 1_000_000
        #expect(paid["amount_sent_msat"] as? Int == 100_000 + fee)
        let waited = try network.cli("c", "waitinvoice", "first")
        #expect(waited["status"] as? String == "paid")
        #expect(waited["amount_received_msat"] as? Int == 100_000)
        #expect(try network.toUs("a", peer: "b") == capacity - 100_000 - fee)
        #expect(try network.toUs("b", peer: "a") == 100_000 + fee)
        #expect(try network.toUs("b", peer: "c") == capacity - 100_000)
        #expect(try network.toUs("c", peer: "b") == 100_000)
        #expect(try network.checkInvariant())

        // Paying the same invoice again is not a second payment: the first result comes back, nothing moves.
        let again = try network.cli("a", "pay", bolt11)
        #expect(again["payment_preimage"] as? String == preimage)
        #expect(try network.toUs("c", peer: "b") == 100_000)
        // ... and an amount for an invoice that has one is refused as bad input.
        let withAmount = try network.cliError("a", "pay", bolt11, "100000")
        #expect(withAmount.status == 2 && withAmount.code == -32602)

        // What the gateway sees: FMLightningRPC's client, with Core Lightning's request and response types.
        let carol = try LightningRPCClient(socketPath: network.nodes["c"]!.directory + "/lightning-rpc")
        let alice = try LightningRPCClient(socketPath: network.nodes["a"]!.directory + "/lightning-rpc")
        let viaClient = try await carol.call(InvoiceRequest(amount_msat: .msat(20_000), label: "client", description: "via FMLightningRPC"))
        let paidViaClient = try await alice.call(PayRequest(bolt11: viaClient.bolt11, maxfee: 5_000))
        #expect(paidViaClient.status == .complete)
        #expect(Self.sha256Hex(paidViaClient.payment_preimage) == viaClient.payment_hash)
        #expect(paidViaClient.amount_sent_msat == 20_000 + 1000)
        await carol.close()
        await alice.close()

        // Expired invoice: refused by the payer (207) before anything is sent.
        let short = try Self.invoice(network, "c", msat: 5_000, label: "short", expiry: 1)
        try await Task.sleep(nanoseconds: 2_000_000_000)
        #expect(try network.cliError("a", "pay", short["bolt11"] as? String ?? "").code == 207)

        // Unknown invoice at the destination (a canceled hold invoice): C fails it, A reports 203.
        let hold = try network.cli("c", "holdinvoice", "amount_msat=7000", "label=canceled", "description=gone", "cltv=18")
        try network.cli("c", "holdinvoicecancel", hold["payment_hash"] as? String ?? "")
        #expect(try network.cliError("a", "pay", hold["bolt11"] as? String ?? "").code == 203)
        #expect(try network.checkInvariant())

        // Insufficient capacity: more than any channel holds → no route (205).
        let big = try Self.invoice(network, "c", msat: capacity + 1000, label: "big")
        #expect(try network.cliError("a", "pay", big["bolt11"] as? String ?? "").code == 205)

        // No route: D has no channel at all.
        try network.start("d")
        let isolated = try Self.invoice(network, "d", msat: 1000, label: "alone")
        #expect(try network.cliError("a", "pay", isolated["bolt11"] as? String ?? "").code == 205)
        try network.stop("d")
        network.nodes["d"] = nil

        // Peer offline: C is stopped; B fails the HTLC back and A runs out of routes. Nothing is lost.
        let offline = try Self.invoice(network, "c", msat: 9_000, label: "offline")
        try network.stop("c")
        let beforeA = try network.toUs("a", peer: "b")
        #expect(try network.cliError("a", "pay", offline["bolt11"] as? String ?? "", "null", "null", "null", "null", "2").code == 205)
        #expect(try network.toUs("a", peer: "b") == beforeA)
        let restartedC = try network.start("c", port: network.nodes["c"]!.port)
        #expect(!restartedC.id.isEmpty)

        // Bad input: a malformed invoice, a malformed amount, a path that is not a socket → exit 2 naming the field.
        let badInvoice = try network.cliResult("a", "pay", "lnbcrt1notaninvoice")
        #expect(badInvoice.status == 2 && badInvoice.stderr.contains("bolt11"))
        let badAmount = try network.cliResult("c", "invoice", "12abc", "bad", "bad amount")
        #expect(badAmount.status == 2 && badAmount.stderr.contains("amount_msat"))
        let plainFile = network.root.appendingPathComponent("not-a-socket")
        FileManager.default.createFile(atPath: plainFile.path, contents: Data("x".utf8))
        let badSocket = try ToolRunner.run("fm-ln-regtest", ["cli", "--rpc-file", plainFile.path, "getinfo"])
        #expect(badSocket.status == 2 && badSocket.stderr.contains("--rpc-file"))
        #expect(try network.checkInvariant())
        try Self.replayIntoBitcoinCore(network)
    }

    /// Every block of this chain (the channels' funding transactions included) replayed into Bitcoin Core's own
    /// consensus code (libbitcoinkernel): each must be accepted.
    static func replayIntoBitcoinCore(_ network: LightningNetwork) throws {
        try PythonOracle.requireOrSkip("pbk")
        let height = try #require(Int(try network.bitcoin("getblockcount").trimmingCharacters(in: .whitespacesAndNewlines)))
        var blocks: [String] = []
        for index in 1...height {
            let hash = try network.bitcoin("getblockhash", "\(index)").trimmingCharacters(in: CharacterSet(charactersIn: "\"\n "))
            blocks.append(try network.bitcoin("getblock", hash, "0").trimmingCharacters(in: CharacterSet(charactersIn: "\"\n ")))
        }
        let input = network.root.appendingPathComponent("kernel-replay.json")
        try JSONSerialization.data(withJSONObject: ["valid": blocks]).write(to: input)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FMRegtestTests/oracle/replay_blocks.py")
        let replay = try ToolRunner.run(executable: PythonOracle.python, [script.path, input.path])
        #expect(replay.status == 0, "libbitcoinkernel refused a block: \(replay.stdout) \(replay.stderr)")
    }

    /// B is killed with SIGKILL while it forwards an HTLC that C holds (hold invoice); after B restarts, C settles,
    /// the preimage travels back through B to A and every channel balances.
    @Test func intermediateNodeKilledMidPaymentResolvesAfterRestart() async throws {
        let network = try Self.network()
        let preimage = String(repeating: "42", count: 32)
        let hash = Self.sha256Hex(preimage)
        let carol = try LightningRPCClient(socketPath: network.nodes["c"]!.directory + "/lightning-rpc")
        let hold = try await carol.call(
            HoldinvoiceRequest(amount_msat: 50_000, label: "held", description: "held for the gateway", preimage: preimage, cltv: 18))
        #expect(hold.payment_hash == hash)
        let bolt11 = hold.bolt11

        // A learns of B–C by gossip; wait for it before paying (a route must exist).
        try network.waitUntil("A to know a route to C") {
            let invoice = try Self.invoice(network, "c", msat: 1000, label: "probe-\(UUID().uuidString)")
            return try network.cliResult("a", "pay", invoice["bolt11"] as? String ?? "").status == 0
        }
        let (byChannelBefore, _) = try network.balances()

        // pay blocks until the HTLC resolves: run it in the background.
        let output = network.root.appendingPathComponent("pay.out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let pay = Process()
        pay.executableURL = ToolRunner.binDirectory.appendingPathComponent("fm-ln-regtest")
        pay.arguments = ["cli", "--lightning-dir", network.nodes["a"]!.directory, "pay", bolt11]
        pay.standardOutput = try FileHandle(forWritingTo: output)
        pay.standardError = FileHandle.nullDevice
        try pay.run()

        try network.waitUntil("C to hold the HTLC") {
            try network.cli("c", "holdinvoicelookup", hash)["state"] as? String == "ACCEPTED"
        }
        let held = try await carol.call(HoldinvoicelookupRequest(payment_hash: hash))
        #expect(held.htlc_expiry != nil)
        let bPort = network.nodes["b"]!.port
        try network.kill9("b")
        #expect(pay.isRunning)
        try network.start("b", port: bPort)
        #expect(try await carol.call(HoldinvoicesettleRequest(payment_hash: hash)).state == .SETTLED)
        await carol.close()
        try network.waitUntil("A's pay to return") { !pay.isRunning }
        let result = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any]
        #expect(result?["payment_preimage"] as? String == preimage)
        #expect(pay.terminationStatus == 0)
        try network.waitUntil("every HTLC to resolve on both sides") { try network.checkInvariant() }

        // Exactly 50,000 msat reached C and B kept its fee: the totals moved by amount + fee and no more.
        let (byChannelAfter, _) = try network.balances()
        let cGain = try network.toUs("c", peer: "b") - (byChannelBefore.values.compactMap { $0["c"] }.first ?? 0)
        #expect(cGain == 50_000)
        let totalBefore = byChannelBefore.values.flatMap(\.values).reduce(0, +)
        let totalAfter = byChannelAfter.values.flatMap(\.values).reduce(0, +)
        #expect(totalBefore == totalAfter)
        #expect(try network.cli("c", "holdinvoicelookup", hash)["state"] as? String == "SETTLED")
    }

    /// holdinvoice v5: C holds HTLCs for a payment hash whose preimage it does not know; settling needs the preimage
    /// (missing or wrong: refused, the HTLC stays held), the right one fulfils A's payment.
    @Test func holdInvoiceByPaymentHashSettlesWithTheGivenPreimage() async throws {
        let network = try Self.network()
        let preimage = String(repeating: "5a", count: 32)
        let hash = Self.sha256Hex(preimage)
        let carol = try LightningRPCClient(socketPath: network.nodes["c"]!.directory + "/lightning-rpc")
        let hold = try await carol.call(
            HoldinvoiceRequest(amount_msat: 30_000, label: nil, description: "by hash", cltv: 18, payment_hash: hash))
        #expect(hold.payment_hash == hash)
        #expect(try network.cliError("c", "holdinvoice", "amount_msat=1000", "description=x", "cltv=18",
                                      "payment_hash=\(hash)", "preimage=\(preimage)").code == -32602)
        try network.waitUntil("A to know a route to C") {
            let invoice = try Self.invoice(network, "c", msat: 1000, label: "probe-\(UUID().uuidString)")
            return try network.cliResult("a", "pay", invoice["bolt11"] as? String ?? "").status == 0
        }
        let output = network.root.appendingPathComponent("pay-hash.out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let pay = Process()
        pay.executableURL = ToolRunner.binDirectory.appendingPathComponent("fm-ln-regtest")
        pay.arguments = ["cli", "--lightning-dir", network.nodes["a"]!.directory, "pay", hold.bolt11]
        pay.standardOutput = try FileHandle(forWritingTo: output)
        pay.standardError = FileHandle.nullDevice
        try pay.run()
        try network.waitUntil("C to hold the HTLC") {
            try network.cli("c", "holdinvoicelookup", hash)["state"] as? String == "ACCEPTED"
        }
        #expect(try network.cliError("c", "holdinvoicesettle", hash).message.contains("preimage"))
        #expect(try network.cliError("c", "holdinvoicesettle", hash, String(repeating: "00", count: 32)).code == -32602)
        #expect(try network.cli("c", "holdinvoicelookup", hash)["state"] as? String == "ACCEPTED")
        #expect(try await carol.call(HoldinvoicesettleRequest(payment_hash: hash, preimage: preimage)).state == .SETTLED)
        await carol.close()
        try network.waitUntil("A's pay to return") { !pay.isRunning }
        let result = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any]
        #expect(result?["payment_preimage"] as? String == preimage)
        try network.waitUntil("every HTLC to resolve") { try network.checkInvariant() }
    }

    static func sha256Hex(_ hex: String) -> String {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}

@Suite struct LightningExampleScriptTests {
    /// examples/lightning-regtest.sh: three nodes, two channels on chain, carol's invoice paid by alice through bob.
    @Test func lightningRegtestExamplePaysAnInvoiceThroughBob() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try ExampleScript.run("lightning-regtest.sh", [dir.appendingPathComponent("ln").path, "19300"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(summary["received_msat"] as? Int == 100_000)
        #expect(summary["amount_sent_msat"] as? Int == 101_001)
        #expect(summary["alice_msat"] as? Int == 500_000_000 - 101_001)
        #expect(summary["carol_msat"] as? Int == 100_000)
        // bob: 101,001 in on alice's channel, 499,900,000 left on his own: his 1,001 msat fee on top of 500,000 sat.
        #expect(summary["bob_msat"] as? Int == 500_000_000 + 1_001)
    }
}
