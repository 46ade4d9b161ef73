import ArgumentParser
import FMCLI
import FMClientCore
import FMCore
import FMLightningClient

extension FMLnPay {
    struct Gateways: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the gateways announced to the federation (signatures checked here).",
            discussion: """
                Each gateway: `gateway_id` (its key, what --gateway takes), `node_key`, `api_url`, \
                `base_fee_msat`, `fee_ppm` and `expires_at` (unix seconds; gateways refresh their announcements).

                Examples:
                  fm-ln-pay gateways | jq -r '.gateways[].gateway_id'
                """)

        @OptionGroup var options: LnOptions

        struct Output: Encodable {
            struct Gateway: Encodable {
                var gatewayId: String
                var nodeKey: String
                var apiUrl: String
                var baseFeeMsat: UInt64
                var feePpm: UInt64
                var expiresAt: UInt64
            }
            var gateways: [Gateway]
        }

        func run() async throws {
            let gateways = try await options.operations().gateways()
            try StandardOutput.emit(Output(gateways: gateways.map { signed in
                let gateway = signed.announcement
                return Output.Gateway(
                    gatewayId: Hex.encode(gateway.gatewayKey.rawRepresentation), nodeKey: Hex.encode(gateway.nodeKey.compressed),
                    apiUrl: gateway.apiURL, baseFeeMsat: gateway.baseFee.msats, feePpm: gateway.feePartsPerMillion,
                    expiresAt: gateway.expiresAt)
            }))
        }
    }

    struct Await: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Wait for a payment or receive to end and print its outcome.",
            discussion: """
                `outcome`: paid, refunded (exit 1), received or expired (exit 1). Exits 3 when the federation \
                cannot be reached (the operation stays resumable).

                Examples:
                  fm-ln-pay await 9c1e...e4 | jq -r .outcome
                """)

        @OptionGroup var options: LnOptions

        @Argument(help: ArgumentHelp("The operation id (64 hex characters).", valueName: "operation-id"))
        var operationId: String

        func run() async throws {
            let id = try OperationID(parsing: operationId)
            try LnOutput.emit(try await options.operations().await(id))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the wallet's Lightning payments and receives, newest first.",
            discussion: """
                Examples:
                  fm-ln-pay list | jq -c '.operations[] | {id, kind, status, outcome: .result.outcome}'
                """)

        @OptionGroup var options: LnOptions

        struct Output: Encodable {
            var operations: [OperationRecord]
        }

        func run() async throws {
            try StandardOutput.emit(Output(operations: try await options.operations().list()))
        }
    }
}
