import ArgumentParser
import FMCLI
import FMCore
import FMServer

/// `fm-node set-api-url`: moving a guardian to a new host or port (docs/operator-guide.md, "Moving a host").
extension FMNode {
    struct SetAPIURL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-api-url",
            abstract: "Sign and announce this guardian's new client API URL (admin).",
            discussion: """
                The guardian signs {peer, sequence, url} with its consensus key; consensus spreads it to every \
                guardian, which serve it at api_announcements. Clients check the signature against the \
                guardian's key in their config and use the newest URL, so a guardian can move without a new \
                invite code. Announce first, then move (api_bind_port in local.json) and restart. Prints the \
                announcement.

                Example:
                  fm-node set-api-url wss://mint2.example.org:8174/ --config-dir fed/guardian-0
                """)

        @Argument(help: ArgumentHelp("The new API URL (ws://host:port/ or wss://host:port/).", valueName: "url"))
        var url: String

        @OptionGroup var admin: AdminClientOptions

        func run() async throws {
            guard APIAnnouncement.isWellFormedURL(url) else {
                throw InvalidInput(field: "url", expected: "ws://host:port/ or wss://host:port/ (printable ASCII, at most 256 bytes)", code: "bad_api_url")
            }
            let client = try admin.connect()
            let announcement = try await client.call("set_api_url", params: SetAPIURLParams(url: url), as: APIAnnouncement.self)
            await client.close()
            try StandardOutput.emit(announcement)
        }
    }
}
