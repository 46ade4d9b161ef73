import ArgumentParser
import FMCLI
import FMCore
import Foundation

extension FMLnRegtestCommand {
    struct CLI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cli",
            abstract: "Call a node's JSON-RPC method (lightning-cli style) and print the result as JSON.",
            discussion: """
                Works against fm-ln-regtest and lightningd alike (the socket is Core Lightning's). Parameters are \
                positional, or key=value pairs (as lightning-cli -k), or one JSON object; a positional parameter that \
                parses as JSON (a number, true, an object) is sent as JSON, any other as a string. An RPC error prints \
                lightningd's error object {"code":205,"message":"..."} on stdout and one line on stderr; exit 1 \
                (exit 2 for invalid parameters, -32602, e.g. a malformed invoice or amount).

                Examples:
                  fm-regtest run --data-dir btc --rpc-port 0 --daemon > /dev/null
                  fm-ln-regtest run --lightning-dir carol --bitcoin-dir btc --daemon > /dev/null
                  fm-ln-regtest cli --lightning-dir carol invoice 10000 first "a coffee"
                  fm-ln-regtest cli --lightning-dir carol listinvoices label=first
                  fm-ln-regtest cli --lightning-dir carol '{"amount_msat":"any","label":"tip","description":"tips"}' invoice
                  fm-ln-regtest cli --rpc-file carol/lightning-rpc decode "$(fm-ln-regtest cli --lightning-dir carol listinvoices first | jq -r '.invoices[0].bolt11')"
                  fm-ln-regtest cli --lightning-dir carol stop
                  fm-regtest cli --data-dir btc stop
                """)

        @Option(help: ArgumentHelp("The node's directory (its socket is DIR/lightning-rpc).", valueName: "dir"))
        var lightningDir: String?

        @Option(help: ArgumentHelp("The RPC socket (instead of --lightning-dir), e.g. ~/.lightning/regtest/lightning-rpc.", valueName: "path"))
        var rpcFile: String?

        @Argument(help: "The RPC method, e.g. getinfo (or a JSON object of parameters, then the method).")
        var method: String

        @Argument(parsing: .captureForPassthrough, help: "The method's parameters.")
        var params: [String] = []

        func run() async throws {
            let path = try socketPath()
            var method = self.method
            var arguments = params
            // lightning-cli also takes `'{"json":...}' METHOD`.
            if method.hasPrefix("{"), let first = arguments.first {
                arguments = [method] + arguments.dropFirst()
                method = first
            }
            let parameters = try Self.parameters(arguments)
            switch await LightningSocket.call(path: path, method: method, params: parameters) {
            case .success(let result):
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                StandardOutput.writeLine(String(decoding: try encoder.encode(result), as: UTF8.self))
            case .failure(.rpc(let code, let message, let data)):
                var object: [String: JSONValue] = ["code": .integer(code), "message": .string(message)]
                if let data { object["data"] = data }
                StandardOutput.writeLine(String(decoding: try JSONEncoder().encode(JSONValue.object(object)), as: UTF8.self))
                StandardError.writeLine("fm-ln-regtest: error: \(method): RPC error \(code): \(message)")
                throw ExitCode(code == -32602 ? ExitStatus.badInput.rawValue : ExitStatus.failed.rawValue)
            case .failure(.unreachable(let reason)):
                throw Unreachable(reason: reason)
            case .failure(.malformed(let reason)):
                throw Unreachable(reason: "malformed reply: \(reason)")
            }
        }

        private func socketPath() throws -> String {
            switch (lightningDir, rpcFile) {
            case (let directory?, nil): return try Self.checkSocket((directory as NSString).appendingPathComponent("lightning-rpc"), field: "--lightning-dir")
            case (nil, let file?): return try Self.checkSocket(file, field: "--rpc-file")
            default: throw InvalidInput(field: "--lightning-dir", expected: "either --lightning-dir DIR or --rpc-file PATH")
            }
        }

        /// A path that cannot be a unix socket is bad input (exit 2); a missing socket means the node is down (exit 3).
        static func checkSocket(_ path: String, field: String) throws -> String {
            guard !path.isEmpty, path.utf8.count < 108 else { throw InvalidInput(field: field, expected: "a unix socket path shorter than 108 bytes") }
            var status = stat()
            if stat(path, &status) == 0, status.st_mode & 0o170000 != 0o140000 {
                throw InvalidInput(field: field, expected: "a unix socket (\(path) is not one)")
            }
            return path
        }

        static func parameters(_ arguments: [String]) throws -> JSONValue {
            if arguments.count == 1, arguments[0].hasPrefix("{") {
                guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(arguments[0].utf8)), case .object = value else {
                    throw InvalidInput(field: "params", expected: "a JSON object")
                }
                return value
            }
            if !arguments.isEmpty, arguments.allSatisfy({ $0.contains("=") && !$0.hasPrefix("{") }) {
                var object: [String: JSONValue] = [:]
                for argument in arguments {
                    let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    object[String(parts[0])] = json(String(parts[1]))
                }
                return .object(object)
            }
            return .array(arguments.map(json))
        }

        /// As lightning-cli: JSON when the text is a JSON number, boolean, null, object or array; a string otherwise.
        static func json(_ text: String) -> JSONValue {
            guard let first = text.first, first.isNumber || "-[{tfn".contains(first),
                let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            else { return .string(text) }
            // A long digit string (a label, a hash) stays a string rather than a lossy number.
            if case .double = value, !text.contains(".") { return .string(text) }
            return value
        }
    }

    struct Unreachable: ReportableError {
        let reason: String
        var category: FailureCategory { .unreachable }
        var code: String { "ln_node_unreachable" }
        var description: String { "cannot reach the node: \(reason)" }
    }
}
