import ArgumentParser
import FMCLI
import FMCore
import FMGateway
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension FMGatewayCommand {
    struct CLI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cli",
            abstract: "Call the running gateway's operator JSON-RPC and print the result as JSON.",
            discussion: """
                Methods: info, balances, set_fees base_fee_msat=N fee_ppm=N, connect_fed invite=INVITE, \
                withdraw federation_id=ID amount_msat=N (prints a note string), deposit federation_id=ID notes=NOTES, \
                list_payments. Parameters are KEY=VALUE (numbers stay numbers). Reads the port from \
                DATA_DIR/gateway.json and the token from DATA_DIR/operator.token.

                Examples:
                  fm-gateway cli --data-dir gw info
                  fm-gateway cli --data-dir gw withdraw federation_id=$FED amount_msat=50000 | jq -r .notes
                """)

        @Option(help: ArgumentHelp("The gateway's data directory.", valueName: "dir"))
        var dataDir: String

        @Argument(help: "The operator method.")
        var method: String

        @Argument(help: "KEY=VALUE parameters.")
        var params: [String] = []

        func validate() throws {
            guard Gateway.operatorMethods.contains(method) else {
                throw InvalidInput(field: "method", expected: "one of \(Gateway.operatorMethods.joined(separator: ", "))")
            }
        }

        func run() async throws {
            var object: [String: JSONValue] = [:]
            for param in params {
                guard let equals = param.firstIndex(of: "=") else { throw InvalidInput(field: param, expected: "KEY=VALUE") }
                let key = String(param[..<equals]), value = String(param[param.index(after: equals)...])
                object[key] = UInt64(value).map(JSONValue.unsigned) ?? .string(value)
            }
            let readyPath = GatewayServer.readyPath(dataDirectory: dataDir)
            guard let readyData = FileManager.default.contents(atPath: readyPath),
                let ready = try? JSONConventions.decoder().decode(GatewayServer.Ready.self, from: readyData)
            else { throw Unreachable(description: "no running gateway in \(dataDir) (\(readyPath) missing)") }
            guard let tokenData = FileManager.default.contents(atPath: OperatorToken.path(dataDirectory: dataDir)) else {
                throw InvalidInput(field: "--data-dir", expected: "a gateway data directory with operator.token")
            }
            let token = String(decoding: tokenData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(ready.operatorPort)/")!)
            request.httpMethod = "POST"
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONConventions.encoder().encode(
                JSONValue.object(["jsonrpc": .string("2.0"), "id": .unsigned(1), "method": .string(method), "params": .object(object)]))
            request.timeoutInterval = 300
            let data: Data
            do { (data, _) = try await URLSession.shared.data(for: request) } catch {
                throw Unreachable(description: "gateway operator port \(ready.operatorPort): \(error.localizedDescription)")
            }
            guard case .object(let reply)? = try? JSONConventions.decoder().decode(JSONValue.self, from: data) else {
                throw Unreachable(description: "the gateway's answer is not JSON")
            }
            if case .object(let error)? = reply["error"] {
                let message: String
                if case .string(let text)? = error["message"] { message = text } else { message = "failed" }
                if case .integer(-32602)? = error["code"] { throw InvalidInput(field: method, expected: message) }
                throw Failed(description: message)
            }
            try StandardOutput.emit(reply["result"] ?? .null)
        }
    }

    struct Unreachable: ReportableError {
        let description: String
        var category: FailureCategory { .unreachable }
        var code: String { "gateway_unreachable" }
    }

    struct Failed: ReportableError {
        let description: String
        var category: FailureCategory { .failed }
        var code: String { "gateway_failed" }
    }
}
