import ArgumentParser
import FMCLI
import FMClient
import FMClientCore
import FMCore
import FMLightningClient

@main
struct FMLnPay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fm-ln-pay",
        abstract: "Pay Lightning invoices with e-cash and receive Lightning payments as e-cash, through a gateway.",
        discussion: """
            Uses the wallet of fm-mint (--data-dir, else $FM_CLIENT_DIR, else ~/.fm-client). A payment locks the \
            invoice amount plus the gateway's fee in a contract the gateway can take only with the invoice's \
            preimage; if the gateway cancels, the money comes back at once, and if it does nothing, after the \
            contract's timelock. Every command first moves unfinished payments and receives on (a due refund is \
            taken, a paid invoice claimed), so refunds need no command of their own.

            Examples:
              fm-ln-pay gateways | jq -r '.gateways[0].gateway_id'
              fm-ln-pay pay lnbcrt1... | jq -r .preimage
              fm-ln-pay receive 50000 --description coffee | jq -r .invoice
              fm-ln-pay list | jq -c '.operations[] | {id, kind, status}'

            Exit codes: 0 ok (paid, received), 1 operation failed (refunded, expired, failed), 2 bad input, \
            3 federation or gateway unreachable or no quorum.
            """,
        version: FMVersion.current,
        subcommands: [Pay.self, Receive.self, Gateways.self, Await.self, List.self])

    static func main() async { await CommandRunner.main(Self.self) }
}

/// The options every fm-ln-pay subcommand shares (the wallet's, as in fm-mint).
struct LnOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).", valueName: "dir"))
    var dataDir: String?

    @Option(help: ArgumentHelp("Federation id (or a unique prefix) when the client joined several.", valueName: "id"))
    var federation: String?

    @OptionGroup var verbosity: VerboseOption

    /// Opens the wallet's Lightning operations after moving every unfinished operation on (Lightning ones only as far
    /// as they go without waiting: a due refund starts here, without the user asking), logging what cannot move now.
    func operations() async throws -> LightningOperations {
        let directory = ClientDirectory.resolve(dataDir)
        let client = try FederationClient.open(
            try directory.selectFederation(federation), directory: directory, modules: ClientModules.all)
        let logger = LogSetup.logger()
        for (id, outcome) in (try? await client.resumeUnfinished()) ?? [] {
            switch outcome {
            case .success(let record) where record.status != .running:
                logger.notice("operation \(id) (\(record.kind)) ended: \(record.resultField("outcome") ?? record.status.rawValue)")
            case .success: break
            case .failure(let error): logger.warning("operation \(id) cannot move on now: \(error)")
            }
        }
        return try client.lightningOperations()
    }
}

/// An operation as fm-ln-pay prints it: `operation_id`, `kind`, `status`, `failure`, and its result's fields
/// (`outcome`, `preimage`, `amount_msat`, `fee_msat`, `invoice` …) at the top level.
struct LnOutput: Encodable {
    let record: OperationRecord
    var extra: [String: JSONValue] = [:]

    func encode(to encoder: any Encoder) throws {
        var fields: [String: JSONValue] = [
            "operation_id": .string(record.id.description), "kind": .string(record.kind.description),
            "status": .string(record.status.rawValue),
        ]
        if let failure = record.failure { fields["failure"] = .string(failure) }
        if case .object(let result)? = record.result { fields.merge(result) { current, _ in current } }
        fields.merge(extra) { current, _ in current }
        try JSONValue.object(fields).encode(to: encoder)
    }

    /// Prints the operation; exits 1 unless it reached its goal (paid, received) or is still running.
    static func emit(_ record: OperationRecord, extra: [String: JSONValue] = [:]) throws {
        try StandardOutput.emit(LnOutput(record: record, extra: extra))
        guard record.status != .running else { return }
        let outcome = record.resultField("outcome")
        guard record.status == .succeeded, outcome == "paid" || outcome == "received" else {
            throw LightningOperationEnded(record: record, outcome: outcome)
        }
    }
}

/// A payment or receive that ended without its goal: exit 1 after printing its record.
struct LightningOperationEnded: ReportableError {
    let record: OperationRecord
    let outcome: String?
    var category: FailureCategory { .failed }
    var code: String { outcome.map { "operation_\($0)" } ?? "operation_failed" }
    var description: String {
        if let outcome {
            let reason = record.resultField("reason").map { ": \($0)" } ?? ""
            return "operation \(record.id) (\(record.kind)) ended \(outcome)\(reason)"
        }
        return "operation \(record.id) (\(record.kind)) failed: \(record.failure ?? "no reason recorded")"
    }
}

extension OperationRecord {
    /// String field `name` of the record's result.
    func resultField(_ name: String) -> String? {
        guard case .object(let result)? = result, case .string(let value)? = result[name] else { return nil }
        return value
    }
}
