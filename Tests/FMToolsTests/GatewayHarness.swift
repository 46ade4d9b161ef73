import FMBolt11
import FMClient
import FMClientCore
import FMCore
import FMCrypto
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

/// A 4-guardian federation (fm-node), fm-regtest, three fm-ln-regtest nodes and an fm-gateway process:
/// `gw` (the gateway's node) has channels both ways with `out` (a Lightning node outside the federation);
/// `far` has no channel (no route). Users' clients run in the test process (FMLightningClient) against them.
final class GatewayHarness: @unchecked Sendable {
    let federation: EcashFederation
    let lightning: LightningNetwork
    let federationID: FederationID
    let gatewayDirectory: URL
    let apiPort: Int
    /// Added to `fm-gateway run`'s arguments (e.g. its per-client limits).
    let gatewayArguments: [String]
    private var gateway: Process?

    /// `guardianEnvironment` adds variables to some guardians' processes (test faults), keyed by peer.
    init(basePort: Int, guardianEnvironment: [Int: [String: String]] = [:], gatewayArguments: [String] = []) throws {
        self.gatewayArguments = gatewayArguments
        federation = try EcashFederation(basePort: basePort, environment: guardianEnvironment)
        federationID = try InviteCode(parsing: federation.invite).federationId
        let lightning = try LightningNetwork()
        self.lightning = lightning
        for name in ["gw", "out", "far"] { try lightning.start(name) }
        try lightning.fundWallet("gw", sats: 1_000_000)
        try lightning.fundWallet("out", sats: 1_000_000)
        try lightning.connect("gw", "out")
        try lightning.cli("gw", "fundchannel", lightning.nodes["out"]!.id, "400000")
        try lightning.cli("out", "fundchannel", lightning.nodes["gw"]!.id, "400000")
        try lightning.mine(3)
        try lightning.waitUntil("both channels to be CHANNELD_NORMAL") {
            try ["gw", "out"].allSatisfy { name in
                let channels = try lightning.channels(name)
                return channels.count == 2 && channels.allSatisfy { $0["state"] as? String == "CHANNELD_NORMAL" }
            }
        }
        gatewayDirectory = lightning.root.appendingPathComponent("gateway")
        guard let port = (18_200..<18_300).first(where: EcashFederation.isFree) else { throw EcashFederationError("no free port") }
        apiPort = port
        try startGateway()
        try gatewayCLI("connect_fed", "invite=\(federation.invite)")
    }

    func stop() {
        if let gateway { kill(gateway.processIdentifier, SIGKILL) }
        federation.stop()
    }

    var apiURL: String { "http://127.0.0.1:\(apiPort)" }

    /// Starts `fm-gateway run` and waits for its ready file (removed first, so a restart waits for the new one).
    func startGateway() throws {
        let ready = gatewayDirectory.appendingPathComponent("gateway.json")
        try? FileManager.default.removeItem(at: ready)
        let process = Process()
        process.executableURL = ToolRunner.binDirectory.appendingPathComponent("fm-gateway")
        process.arguments = [
            "run", "--data-dir", gatewayDirectory.path, "--lightning-rpc", lightning.nodes["gw"]!.directory + "/lightning-rpc",
            "--api-url", apiURL, "--api-port", "\(apiPort)", "--base-fee", "2000", "--fee-ppm", "10000", "--announce-ttl", "60",
        ] + gatewayArguments
        var environment = ProcessInfo.processInfo.environment
        environment["FM_LOG_LEVEL"] = "info"
        process.environment = environment
        let log = lightning.root.appendingPathComponent("gateway.log")
        if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        gateway = process
        try lightning.waitUntil("the gateway to listen") { FileManager.default.fileExists(atPath: ready.path) }
    }

    func killGateway() {
        guard let gateway else { return }
        kill(gateway.processIdentifier, SIGKILL)
        gateway.waitUntilExit()
        self.gateway = nil
    }

    var gatewayLog: String { (try? String(contentsOf: lightning.root.appendingPathComponent("gateway.log"), encoding: .utf8)) ?? "" }

    @discardableResult
    func gatewayCLI(_ arguments: String...) throws -> [String: Any] {
        let result = try ToolRunner.run("fm-gateway", ["cli", "--data-dir", gatewayDirectory.path] + arguments)
        guard result.status == 0 else { throw EcashFederationError("fm-gateway cli \(arguments): \(result.stderr) \(result.stdout)") }
        return try result.json()
    }

