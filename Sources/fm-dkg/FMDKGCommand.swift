import ArgumentParser
import FMCLI
import FMCore
import FMDKG
import FMServer
import FMSetup
import Foundation

@main
struct FMDKGCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fm-dkg",
        abstract: "Generate the federation's keys together with the other guardians, with no trusted dealer.",
        usage: """
            FM_PASSPHRASE=... fm-dkg --identity-dir DIR --config-dir DIR [--dev] [--timeout S] [SETUP_CODE_FILE ...] < setup-codes.jsonl
            """,
        discussion: """
            Every guardian runs fm-dkg with the setup codes of all guardians (its own included), as JSON lines on \
            stdin or one file per code (the setup-code.json that fm-keygen writes). Peer ids follow the guardians' \
            names in byte order. fm-dkg listens on this guardian's p2p URL, connects to the others over mutual TLS \
            pinned to their certificates, waits up to --timeout for guardians that start later, and runs a \
            Pedersen/Feldman DKG for every key the modules need (docs/dkg.md). Any cheating or inconsistency aborts \
            every guardian with an error naming the guardian at fault, and nothing is written.

            On success it writes consensus.json, local.json, client.json and private.json (sealed under the \
            identity's passphrase, mode 0600) to --config-dir for `fm-node run`, and prints a JSON summary. The \
            consensus_config_hash must be the same at every guardian: compare it out of band.

            Four guardians collect their four setup codes in one file (jq -c . alice.json bob.json carol.json \
            dave.json > codes.jsonl); then each operator, at about the same time, runs fm-dkg with its own \
            identity and that file, and afterwards `fm-node run --config-dir DIR --passphrase-file FILE`. \
            examples/four-guardians-dkg.sh does all of it on one machine.

            Each of these sets up a single-guardian federation; with more guardians, give every setup code.

            Examples:
              FM_PASSPHRASE=correct-horse-battery fm-dkg --identity-dir g0 --config-dir g0/config --dev < codes.jsonl | jq .
              fm-dkg --identity-dir g1 --config-dir g1/config --passphrase-file pass.txt --max-exponent 20 \\
                  bob.json | jq -r .invite_code

            Exit codes: 0 ok, 1 failed (a guardian cheated or disagreed), 2 bad input (nothing written), \
            3 a guardian did not appear within --timeout or the network failed.
            """,
        version: FMVersion.current)

    @Argument(help: ArgumentHelp(
        "Files of setup codes (JSON objects, one or more each); '-' or none reads them from stdin.",
        valueName: "setup-code-file"))
    var setupCodeFiles: [String] = []

    @Option(help: ArgumentHelp("This guardian's fm-keygen directory.", valueName: "dir"))
    var identityDir: String

    @Option(help: ArgumentHelp("Where to write the configs (must not exist yet, or be empty).", valueName: "dir"))
    var configDir: String

    @Flag(help: "Dev mode: the federation accepts dev-issued e-cash (never for real money). All guardians must agree.")
    var dev = false

    @Option(help: ArgumentHelp("Seconds each round waits for every guardian (also for guardians that start late).",
                               valueName: "seconds"))
    var timeout: Int = 300

    @Option(help: ArgumentHelp("Mint: the largest note is 2^k msat (default 40).", valueName: "k"))
    var maxExponent: Int?

    @Option(help: ArgumentHelp(
        "JSON file of module parameters keyed by module kind, e.g. {\"mint\": {\"max_exponent\": 20}}.",
        valueName: "file"))
    var moduleParams: String?

    @Option(help: ArgumentHelp(
        "Address the p2p (and later fm-node's) listeners bind; default: the hosts of this guardian's URLs.",
        valueName: "host"))
    var bindHost: String?

    @OptionGroup var passphrase: PassphraseOptions

    static func main() async { await CommandRunner.main(Self.self) }

    func run() async throws {
        let logger = LogSetup.logger()
        guard (1...86_400).contains(timeout) else {
            throw InvalidInput(field: "--timeout", expected: "a number of seconds from 1 to 86400")
        }
        let configDirectory = GuardianConfigDirectory(path: configDir)
        try Self.requireEmpty(configDir)
        let (codes, sources) = try SetupCodeInput.read(setupCodeFiles)
        let participants = try DKGParticipants(setupCodes: codes, sources: sources)
        let secret = try passphrase.resolve()
        let identity = try IdentityStore(directory: identityDir).load(passphrase: secret)
        guard let ownPeer = participants.peer(of: identity.setupCode) else {
            throw InvalidInput(
                field: "--identity-dir",
                expected: "the identity of one of the \(participants.count) guardians whose setup codes were given "
                    + "('\(identity.name)' is not among them)",
                code: "identity_not_in_setup_codes")
        }
        let plan = FederationModulePlan.default(devMode: dev, parameters: try moduleParameters())
        let setup = try DistributedSetup(
            guardians: participants.guardians.map(\.json), identity: identity, ownPeer: ownPeer, plan: plan,
            devMode: dev, bindHost: bindHost)
        logger.info(
            "this is \(participants.guardian(ownPeer)) of \(participants.count) guardians, threshold \(participants.threshold)")

        let configs = try await DistributedKeyGeneration.run(
            participants: participants, identity: identity, parametersDigest: setup.parametersDigest,
            options: .init(timeout: .seconds(timeout), bindHost: bindHost), logger: logger
        ) { session in try await setup.run(session: session) }

        try Self.requireEmpty(configDir)
        try configDirectory.save(configs, modules: .standard, passphrase: secret)
        let federationID = try configs.consensus.federationID(modules: .standard)
        logger.info("wrote the configs of \(participants.guardian(ownPeer)) to \(configDir)")
        try StandardOutput.emit(DKGSummary(
            federationId: federationID, consensusConfigHash: federationID.hash.hex, peerId: ownPeer,
            name: identity.name, guardians: participants.count, threshold: configs.consensus.threshold,
            inviteCode: InviteCode(federationId: federationID, peer: ownPeer, apiUrl: identity.apiUrl).description,
            configDir: configDir, devMode: dev))
    }

    /// `--module-params` with `--max-exponent` folded into the mint's entry.
    func moduleParameters() throws -> [ModuleKind: JSONValue] {
        var parameters: [ModuleKind: JSONValue] = [:]
        if let moduleParams {
            guard let data = FileManager.default.contents(atPath: moduleParams) else {
                throw InvalidInput(field: "--module-params", expected: "a readable JSON file, '\(moduleParams)' cannot be read")
            }
            guard case .object(let byKind) = try JSONConventions.decode(JSONValue.self, from: data, what: "--module-params")
            else { throw InvalidInput(field: "--module-params", expected: "a JSON object keyed by module kind") }
            for (kind, value) in byKind {
                guard case .object = value else {
                    throw InvalidInput(field: "--module-params: \(kind)", expected: "a JSON object of parameters")
                }
                parameters[ModuleKind(stringLiteral: kind)] = value
            }
        }
        if let maxExponent {
            guard (0...63).contains(maxExponent) else {
                throw InvalidInput(field: "--max-exponent", expected: "an exponent from 0 to 63")
            }
            let mint: ModuleKind = "mint"
            var fields: [String: JSONValue] = [:]
            if case .object(let given)? = parameters[mint] { fields = given }
            fields["max_exponent"] = .integer(Int64(maxExponent))
            parameters[mint] = .object(fields)
        }
        return parameters
    }

    /// Configs are written once: an existing non-empty directory is refused (before and after the DKG).
    static func requireEmpty(_ path: String) throws {
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: path), !entries.isEmpty {
            throw InvalidInput(
                field: "--config-dir", expected: "a new or empty directory, '\(path)' already holds files",
                code: "config_exists")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw InvalidInput(field: "--config-dir", expected: "a directory, '\(path)' is a file", code: "config_exists")
        }
    }
}

/// The JSON summary on stdout.
struct DKGSummary: Codable {
    var federationId: FederationID
    /// SHA-256 of the canonical consensus config (the federation id is defined as this hash).
    var consensusConfigHash: String
    var peerId: PeerID
    var name: String
    var guardians: Int
    var threshold: Int
    var inviteCode: String
    var configDir: String
    var devMode: Bool
}
