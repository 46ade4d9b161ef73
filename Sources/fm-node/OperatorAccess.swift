import ArgumentParser
import FMCore
import FMRPC
import FMServer
import FMSetup
import Foundation
import Logging

/// `fm-node run`'s operator credential: the token file it writes at every start and, optionally, the operator
/// password's hash. Either one authorizes the guardian's admin methods (docs/rpc.md, "Admin methods").
struct OperatorOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The operator password's scrypt hash (fm-node dashboard-password) for admin calls (default: --dashboard-password-file's).",
            valueName: "path"))
    var operatorPasswordFile: String?

    /// Writes a fresh token beside the database and returns the gate for the API server.
    func makeGate(databasePath: String, dashboardPasswordFile: String?, logger: Logger) throws -> OperatorAuthenticator {
        let hash = try (operatorPasswordFile.map { ($0, "--operator-password-file") }
            ?? dashboardPasswordFile.map { ($0, "--dashboard-password-file") })
            .map { path, field in try OperatorPasswordHash(contentsOf: path, field: field) }
        let tokenPath = OperatorToken.path(besideDatabase: databasePath)
        let token = try OperatorToken.create(at: tokenPath)
        logger.info("operator token for admin calls written to \(tokenPath) (mode 0600)")
        return OperatorAuthenticator(token: token, password: hash)
    }
}

/// How an fm-node subcommand reaches a running guardian's admin methods: its API URL and the operator credential,
/// by default both found from the guardian's config directory (local.json's API port, the token file beside the
/// database), or given with --api and --token-file or --password-file.
struct AdminClientOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The guardian's config directory (finds its API and token file).", valueName: "dir"))
    var configDir: String?

    @Option(help: ArgumentHelp("The guardian's API URL (default: from --config-dir).", valueName: "url"))
    var api: String?

    @Option(help: ArgumentHelp("The operator token file (default: admin.token beside the guardian's database).", valueName: "path"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("File whose first line is the operator password (instead of the token).", valueName: "path"))
    var passwordFile: String?

    /// A client for the guardian's admin methods.
    func connect() throws -> AdminClient {
        let local = try configDir.map { try GuardianConfigDirectory(path: $0).loadLocal() }
        guard let url = api ?? local.map(Self.apiURL) else {
            throw InvalidInput(field: "--api", expected: "the guardian's API URL, or --config-dir to find it")
        }
        return AdminClient(client: JSONRPCClient(url: url), credential: try credential(local: local))
    }

    private func credential(local: LocalConfig?) throws -> AdminCredential {
        if let passwordFile {
            guard tokenFile == nil else {
                throw InvalidInput(field: "--password-file", expected: "either --password-file or --token-file, not both")
            }
            guard let contents = FileManager.default.contents(atPath: passwordFile) else {
                throw InvalidInput(field: "--password-file", expected: "a readable file, '\(passwordFile)' cannot be read")
            }
            let password = String(decoding: contents, as: UTF8.self)
                .split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            return .password(password)
        }
        if let tokenFile { return .token(try OperatorToken.read(at: tokenFile)) }
        guard let configDir, let local else {
            throw InvalidInput(field: "--token-file", expected: "the operator token file, --password-file, or --config-dir")
        }
        let databasePath = GuardianConfigDirectory(path: configDir).databasePath(local)
        return .token(try OperatorToken.read(at: OperatorToken.path(besideDatabase: databasePath), field: "--config-dir"))
    }

    /// The guardian's API on this machine: its bind port, on loopback when it binds every address.
    static func apiURL(_ local: LocalConfig) -> String {
        let host = ["0.0.0.0", "::", ""].contains(local.apiBindHost) ? "127.0.0.1" : local.apiBindHost
        return "ws://\(host.contains(":") ? "[\(host)]" : host):\(local.apiBindPort)/"
    }
}

/// A JSON-RPC client that adds the operator credential (`params.auth`) to every call.
struct AdminClient {
    let client: JSONRPCClient
    let credential: AdminCredential

    func call<Result: Decodable>(
        _ method: String, params: some Encodable = NoParams(), as type: Result.Type = Result.self,
        timeout: Duration? = nil
    ) async throws -> Result {
        guard case .object(var fields) = try JSONValue(params) else {
            throw InvalidInput(field: "params", expected: "an object (admin calls take params by name)")
        }
        fields[AdminCredential.member] = credential.json
        return try await client.call(method, params: JSONValue.object(fields), as: Result.self, timeout: timeout)
    }

    func close() async { await client.close() }
}
