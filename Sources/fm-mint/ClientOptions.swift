import ArgumentParser
import FMCLI
import FMClient
import FMCore

/// The options every fm-mint subcommand shares.
struct ClientOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).", valueName: "dir"))
    var dataDir: String?

    @Option(help: ArgumentHelp("Federation id (or a unique prefix) when the client joined several.", valueName: "id"))
    var federation: String?

    @OptionGroup var verbosity: VerboseOption

    var directory: ClientDirectory { ClientDirectory.resolve(dataDir) }

    /// Opens the selected federation and resumes its unfinished operations first (BRIEF §7), logging
    /// those that cannot finish yet.
    /// Warns on stderr when the federation's stored meta says it expires soon (`warnExpiry`).
    func open(resume: Bool = true, warnExpiry: Bool = true) async throws -> FederationClient {
        let directory = self.directory
        let client = try FederationClient.open(try directory.selectFederation(federation), directory: directory, modules: ClientModules.all)
        if warnExpiry { (try? await client.storedMeta())?.warnIfExpiring() }
        if resume {
            await client.resumeAndLog()
            await client.backupAfterChange()  // a change an earlier command made (an out-of-band spend) goes up now
        }
        return client
    }
}
