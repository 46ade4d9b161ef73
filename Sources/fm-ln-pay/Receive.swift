import ArgumentParser
import FMCLI
import FMClientCore
import FMCore
import FMLightningClient

extension FMLnPay {
    struct Receive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an invoice whose payment arrives as e-cash; print it and the operation id.",
            discussion: """
                Derives a preimage and a claim key from the mnemonic, encrypts the preimage to the federation and \
                asks the gateway for an invoice of AMOUNT_MSAT paying into a contract of AMOUNT_MSAT minus the \
                gateway's fee. When someone pays it, the gateway funds the contract and the client claims it as \
                notes (`fm-ln-pay await ID`, --wait, or any later command; --wait writes the invoice to stderr at once). `outcome` is `received` (with \
                `amount_msat` received and `fee_msat`) or `expired` (nobody paid in time; exit 1).

                Examples:
                  fm-ln-pay receive 50000 --description coffee | jq -r .invoice
                  fm-ln-pay receive 21000 --expiry 600 --wait | jq .amount_msat
                """)

        @OptionGroup var options: LnOptions

        @Argument(help: ArgumentHelp("The amount the payer pays, in msat.", valueName: "amount-msat"))
        var amountMsat: UInt64

        @Option(help: ArgumentHelp("The invoice's description.", valueName: "text"))
        var description = ""

        @Option(help: ArgumentHelp("Seconds the invoice can be paid (default 3600).", valueName: "s"))
        var expiry: UInt64 = 3600

        @Option(help: ArgumentHelp("The gateway's key (hex, or a unique prefix; default: the cheapest).", valueName: "id"))
        var gateway: String?

        @Option(help: ArgumentHelp("Refuse a gateway fee above this many msat.", valueName: "msat"))
        var maxFee: UInt64?

        @Flag(help: "Wait until the payment arrives (or the invoice expires) and print the outcome.")
        var wait = false

        func run() async throws {
            guard amountMsat > 0 else { throw InvalidInput(field: "amount-msat", expected: "a positive amount in msat") }
            guard description.utf8.count <= 639 else {
                throw InvalidInput(field: "--description", expected: "at most 639 bytes (BOLT 11's limit)")
            }
            guard expiry >= 60, expiry <= 7 * 24 * 3600 else {
                throw InvalidInput(field: "--expiry", expected: "60 to 604800 seconds")
            }
            let operations = try await options.operations()
            let amount = Amount(msats: amountMsat)
            let gateway = try await operations.chooseGateway(self.gateway, for: amount)
            let (id, invoice) = try await operations.receive(
                amount, description: description, expirySecs: expiry, gateway: gateway, maxFee: maxFee.map(Amount.init(msats:)))
            // With --wait the payer needs the invoice before the outcome: it goes to stderr at once.
            if wait { StandardError.writeLine("invoice: \(invoice)") }
            let record = wait ? try await operations.await(id) : try await operations.status(id)
            try LnOutput.emit(record, extra: ["invoice": .string(invoice)])
        }
    }
}
