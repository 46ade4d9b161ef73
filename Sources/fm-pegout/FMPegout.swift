import ArgumentParser
import FMCLI
import FMClient
import FMClientCore
import FMCore
import FMWalletClient
import FMWalletCommon

@main
struct FMPegout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fm-pegout",
        abstract: "Turn e-cash into bitcoin: pay AMOUNT sat to ADDRESS from the federation's wallet.",
        discussion: """
            Asks the federation for the fee of the bitcoin transaction it will build (at its consensus fee rate, or \
            --fee-rate if higher), spends notes worth amount + fee + the federation's peg-out fee, and waits until \
            the guardians have fixed the transaction: prints the operation id and the bitcoin txid. The guardians \
            sign and broadcast it. With --no-wait it prints the operation id at once; `fm-pegout await ID` finishes.

            Examples:
              fm-pegout 50000 bcrt1qxyz... | jq -r .txid
              fm-pegout 20000 bcrt1qxyz... --fee-rate 5 --no-wait | jq -r .operation_id > pegout-id.txt
              fm-pegout await "$(cat pegout-id.txt)"

            Exit codes: 0 ok, 1 operation failed, 2 bad input, 3 federation unreachable or no quorum.
            """,
        version: FMVersion.current,
        subcommands: [Pay.self, Await.self], defaultSubcommand: Pay.self)

    static func main() async { await CommandRunner.main(Self.self) }
}

struct PegoutOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).", valueName: "dir"))
    var dataDir: String?

    @Option(help: ArgumentHelp("Federation id (or a unique prefix) when the client joined several.", valueName: "id"))
    var federation: String?

    @OptionGroup var verbosity: VerboseOption

    func operations() throws -> WalletOperations {
        let directory = ClientDirectory.resolve(dataDir)
        let client = try FederationClient.open(
            try directory.selectFederation(federation), directory: directory, modules: ClientModules.all)
        return try client.walletOperations(bitcoin: nil)
    }
}

struct PegoutResult: Codable {
    var operationId: OperationID
    var txid: String?
    var status: OperationStatus
    /// Once done: what was paid, the whole network fee, and the part of it that is change below the dust limit
    /// left to the miners (the user pays it: the federation never spends more bitcoin than the notes burned).
    var amountSats: UInt64?
    var feeSats: UInt64?
    var dustSats: UInt64?
    /// The bump reserve paid in e-cash on top (kept by the federation to bump the transaction if it gets stuck).
    var bumpReserveSats: UInt64?
}

extension FMPegout {
    struct Pay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pay", abstract: "Peg out AMOUNT sat to ADDRESS (the default subcommand).",
            discussion: "Example:\n  fm-pegout 50000 bcrt1qxyz... | jq -r .txid")

        @OptionGroup var options: PegoutOptions

        @Argument(help: ArgumentHelp("Amount in satoshis.", valueName: "amount"))
        var amount: UInt64

        @Argument(help: ArgumentHelp("A segwit address of the federation's network.", valueName: "address"))
        var address: String

        @Option(help: ArgumentHelp("Fee rate in sat/vB (default: the federation's).", valueName: "sat-per-vb"))
        var feeRate: UInt64?

        @Flag(help: "Print the operation id without waiting for the txid.")
        var noWait = false

        func run() async throws {
            let perKvB = try feeRate.map { rate in
                let (perKvB, overflow) = rate.multipliedReportingOverflow(by: 1000)
                guard !overflow, perKvB <= PegOut.maximumFeeRate else {
                    throw InvalidInput(field: "fee-rate", expected: "at most \(PegOut.maximumFeeRate / 1000) sat/vB")
                }
                return perKvB
            }
            let operations = try options.operations()
            let id = try await operations.pegOut(address: address, amountSats: amount, feeRate: perKvB)
            if noWait {
                try StandardOutput.emit(PegoutResult(operationId: id, txid: nil, status: .running))
                return
            }
            try emit(try await operations.await(id))
        }
    }

    struct Await: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Wait for a peg-out's bitcoin txid and print it.", discussion: "Example:\n  fm-pegout await \"$(cat pegout-id.txt)\"")

        @OptionGroup var options: PegoutOptions

        @Argument(help: ArgumentHelp("The peg-out operation id.", valueName: "operation-id"))
        var operationId: String

        func run() async throws {
            try emit(try await options.operations().await(try OperationID(parsing: operationId)))
        }
    }
}

/// Prints `{operation_id, txid, status, amount_sats, fee_sats, dust_sats, bump_reserve_sats}`; a failed peg-out
/// exits 1.
func emit(_ record: OperationRecord) throws {
    struct Fields: Decodable { var txid: String?, amountSats: UInt64?, feeSats: UInt64?, dustSats: UInt64?, bumpReserveSats: UInt64? }
    let fields = try? record.result?.decode(Fields.self)
    let result = PegoutResult(
        operationId: record.id, txid: fields?.txid, status: record.status, amountSats: fields?.amountSats,
        feeSats: fields?.feeSats, dustSats: fields?.dustSats, bumpReserveSats: fields?.bumpReserveSats)
    try StandardOutput.emit(result)
    if record.status == .failed { throw PegOutFailed(record: record) }
}

struct PegOutFailed: ReportableError {
    let record: OperationRecord
    var category: FailureCategory { .failed }
    var code: String { "operation_failed" }
    var description: String { "peg-out \(record.id) failed: \(record.failure ?? "no reason recorded")" }
}
