import ArgumentParser
import FMPostgres
import FMServer

/// Where the guardian keeps its state: `--database postgres://…` (with `--database-password-file` or
/// `FM_DATABASE_PASSWORD`), else the SQLite file named in local.json (docs/operator-guide.md, "PostgreSQL").
struct DatabaseOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Keep the guardian's state in this PostgreSQL database, postgres://user@host[:port]/database (no password in it; default: the SQLite file named in local.json).",
            valueName: "url"))
    var database: String?

    @Option(
        help: ArgumentHelp(
            "File holding the PostgreSQL password (first line; mode 0600). Else \(PostgresPassword.environmentVariable), else none.",
            valueName: "file"))
    var databasePasswordFile: String?

    func resolve() throws -> GuardianDatabase {
        try GuardianDatabase.resolve(url: database, passwordFile: databasePasswordFile)
    }
}
