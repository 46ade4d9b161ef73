import ArgumentParser
import FMCLI
import FMCore
import FMDashboard
import FMServer
import FMSetup
import Foundation
import Logging

/// `fm-node run`'s dashboard options. The dashboard is off unless a password hash file is given; then it listens
/// on `--dashboard-bind` (default loopback only, 127.0.0.1:8175).
struct DashboardOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Serve the operator dashboard on HOST:PORT (default 127.0.0.1:8175; needs --dashboard-password-file).",
            valueName: "host:port"))
    var dashboardBind: String?

    @Option(
        help: ArgumentHelp(
            "The operator password's scrypt hash (written by fm-node dashboard-password); turns the dashboard on.",
            valueName: "path"))
    var dashboardPasswordFile: String?

    static let defaultBind = "127.0.0.1:8175"

    /// The dashboard for `node`, or nil when it is off.
    func makeServer(node: GuardianNode, logger: Logger) throws -> DashboardServer? {
        guard let path = dashboardPasswordFile else {
            if dashboardBind != nil {
                throw InvalidInput(field: "--dashboard-password-file", expected: "a password hash file when --dashboard-bind is given")
            }
            return nil
        }
        let hash = try OperatorPasswordHash(contentsOf: path, field: "--dashboard-password-file")
        let bind = dashboardBind ?? Self.defaultBind
        guard let colon = bind.lastIndex(of: ":"), let port = Int(bind[bind.index(after: colon)...]), (0...65535).contains(port),
            colon > bind.startIndex
        else { throw InvalidInput(field: "--dashboard-bind", expected: "HOST:PORT, e.g. 127.0.0.1:8175") }
        let host = String(bind[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        logger.info("operator dashboard at http://\(bind)/")
        return DashboardServer(
            node: node, configuration: .init(host: host, port: port, password: hash),
            recentLogs: {
                RecentLogs.records().map {
                    DashboardLogRecord(date: $0.date, level: $0.level.rawValue, source: $0.label, message: $0.message)
                }
            },
            logger: logger)
    }
}

extension FMNode {
    struct DashboardPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dashboard-password",
            abstract: "Hash an operator password for the dashboard (scrypt) into a file fm-node run reads.",
            discussion: """
                Reads the password from the first line of --password-file, else of standard input, and writes only \
                its scrypt hash (random salt, N=2^15, r=8, p=1) to --out with mode 0600. The password itself is \
                never stored.

                Examples:
                  fm-node dashboard-password --out fed/guardian-0/dashboard.hash < password.txt
                  fm-node run --config-dir fed/guardian-0 --dashboard-password-file fed/guardian-0/dashboard.hash
                """)

        @Option(help: ArgumentHelp("File whose first line is the password (default: standard input).", valueName: "path"))
        var passwordFile: String?

        @Option(help: ArgumentHelp("Where to write the hash (created 0600).", valueName: "path"))
        var out: String

        static let minimumLength = 10

        func run() async throws {
            let field = passwordFile == nil ? "stdin" : "--password-file"
            let data: Data
            if let passwordFile {
                guard let contents = FileManager.default.contents(atPath: passwordFile) else {
                    throw InvalidInput(field: field, expected: "a readable file, '\(passwordFile)' cannot be read")
                }
                data = contents
            } else {
                data = FileHandle.standardInput.readDataToEndOfFile()
            }
            let password = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .first.map(String.init) ?? ""
            guard password.count >= Self.minimumLength else {
                throw InvalidInput(field: field, expected: "a password of at least \(Self.minimumLength) characters")
            }
            let hash = try OperatorPasswordHash.make(password: password)
            try AtomicFile.write(Array("\(hash)\n".utf8), to: out, mode: 0o600)
            try StandardOutput.emit(DashboardPasswordResult(file: out, kdf: "scrypt", log2N: hash.log2N, r: hash.r, p: hash.p))
        }
    }

    struct DashboardPasswordResult: Codable {
        var file: String
        var kdf: String
        var log2N: Int
        var r: Int
        var p: Int
    }
}
