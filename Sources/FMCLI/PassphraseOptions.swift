import ArgumentParser
import FMCore
import Foundation

/// Where a command gets the passphrase that encrypts a guardian's secrets:
/// `--passphrase-file PATH` or the `FM_PASSPHRASE` environment variable.
/// Never a flag value, so it stays out of shell history and `ps`.
public struct PassphraseOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("passphrase-file"),
        help: ArgumentHelp("File whose first line is the passphrase (else $FM_PASSPHRASE).", valueName: "path"))
    public var passphraseFile: String?

    public init() {}

    public static let minimumLength = 8

    /// The passphrase as UTF-8 bytes.
    public func resolve() throws(InvalidInput) -> [UInt8] {
        let text: String
        let field: String
        if let path = passphraseFile {
            field = "--passphrase-file"
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw InvalidInput(field: field, expected: "a readable file, '\(path)' cannot be read", code: "bad_passphrase")
            }
            text = String(decoding: contents, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .first.map(String.init) ?? ""
        } else if let value = ProcessInfo.processInfo.environment["FM_PASSPHRASE"] {
            field = "FM_PASSPHRASE"
            text = value
        } else {
            throw InvalidInput(
                field: "--passphrase-file", expected: "a passphrase file or the FM_PASSPHRASE environment variable",
                code: "bad_passphrase")
        }
        guard text.count >= Self.minimumLength else {
            throw InvalidInput(
                field: field, expected: "a passphrase of at least \(Self.minimumLength) characters", code: "bad_passphrase")
        }
        return Array(text.utf8)
    }
}
