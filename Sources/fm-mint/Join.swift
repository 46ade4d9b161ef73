import ArgumentParser
import FMCLI
import FMClient
import FMCore
import FMMintClient

extension FMMint {
    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "join",
            abstract: "Join a federation from its invite code.",
            discussion: """
                Fetches the client config from the invite's guardian, then from the others until t of them \
                serve the same config naming the invite's federation id; guardians that disagree are named. \
                Prints the federation's name and welcome message (its meta, as t guardians serve it). \
                Creates the mnemonic on first use (back it up with `fm-mint backup --show-mnemonic`). Picks, for the \
                core and each module, the highest API version t guardians serve (their `version`); where there is \
                none it fails with one line saying whether the client or the guardians need upgrading.

                Examples:
                  fm-mint join fed1qqqs...
                  fm-mint join --data-dir alice "$(cat invite.txt)" | jq .federation_id
                """)

        @OptionGroup var options: ClientOptions

        @Argument(help: ArgumentHelp("The invite code (fed1...).", valueName: "invite-code"))
        var inviteCode: String

        func run() async throws {
            let invite = try InviteCode(parsing: inviteCode)
            let client = try await FederationClient.join(
                invite: invite, directory: options.directory, modules: ClientModules.all,
                join: FederationJoin(apiVersions: try ClientModules.apiVersions()))
            let meta: FederationMeta
            do { meta = try await client.refreshMeta() } catch {
                StandardError.writeLine("fm-mint: joined, but the federation meta could not be fetched: \(error)")
                meta = .empty
            }
            meta.warnIfExpiring()
            try StandardOutput.emit(FederationSummary(client, meta: meta))
        }
    }
}

/// What `join` and `info` print.
struct FederationSummary: Encodable {
    struct Peer: Encodable {
        var peerId: PeerID
        var name: String
        var apiUrl: String
    }

    struct Module: Encodable {
        var instance: ModuleInstanceID
        var kind: ModuleKind
        var supported: Bool
    }

    var federationId: FederationID
    /// The federation's name and welcome message from its meta, when set.
    var name: String?
    var welcomeMessage: String?
    /// The meta this client accepted last (`fm-mint meta` fetches it anew).
    var meta: FederationMeta
    var threshold: Int
    var peers: [Peer]
    var modules: [Module]
    var devMode: Bool
    /// The mint's fee schedule and public keys, when the federation has a mint this client can use.
    var mint: Mint?

    struct Mint: Encodable {
        struct Fees: Encodable {
            var perInputMsat: Amount
            var perOutputMsat: Amount
            var note: String
        }

        var fees: Fees
        var keys: MintKeys
    }

    init(_ client: FederationClient, meta: FederationMeta) {
        let config = client.config
        federationId = config.federationId
        name = meta[FederationMeta.name]
        welcomeMessage = meta[FederationMeta.welcomeMessage]
        self.meta = meta
        threshold = config.threshold
        peers = config.peers.map { Peer(peerId: $0.peerId, name: $0.name, apiUrl: $0.apiUrl) }
        modules = config.modules.map { module in
            Module(instance: module.instance, kind: module.kind, supported: client.modules.contains { $0.instance == module.instance })
        }
        devMode = config.devMode
        mint = client.module(MintClientModule.self).map { module in
            Mint(
                fees: .init(
                    perInputMsat: module.config.fees.perInput, perOutputMsat: module.config.fees.perOutput,
                    note: "every note redeemed costs per_input_msat and every note issued per_output_msat"),
                keys: MintKeys(federationId: config.federationId, config: module.config))
        }
    }
}
