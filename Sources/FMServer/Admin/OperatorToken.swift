import FMCore
import Foundation

/// The operator token: 32 random bytes as hex in `admin.token` (mode 0600) beside the guardian's database. `fm-node
/// run` writes a fresh one at every start, so fm-node subcommands on the same machine (run by the same user) can
/// call the guardian's admin methods (``OperatorAuthenticator``); anyone who can read the file could read the
/// database as well.
public enum OperatorToken {
    public static let fileName = "admin.token"

    /// The token file of the guardian whose database is at `databasePath` (its data directory).
    public static func path(besideDatabase databasePath: String) -> String {
        ((databasePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(fileName)
    }

    /// Writes a fresh token to `path` (0600, replacing any older one) and returns it.
    public static func create(at path: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let token = Hex.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        try AtomicFile.write(Array("\(token)\n".utf8), to: path, mode: AtomicFile.secretMode)
        return token
    }

    /// Reads the token at `path` (its first line).
    public static func read(at path: String, field: String = "--token-file") throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InvalidInput(
                field: field, expected: "the operator token file fm-node run writes ('\(path)' cannot be read; is the guardian running?)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains("\n") else {
            throw InvalidInput(field: field, expected: "one line holding the operator token ('\(path)' holds something else)")
        }
        return token
    }
}
