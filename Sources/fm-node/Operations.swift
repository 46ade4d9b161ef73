import ArgumentParser
import FMCLI
import FMCore
import FMRPC
import FMServer

/// `fm-node meta` and `fm-node shutdown`: the guardian operations decided by consensus (docs/operator-guide.md,
/// "Federation meta" and "Upgrading the federation").
extension FMNode {
    struct Meta: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Propose or show the federation meta (name, welcome message, expiry, successor, app: keys).",
            discussion: """
                Each guardian's operator proposes the next revision; it takes effect when t guardians proposed the \
                same revision with the same keys and values. Keys: name, welcome_message, expiry_timestamp (unix \
                seconds), successor_invite (fed1...), vetted_gateways, app:NAME.

                Examples:
                  fm-node meta set name "Village mint" --config-dir fed/guardian-0
                  fm-node meta unset app:color --config-dir fed/guardian-0
                  fm-node meta show --api ws://127.0.0.1:17001/ | jq .meta
                """,
            subcommands: [Set.self, Unset.self, Show.self])

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Propose the next meta revision with KEY set to VALUE (admin).",
                discussion: """
                    Builds on this guardian's open proposal, or on the agreed meta when it has none, and prints \
                    the proposal. Needs the operator's credential.

                    Example:
                      fm-node meta set welcome_message "Welcome!" --config-dir fed/guardian-0
                    """)
            @Argument(help: ArgumentHelp("The meta key.", valueName: "key")) var key: String
            @Argument(help: ArgumentHelp("The value.", valueName: "value")) var value: String
            @OptionGroup var admin: AdminClientOptions

            func run() async throws {
                try FederationMeta.validate(key: key, value: value)
                let client = try admin.connect()
                let proposal = try await client.call("meta_set", params: MetaSetParams(key: key, value: value), as: FederationMeta.self)
                await client.close()
                try StandardOutput.emit(proposal)
            }
        }

        struct Unset: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Propose the next meta revision without KEY (admin).",
                discussion: "Example:\n  fm-node meta unset app:color --config-dir fed/guardian-0")
            @Argument(help: ArgumentHelp("The meta key.", valueName: "key")) var key: String
            @OptionGroup var admin: AdminClientOptions

            func run() async throws {
                guard FederationMeta.isValidKey(key) else {
                    throw InvalidInput(field: "key", expected: "a meta key: name, welcome_message, ... or app:NAME", code: "bad_meta_key")
                }
                let client = try admin.connect()
                let proposal = try await client.call("meta_unset", params: MetaUnsetParams(key: key), as: FederationMeta.self)
                await client.close()
                try StandardOutput.emit(proposal)
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print the agreed meta, every guardian's open proposal and the scheduled shutdown.",
                discussion: "Example:\n  fm-node meta show --api ws://127.0.0.1:17001/ | jq .meta_proposals")
            @Option(help: ArgumentHelp("The guardian's API URL.", valueName: "url"))
            var api = "ws://127.0.0.1:8174/"

            func run() async throws {
                let client = JSONRPCClient(url: api)
                let status = try await client.call("operations", as: OperationsStatus.self)
                await client.close()
                try StandardOutput.emit(status)
            }
        }
    }

    struct Shutdown: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask every guardian to stop after block HEIGHT, for a coordinated upgrade (admin).",
            discussion: """
                When t guardians asked for the same height, every guardian applies that block, records its state \
                digest, orders nothing after it, and `fm-node run` exits with status 0 printing \
                {"scheduled_shutdown": {height, state_digest}}. Started again (with a new binary or the same), \
                it continues at the next block. The height must be at least 5 blocks above the current one.

                Example:
                  fm-node shutdown --at-height 5000 --config-dir fed/guardian-0
                """)

        @Option(help: ArgumentHelp("The last block to apply before stopping.", valueName: "height"))
        var atHeight: UInt64

        @OptionGroup var admin: AdminClientOptions

        func run() async throws {
            let client = try admin.connect()
            let request = try await client.call(
                "schedule_shutdown", params: ScheduleShutdownParams(height: atHeight), as: ShutdownRequest.self)
            await client.close()
            try StandardOutput.emit(request)
        }
    }
}