    /// A wallet joined with `fm-mint join`, holding `msat` of dev-issued e-cash, opened in this process.
    func wallet(_ name: String, msat: Int) async throws -> (client: FederationClient, operations: LightningOperations) {
        try federation.join(name)
        if msat > 0 {
            let issued = try federation.mint(name, ["dev-issue", "\(msat)"])
            guard issued.status == 0 else { throw EcashFederationError("dev-issue: \(issued.stderr)") }
        }
        let client = try FederationClient.open(
            federationID, directory: ClientDirectory(path: federation.directory.appendingPathComponent(name).path), modules: ClientModules.all)
        let operations = LightningOperations(
            ln: client.module(LightningClientModule.self)!, mint: client.module(MintClientModule.self)!, pollInterval: .milliseconds(200))
        return (client, operations)
    }

    /// The gateway's announcement, once a client sees it.
    func announcement(_ operations: LightningOperations) async throws -> SignedGatewayAnnouncement {
        for _ in 0..<150 {
            if let found = try? await operations.gateways().first { return found }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw EcashFederationError("the gateway's announcement never reached the guardians: \(gatewayLog)")
    }

    /// POSTs `body` to the gateway's public API, from the loopback address `source` when given (for the limits that
    /// key on the client's address); the decoded answer or its ErrorResponse.
    func post<Answer: Decodable>(
        _ method: String, _ body: some Encodable, as: Answer.Type, from source: String? = nil
    ) async throws -> Result<Answer, GatewayAPI.ErrorResponse> {
        let encoded = try JSONConventions.encoder().encode(body)
        let status: Int?
        let data: Data
        if let source {
            let client = try RawTCPClient(port: apiPort, from: source)
            try client.send(rawPOST("/\(method)", String(decoding: encoded, as: UTF8.self)))
            let response = client.readUntilClosed(timeout: .seconds(180)).bytes
            let head = response.firstRange(of: Array("\r\n\r\n".utf8))
            status = String(decoding: response.prefix(upTo: head?.lowerBound ?? 0), as: UTF8.self).split(separator: " ").dropFirst().first
                .flatMap { Int($0) }
            data = Data(response[(head?.upperBound ?? response.endIndex)...])
        } else {
            var request = URLRequest(url: URL(string: "\(apiURL)/\(method)")!)
            request.httpMethod = "POST"
            request.httpBody = encoded
            request.timeoutInterval = 180
            let (answer, response) = try await URLSession.shared.data(for: request)
            (status, data) = ((response as? HTTPURLResponse)?.statusCode, answer)
        }
        if status == 200 { return .success(try JSONConventions.decoder().decode(Answer.self, from: data)) }
        let refusal = try JSONConventions.decoder().decode(GatewayAPI.ErrorResponse.self, from: data)
        // The HTTP status follows the code (429 only for a client over its limits).
        #expect((status == 429) == (refusal.code == .rateLimited), "HTTP \(status ?? 0) for \(refusal.code)")
        return .failure(refusal)
    }

    func payRequest(_ contract: OutgoingContract, invoice: String) -> GatewayAPI.PayRequest {
        GatewayAPI.PayRequest(federationId: federationID, contract: Hex.encode(contract.canonicalBytes), invoice: invoice)
    }

    /// The gateway's invoice for `contract` (an hour's expiry).
    func createInvoice(_ contract: IncomingContract, msat: UInt64, description: String) async throws -> String {
        let request = GatewayAPI.CreateInvoiceRequest(
            federationId: federationID, contract: Hex.encode(contract.canonicalBytes), invoiceAmountMsat: msat, description: description,
            expirySecs: 3600)
        return try await post(GatewayAPI.createInvoice, request, as: GatewayAPI.CreateInvoiceResponse.self).get().invoice
    }

    /// The HTTP status of an operator call (`info`) made with `token` (none: no Authorization header).
    func operatorStatus(token: String?) async throws -> Int {
        let ready = try JSONSerialization.jsonObject(with: Data(contentsOf: gatewayDirectory.appendingPathComponent("gateway.json"))) as? [String: Any]
        let port = try #require(ready?["operator_port"] as? Int)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/")!)
        request.httpMethod = "POST"
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(#"{"jsonrpc":"2.0","id":1,"method":"info","params":{}}"#.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    /// `fm-ln-pay ARGS` in `wallet` (bounded at 120 s), its JSON.
    func lnPay(_ wallet: String, _ arguments: [String]) throws -> [String: Any] {
        let result = try federation.client("fm-ln-pay", wallet, arguments, timeout: 120)
        guard result.status == 0 else { throw EcashFederationError("fm-ln-pay \(arguments): \(result.stderr) \(result.stdout)") }
        return try result.json()
    }

    /// Outside node `node` makes an invoice of `msat`.
    func invoice(_ node: String, msat: Int, label: String) throws -> String {
        guard let bolt11 = try lightning.cli(node, "invoice", "\(msat)", label, "test \(label)")["bolt11"] as? String else {
            throw EcashFederationError("no invoice")
        }
        return bolt11
    }

    /// The audit of guardian 0 says the federation is solvent.
    func solvent() throws -> Bool { try federation.audit(0)["solvent"] as? Bool == true }
}
