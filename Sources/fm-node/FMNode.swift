import ArgumentParser
import FMBitcoinRPC
import FMCLI
import FMCore
import FMRPC
import FMServer
import FMWalletCommon
import FMWalletServer
import Foundation
import Logging
import ServiceLifecycle

@main
struct FMNode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fm-node",
        abstract: "The guardian daemon: consensus with its peers, the modules, and the client API.",
        discussion: """
            Examples:
              fm-node dealer --peers 4 --dir fed --base-port 17000 --dev     # TEST/DEV ONLY: trusted dealer
              fm-node run --config-dir fed/guardian-0 &
              fm-node status --api ws://127.0.0.1:17001/ | jq .block_height
              fm-node audit --api ws://127.0.0.1:17001/
              fm-node dashboard-password --out fed/guardian-0/dashboard.hash < password.txt

            Exit codes: 0 ok, 1 failed, 2 bad input, 3 guardian unreachable.
            """,
        version: FMVersion.current,
        subcommands: [
            Run.self, Dealer.self, Status.self, Audit.self, DashboardPassword.self, Backup.self, Restore.self, Meta.self,
            Shutdown.self, SetAPIURL.self, MigrateDB.self,
        ])

    static func main() async { await CommandRunner.main(Self.self) }
}

extension FMNode {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the guardian until SIGTERM or SIGINT (then it shuts down cleanly).",
            discussion: """
                Reads consensus.json, local.json and private.json from the config directory and opens (or creates) \
                the guardian's SQLite database named in local.json, or with --database the PostgreSQL database at \
                that URL (created empty with ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'; its password from \
                --database-password-file or FM_DATABASE_PASSWORD, never the URL). After a crash it resumes from that \
                database. \
                A private.json sealed by fm-dkg needs its passphrase (--passphrase-file or FM_PASSPHRASE); a plain \
                one (the test dealer's) does not.

                The wallet module follows this guardian's bitcoin node (bitcoind or fm-regtest) given by \
                --bitcoind-url with a cookie file or user and password (or FM_BITCOIND_URL, FM_BITCOIND_COOKIE, \
                FM_BITCOIND_USER, FM_BITCOIND_PASSWORD; or "bitcoind" in local.json). Without one the guardian runs \
                e-cash only: its wallet does not vote (status shows it).

                With --dashboard-password-file (a hash written by fm-node dashboard-password) it also serves the \
                operator dashboard, a password-protected web page, on --dashboard-bind (default 127.0.0.1:8175).

                At every start it writes a fresh operator token to admin.token (mode 0600) beside its database: \
                fm-node subcommands that call admin methods (fm-node backup) read it. The operator password \
                (--operator-password-file, else --dashboard-password-file) is accepted as well.

                Examples:
                  fm-node run --config-dir fed/guardian-0
                  fm-node run --config-dir fed/guardian-0 --bitcoind-url http://127.0.0.1:18443 \\
                      --bitcoind-cookie btc/regtest/.cookie
                  fm-node run --config-dir fed/guardian-0 --dashboard-password-file fed/guardian-0/dashboard.hash \\
                      --dashboard-bind 127.0.0.1:8175

                On PostgreSQL (docs/operator-guide.md): fm-node run --config-dir fed/guardian-0 \
                --database postgres://fm@127.0.0.1/fm_guardian0 --database-password-file fed/guardian-0/pg.password
                """)

        @Option(help: ArgumentHelp("Directory with the guardian's configs.", valueName: "dir"))
        var configDir: String

        @OptionGroup var databaseOptions: DatabaseOptions

        @OptionGroup var passphrase: PassphraseOptions

        @OptionGroup var bitcoindOptions: BitcoindOptions

        @OptionGroup var dashboard: DashboardOptions

        @OptionGroup var operatorOptions: OperatorOptions

        func run() async throws {
            let logger = LogSetup.logger()
            let directory = GuardianConfigDirectory(path: configDir)
            let database = try databaseOptions.resolve()
            let configs = try directory.load(passphrase: try directory.privateConfigIsSealed() ? passphrase.resolve() : nil)
            // Before anything is written, held until this process ends: no second fm-node runs this guardian, no
            // migrate-db copies its database meanwhile.
            let lock = try GuardianProcessLock(configDirectory: configDir)
            defer { withExtendedLifetime(lock) {} }
            let environment = ProcessInfo.processInfo.environment
            for fault in GuardianTestFaults.active(in: environment) {
                logger.critical("TEST FAULT \(fault) is on: this guardian misbehaves on purpose (dev federations only)")
            }
            let bitcoind = try bitcoindOptions.rpcConfig() ?? configs.local.bitcoind
            let node = try GuardianNode(
                configs: configs, databasePath: directory.databasePath(configs.local), database: database,
                registry: GuardianTestFaults.registry(environment: environment, walletChain: try bitcoind.map { BitcoinRPCChainSource(rpc: try $0.makeClient()) }),
                byzantineForTesting: GuardianTestFaults.byzantineConsensus(in: environment),
                backupFaultForTesting: GuardianTestFaults.backupFault(environment: environment),
                secondModuleVersionForTesting: GuardianTestFaults.secondModuleVersion(in: environment), logger: logger)
            if let bitcoind {
                logger.info("wallet follows the bitcoin node at \(bitcoind.url)")
            } else {
                logger.warning("no bitcoin node configured (--bitcoind-url): the wallet does not vote; e-cash only")
            }
            logger.info(
                "starting guardian \(configs.local.peerId.rawValue) of federation \(node.federationID)",
                metadata: ["p2p": "\(configs.local.p2pBindHost):\(configs.local.p2pBindPort)",
                           "api": "\(configs.local.apiBindHost):\(configs.local.apiBindPort)"])
            let prometheus = RPCMetricsBootstrap.bootstrapPrometheus()
            let adminGate = try operatorOptions.makeGate(
                databasePath: directory.databasePath(configs.local), dashboardPasswordFile: dashboard.dashboardPasswordFile,
                logger: logger)
            // The guardian returns by itself only after a scheduled shutdown: then the API and dashboard stop too.
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
                .init(service: GuardianService(node: node), successTerminationBehavior: .gracefullyShutdownGroup),
                .init(service: node.makeAPIServer(prometheus: prometheus, adminGate: adminGate, configDirectory: directory)),
            ]
            if let dashboard = try dashboard.makeServer(node: node, logger: logger) { services.append(.init(service: dashboard)) }
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            logger.info("guardian stopped")
            if let stopped = node.completedShutdown {
                // Exit status 0: a supervisor with Restart=on-failure leaves it stopped for the binary swap.
                try StandardOutput.emit(["scheduled_shutdown": stopped])
            }
        }
    }

    struct Dealer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "TEST/DEV ONLY: write every guardian's configs for a federation on one host.",
            discussion: """
                A trusted dealer generates all guardians' keys, so whoever runs it knows every secret and could \
                forge e-cash. Use it for tests and local development only; real federations use fm-dkg. \
                Guardian i gets DIR/guardian-i with peer port BASE+2i and API port BASE+2i+1 on 127.0.0.1.

                Examples:
                  fm-node dealer --peers 4 --dir fed --base-port 17000 --dev
                  fm-node dealer --peers 4 --dir fed --network regtest --finality-delay 1
                  fm-node dealer --peers 4 --dir fed --dev --passphrase-file passphrase.txt   # sealed private.json
                """)

        @Option(help: "Number of guardians.")
        var peers: Int

        @Option(help: ArgumentHelp("Output directory (one subdirectory per guardian).", valueName: "dir"))
        var dir: String

        @Option(help: "First port; each guardian uses two.")
        var basePort: Int = 17000

        @Flag(help: "Dev mode: the federation accepts dev-issued e-cash (never for real money).")
        var dev = false

        @Option(help: ArgumentHelp("The wallet's bitcoin network: mainnet, testnet, signet or regtest.", valueName: "network"))
        var network: String = "regtest"

        @Option(help: ArgumentHelp("Blocks a deposit waits past its block (default: 10 on mainnet, 2 otherwise).", valueName: "blocks"))
        var finalityDelay: UInt32?

        @Option(
            help: ArgumentHelp(
                "The e-cash fee of each peg-out (msat, default 1000); it also funds the federation's fee bumps.",
                valueName: "msat"))
        var pegOutFee: UInt64?

        /// Seals every private.json under this passphrase (as fm-dkg does); absent: plain files (tests).
        @OptionGroup var passphrase: PassphraseOptions

        func run() async throws {
            guard (1...64).contains(peers) else {
                throw InvalidInput(field: "--peers", expected: "a number of guardians from 1 to 64")
            }
            guard basePort > 0, basePort + 2 * peers <= 65535 else {
                throw InvalidInput(field: "--base-port", expected: "a port such that all 2n ports fit below 65536")
            }
            LogSetup.logger().warning("TRUSTED DEALER: for tests and development only; the dealer saw every secret")
            guard ["mainnet", "testnet", "signet", "regtest"].contains(network) else {
                throw InvalidInput(field: "--network", expected: "mainnet, testnet, signet or regtest")
            }
            var wallet: [String: JSONValue] = ["network": .string(network)]
            if let finalityDelay { wallet["finality_delay"] = .unsigned(UInt64(finalityDelay)) }
            if let pegOutFee {
                guard pegOutFee <= UInt64(Int64.max) else { throw InvalidInput(field: "--peg-out-fee", expected: "at most \(Int64.max) msat") }
                wallet["fees"] = .object(["peg_in": .unsigned(WalletFees.default.pegIn.msats), "peg_out": .unsigned(pegOutFee)])
            }
            let all = try TestingDealer.generateForTesting(
                guardians: peers, basePort: basePort, devMode: dev, walletParameters: .object(wallet))
            try AtomicFile.createPrivateDirectory(dir)
            let sealing = passphrase.passphraseFile == nil ? nil : try passphrase.resolve()
            for configs in all {
                let path = (dir as NSString).appendingPathComponent("guardian-\(configs.local.peerId.rawValue)")
                try GuardianConfigDirectory(path: path).save(configs, modules: .standard, passphrase: sealing)
            }
            let federationID = try all[0].consensus.federationID(modules: .standard)
            let invite = InviteCode(federationId: federationID, peer: PeerID(0), apiUrl: all[0].consensus.peers[0].apiUrl)
            try StandardOutput.emit(DealerResult(
                federationId: federationID, inviteCode: invite.description, peers: peers,
                threshold: all[0].consensus.threshold, dir: dir, devMode: dev))
        }
    }

    struct DealerResult: Codable {
        var federationId: FederationID
        var inviteCode: String
        var peers: Int
        var threshold: Int
        var dir: String
        var devMode: Bool
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a running guardian's status (peer id, block height, peers, consensus health, version).",
            discussion: """
                Shows the guardian's health, including consensus_versions: what this binary supports, the version \
                of each component the next block runs under, every activation and every guardian's announcement.

                Examples:
                  fm-node status --api ws://127.0.0.1:17001/
                  fm-node status --api ws://127.0.0.1:17001/ | jq .consensus_versions.active
                """)

        @Option(help: ArgumentHelp("The guardian's API URL.", valueName: "url"))
        var api = "ws://127.0.0.1:8174/"

        func run() async throws {
            let client = JSONRPCClient(url: api)
            let status = try await client.call("status", as: GuardianStatus.self)
            await client.close()
            try StandardOutput.emit(status)
        }
    }

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a running guardian's audit: every module's assets and liabilities.",
            discussion: "Example:\n  fm-node audit --api ws://127.0.0.1:17001/")

        @Option(help: ArgumentHelp("The guardian's API URL.", valueName: "url"))
        var api = "ws://127.0.0.1:8174/"

        func run() async throws {
            let client = JSONRPCClient(url: api)
            let audit = try await client.call("audit", as: AuditReport.self)
            await client.close()
            try StandardOutput.emit(audit)
        }
    }
}
