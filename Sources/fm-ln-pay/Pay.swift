import ArgumentParser
import FMBolt11
import FMCLI
import FMClientCore
import FMCore
import FMLightningClient

extension FMLnPay {
    struct Pay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pay a BOLT 11 invoice through a gateway; print the preimage, amount and fee.",
            discussion: """
                Locks the invoice amount plus the gateway's fee (base + parts per million, from its signed \
                announcement) in an outgoing contract, asks the gateway to pay, and waits: `outcome` is `paid` \
                (with `preimage`, the proof of payment, `amount_msat` and `fee_msat`) or `refunded` (the gateway \
                cancelled, or did not pay before the timelock; exit 1). A gateway that does not answer is asked \
                again; the money comes back at the timelock at the latest. --no-wait prints the operation id; \
                `fm-ln-pay await ID` (or any later command) carries on.

                Examples:
                  fm-ln-pay pay lnbcrt1... | jq -r .preimage
                  fm-ln-pay pay lnbcrt1... --max-fee 2000 --no-wait | jq -r .operation_id > payment-id.txt
                """)

        @OptionGroup var options: LnOptions

        @Argument(help: ArgumentHelp("The BOLT 11 invoice (with an amount).", valueName: "invoice"))
        var invoice: String

        @Option(help: ArgumentHelp("The gateway's key (hex, or a unique prefix; default: the cheapest).", valueName: "id"))
        var gateway: String?

        @Option(help: ArgumentHelp("Refuse a gateway fee above this many msat.", valueName: "msat"))
        var maxFee: UInt64?

        @Option(help: ArgumentHelp("Seconds of consensus time before the money can come back unpaid (default 1 day).", valueName: "s"))
        var timelock: UInt64 = 24 * 3600

        @Flag(help: ArgumentHelp(
            "Fund a --timelock shorter than fm-gateway needs for the invoice's final CLTV (a gateway with other margins; if it refuses, the money comes back at the timelock)."))
        var noMarginCheck = false

        @Flag(help: "Print the operation id without waiting for the outcome.")
        var noWait = false

        func run() async throws {
            let signed: SignedInvoice
            do { signed = try SignedInvoice(invoice) } catch {
                throw InvalidInput(field: "invoice", expected: "a BOLT 11 invoice (\(error))", code: "bad_invoice")
            }
            guard let msats = signed.invoice.amountMsat else { throw LightningClientError.invoiceWithoutAmount }
            let operations = try await options.operations()
            let gateway = try await operations.chooseGateway(self.gateway, for: Amount(msats: msats))
            let (id, _) = try await operations.pay(
                signed, gateway: gateway, maxFee: maxFee.map(Amount.init(msats:)), timelockDelta: timelock,
                checkGatewayMargin: !noMarginCheck)
            let record = noWait ? try await operations.status(id) : try await operations.await(id)
            try LnOutput.emit(record)
        }
    }
}
