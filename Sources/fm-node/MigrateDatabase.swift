import ArgumentParser
import FMCLI
import FMPostgres
import FMRPC
import FMCore
import FMServer
import Foundation

extension FMNode {
    struct MigrateDB: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate-db",
            abstract: "Copy a stopped guardian's SQLite state into an empty PostgreSQL database and verify it.",
            discussion: """
                Copies every table of the guardian's SQLite database (named in local.json) and of its clients' \
                snapshot store into the PostgreSQL database --to, in one transaction each, then verifies the copy: \
                every table row by row, and every module's state digest read back through PostgreSQL. Prints the \
                tables, their rows, the latest block and its state digest. Then start the guardian with \
                fm-node run --database URL (the SQLite files are left as they were: keep them until the guardian \
                runs on PostgreSQL).

                The guardian must be stopped (refused while another fm-node process holds the lock on its config \
                directory or its API port answers; fm-node run cannot start meanwhile). The target must be empty (no \
                table at all); after a failed copy, drop and recreate it. The password comes from \
                --database-password-file or FM_DATABASE_PASSWORD, never the URL.

                Example:
                  fm-node migrate-db --config-dir fed/guardian-0 --to postgres://fm@127.0.0.1/fm_guardian0 \\
                      --database-password-file /etc/fm/pg-password | jq .rows

                Exit codes: 0 copied and verified, 1 failed (nothing is claimed), 2 bad input.
                """)

        @Option(help: ArgumentHelp("Directory with the guardian's configs.", valueName: "dir"))
        var configDir: String

        @Option(help: ArgumentHelp("The empty PostgreSQL database, postgres://user@host[:port]/database.", valueName: "url"))
        var to: String

        @Option(
            help: ArgumentHelp(
                "File holding the PostgreSQL password (first line; mode 0600). Else \(PostgresPassword.environmentVariable).",
                valueName: "file"))
        var databasePasswordFile: String?

        @OptionGroup var passphrase: PassphraseOptions

        func run() async throws {
            let logger = LogSetup.logger()
            guard case .postgres(let url, let password) = try GuardianDatabase.postgres(
                parsing: to, passwordFile: databasePasswordFile, field: "--to")
            else { throw InvalidInput(field: "--to", expected: "a PostgreSQL URL") }
            let directory = GuardianConfigDirectory(path: configDir)
            let configs = try directory.load(passphrase: try directory.privateConfigIsSealed() ? passphrase.resolve() : nil)
            // No fm-node run of this guardian may start (or still run) while its database is copied.
            let lock = try GuardianProcessLock(configDirectory: configDir)
            defer { withExtendedLifetime(lock) {} }
            if await Self.guardianAnswers(configs.local) {
                throw InvalidInput(
                    field: "--config-dir", expected: "a stopped guardian (its API on port \(configs.local.apiBindPort) answers)")
            }
            let report = try GuardianDatabaseMigration.run(
                configs: configs, databasePath: directory.databasePath(configs.local), to: url, password: password,
                logger: logger)
            logger.info("copied and verified \(report.rows) rows in \(report.tables.count) tables")
            try StandardOutput.emit(report)
        }

        /// Whether something answers on the guardian's own API port (it runs, and would go on writing its SQLite
        /// file): any answer, an error or a timeout included; only an unreachable port counts as stopped.
        static func guardianAnswers(_ local: LocalConfig) async -> Bool {
            let host = ["0.0.0.0", "::", ""].contains(local.apiBindHost) ? "127.0.0.1" : local.apiBindHost
            let bracketed = host.contains(":") ? "[\(host)]" : host
            let client = JSONRPCClient(
                url: "ws://\(bracketed):\(local.apiBindPort)/", configuration: .init(callTimeout: .seconds(3)))
            let answered: Bool
            do {
                _ = try await client.call("status", as: JSONValue.self)
                answered = true
            } catch let error as JSONRPCClientError {
                if case .unreachable = error { answered = false } else { answered = true }
            } catch {
                answered = true
            }
            await client.close()
            return answered
        }
    }
}
