import ArgumentParser
import FMBitcoin
import FMBitcoinRPC
import FMCLI
import FMClient
import FMClientCore
import FMCore
import FMWalletClient

@main
struct FMPegin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fm-pegin",
        abstract: "Turn bitcoin into e-cash: deposit to a fresh federation address, then claim notes.",
        discussion: """
            `address` creates a deposit address (unique per deposit, derived from the client's mnemonic) and the \
            peg-in operation that watches it. Send bitcoin to it, then `await` the operation: it waits for the \
            deposit to confirm and for the federation to count its block as final (progress on stderr), then \
            claims the deposit as notes (minus the peg-in fee). `claim TXID` does the same for a known deposit \
            transaction. Reading the chain needs the client's bitcoin node: --bitcoind-url with --bitcoind-cookie \
            (or --bitcoind-user/--bitcoind-password; or FM_BITCOIND_URL, FM_BITCOIND_COOKIE, ...). The examples use \
            a regtest node in ./btc (fm-regtest), with FM_BITCOIND_URL and FM_BITCOIND_COOKIE pointing at it.

            Examples:
              fm-pegin address > deposit.json
              fm-regtest cli --data-dir btc sendtoaddress "$(jq -r .address deposit.json)" 0.001
              fm-regtest cli --data-dir btc generatetoaddress 3 "$(fm-regtest cli --data-dir btc getnewaddress | jq -r .)"
              fm-pegin await "$(jq -r .operation_id deposit.json)" | jq .result.issued_msat

            Exit codes: 0 ok, 1 operation failed, 2 bad input, 3 federation or bitcoin node unreachable.
            """,
        version: FMVersion.current,
        subcommands: [Address.self, Await.self, Claim.self])

    static func main() async { await CommandRunner.main(Self.self) }
}

/// The options every fm-pegin subcommand shares: the client and its bitcoin node.
struct PeginOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).", valueName: "dir"))
    var dataDir: String?

    @Option(help: ArgumentHelp("Federation id (or a unique prefix) when the client joined several.", valueName: "id"))
    var federation: String?

    @OptionGroup var verbosity: VerboseOption

    @OptionGroup var bitcoind: BitcoindOptions

    func operations() throws -> WalletOperations {
        let directory = ClientDirectory.resolve(dataDir)
        let client = try FederationClient.open(
            try directory.selectFederation(federation), directory: directory, modules: ClientModules.all)
        let bitcoin = try bitcoind.rpcConfig()?.makeClient()
        return try client.walletOperations(bitcoin: bitcoin) { line in StandardError.writeLine(line) }
    }
}

extension FMPegin {
    struct Address: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a fresh deposit address and the operation id that claims it.",
            discussion: "Example:\n  fm-pegin address | jq -r .address")

        @OptionGroup var options: PeginOptions

        func run() async throws {
            let (operation, address) = try await options.operations().newDepositAddress()
            try StandardOutput.emit(AddressResult(address: address.string, operationId: operation))
        }
    }

    struct AddressResult: Codable {
        var address: String
        var operationId: OperationID
    }

    struct Await: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Wait for the deposit, its finality and the claim; print the operation.",
            discussion: """
                Example:
                  fm-pegin await "$(jq -r .operation_id deposit.json)" --bitcoind-url http://127.0.0.1:18443 \\
                      --bitcoind-cookie btc/.cookie
                """)

        @OptionGroup var options: PeginOptions

        @Argument(help: ArgumentHelp("The peg-in operation id (from `fm-pegin address`).", valueName: "operation-id"))
        var operationId: String

        func run() async throws {
            let record = try await options.operations().await(try OperationID(parsing: operationId))
            try StandardOutput.emit(record)
            if record.status == .failed { throw PegInFailed(record: record) }
        }
    }

    struct Claim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim the deposit made by bitcoin transaction TXID to one of this client's addresses.",
            discussion: """
                Example:
                  fm-pegin claim "$(cat deposit-txid.txt)" --bitcoind-url http://127.0.0.1:18443 \\
                      --bitcoind-cookie btc/.cookie
                """)

        @OptionGroup var options: PeginOptions

        @Argument(help: ArgumentHelp("The deposit transaction's id (64 hex characters).", valueName: "txid"))
        var txid: String

        func run() async throws {
            guard let hash = try? FMBitcoin.Hash256(displayHex: txid) else {
                throw InvalidInput(field: "txid", expected: "a transaction id of 64 hex characters")
            }
            let record = try await options.operations().claim(txid: hash)
            try StandardOutput.emit(record)
            if record.status == .failed { throw PegInFailed(record: record) }
        }
    }
}

/// A peg-in that ended in failure: exit 1 after printing its record.
struct PegInFailed: ReportableError {
    let record: OperationRecord
    var category: FailureCategory { .failed }
    var code: String { "operation_failed" }
    var description: String { "peg-in \(record.id) failed: \(record.failure ?? "no reason recorded")" }
}
