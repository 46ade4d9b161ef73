import ArgumentParser
import FMBitcoinRPC
import FMCLI
import FMCore
import Foundation

extension FMRegtestCommand {
    struct CLI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cli",
            abstract: "Call a node's JSON-RPC method (bitcoin-cli style) and print the result as JSON.",
            discussion: """
                Works against fm-regtest and bitcoind alike. Parameters are positional; as in bitcoin-cli, those \
                a method takes as numbers, booleans, arrays or objects are parsed as JSON (e.g. the block count of \
                generatetoaddress, the amount of sendtoaddress, the txid list of gettxoutproof), the others are \
                strings. The result is printed as JSON (a string result is a JSON string: use jq -r). An RPC \
                error is reported with its code: {"error":{"code":"bitcoin_rpc_error","message":"bitcoin RPC error -26 ..."}}. \
                --rpc-wait waits (like bitcoin-cli -rpcwait) until the node is up, e.g. right after starting it.

                Examples:
                  fm-regtest run --data-dir btc --rpc-port 0 --daemon > /dev/null
                  fm-regtest cli --data-dir btc --rpc-wait getblockchaininfo
                  fm-regtest cli --data-dir btc generatetoaddress 101 "$(fm-regtest cli --data-dir btc getnewaddress | jq -r .)"
                  fm-regtest cli --data-dir btc sendtoaddress "$(fm-regtest cli --data-dir btc getnewaddress | jq -r .)" 0.001
                  fm-regtest cli --data-dir btc getrawtransaction "$(fm-regtest cli --data-dir btc getrawmempool | jq -r '.[0]')" true
                  fm-regtest cli --rpc-url "$(jq -r .url btc/rpc.json)" --rpc-cookie btc/.cookie getrawmempool
                  fm-regtest cli --data-dir btc stop
                """)

        @Option(help: ArgumentHelp("Data directory of a running fm-regtest (reads DIR/rpc.json).", valueName: "dir"))
        var dataDir: String?

        @Option(help: ArgumentHelp("Node RPC URL, e.g. http://127.0.0.1:18443.", valueName: "url"))
        var rpcUrl: String?

        @Option(help: ArgumentHelp("Cookie file (with --rpc-url).", valueName: "file"))
        var rpcCookie: String?

        @Option(help: "RPC user (with --rpc-url and --rpc-password).")
        var rpcUser: String?

        @Option(help: "RPC password.")
        var rpcPassword: String?

        @Flag(help: "Wait until the node answers (up to --rpc-wait-timeout seconds) instead of failing at once.")
        var rpcWait = false

        @Option(help: ArgumentHelp("How long --rpc-wait waits.", valueName: "seconds"))
        var rpcWaitTimeout: Int = 60

        @Argument(help: "The RPC method, e.g. getblockcount.")
        var method: String

        @Argument(parsing: .captureForPassthrough, help: "The method's parameters.")
        var params: [String] = []

        func run() async throws {
            let values = try params.enumerated().map { index, text in try Self.parameter(text, method: method, index: index) }
            let deadline = Date().addingTimeInterval(TimeInterval(rpcWaitTimeout))
            while true {
                do {
                    let result = try await config().makeClient().call(method, values)
                    StandardOutput.writeLine(result.prettyPrinted)
                    return
                } catch let error as BitcoinRPCError where rpcWait && Date() < deadline && Self.isNotUpYet(error) {
                    try await Task.sleep(nanoseconds: 100_000_000)
                }
            }
        }

        /// What `--rpc-wait` waits out: no node listening yet, no cookie or rpc.json yet, warming up.
        static func isNotUpYet(_ error: BitcoinRPCError) -> Bool {
            switch error {
            case .transport, .credentials: return true
            case .rpc(let code, _): return code == .inWarmup
            case .unauthorized, .malformedReply: return false
            }
        }

        private func config() throws -> BitcoinRPCConfig {
            if let dataDir {
                guard rpcUrl == nil, rpcCookie == nil, rpcUser == nil else {
                    throw InvalidInput(field: "--data-dir", expected: "either --data-dir or --rpc-url with credentials, not both")
                }
                let path = (dataDir as NSString).appendingPathComponent("rpc.json")
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw BitcoinRPCError.credentials("no \(path): is fm-regtest running with --data-dir \(dataDir)?")
                }
                return try JSONConventions.decode(BitcoinRPCConfig.self, from: data, what: path)
            }
            guard let rpcUrl else { throw InvalidInput(field: "--rpc-url", expected: "--data-dir DIR or --rpc-url URL") }
            switch (rpcCookie, rpcUser, rpcPassword) {
            case (let cookie?, nil, nil): return BitcoinRPCConfig(url: rpcUrl, auth: .cookieFile(cookie))
            case (nil, let user?, let password?): return BitcoinRPCConfig(url: rpcUrl, auth: .userPassword(user: user, password: password))
            default: throw InvalidInput(field: "--rpc-cookie", expected: "--rpc-cookie FILE, or --rpc-user and --rpc-password")
            }
        }

        /// Parameters bitcoin-cli converts from JSON (`vRPCConvertParams`), for the methods fm uses.
        static let jsonParameters: [String: Set<Int>] = [
            "getblockhash": [0], "getblock": [1], "getblockheader": [1], "getrawtransaction": [1], "gettxoutproof": [0],
            "sendrawtransaction": [1, 2], "estimatesmartfee": [0], "generatetoaddress": [0, 2], "sendtoaddress": [1, 4, 5, 6, 8],
            "getbalance": [1, 2, 3], "getrawmempool": [0, 1], "gettxout": [1, 2], "generateblock": [1],
            "submitpackage": [0, 1, 2], "setmempoolminfee": [0],
        ]

        static func parameter(_ text: String, method: String, index: Int) throws -> BitcoinJSON {
            let convert = jsonParameters[method]?.contains(index)
            if convert == false { return .string(text) }
            do { return try BitcoinJSON(parsing: text) } catch {
                // Unknown methods: JSON when it parses, a string otherwise.
                if convert == nil { return .string(text) }
                throw InvalidInput(field: "parameter \(index + 1) of \(method)", expected: "JSON (\(error))")
            }
        }
    }
}
