import FMClientCore
import FMCore
import Foundation

/// A client's data directory (default `~/.fm-client`, or `$FM_CLIENT_DIR`, or `--data-dir`):
///
/// ```
/// mnemonic                      the BIP-39 words (mode 0600): the one secret
/// federations/<federation-id>.sqlite   one database per joined federation
/// ```
public struct ClientDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// `explicit` if given, else `$FM_CLIENT_DIR`, else `~/.fm-client`.
    public static func resolve(_ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> ClientDirectory
    {
        if let explicit { return ClientDirectory(path: explicit) }
        if let fromEnvironment = environment["FM_CLIENT_DIR"], !fromEnvironment.isEmpty {
            return ClientDirectory(path: fromEnvironment)
        }
        return ClientDirectory(path: (NSHomeDirectory() as NSString).appendingPathComponent(".fm-client"))
    }

    public var mnemonicPath: String { (path as NSString).appendingPathComponent("mnemonic") }
    var federationsPath: String { (path as NSString).appendingPathComponent("federations") }

    public func databasePath(for federation: FederationID) -> String {
        (federationsPath as NSString).appendingPathComponent("\(federation.hash.hex).sqlite")
    }

    /// The mnemonic, or `nil` if this directory has none yet.
    public func loadMnemonic() throws -> Mnemonic? {
        guard let data = FileManager.default.contents(atPath: mnemonicPath) else { return nil }
        return try Mnemonic(phrase: String(decoding: data, as: UTF8.self))
    }

    /// Writes `mnemonic` (mode 0600, atomically); refuses to replace an existing one, whose loss would lose funds.
    public func storeMnemonic(_ mnemonic: Mnemonic) throws {
        try AtomicFile.createPrivateDirectory(path)
        guard !FileManager.default.fileExists(atPath: mnemonicPath) else {
            throw ClientDirectoryError.mnemonicExists(mnemonicPath)
        }
        try AtomicFile.write(Array((mnemonic.phrase + "\n").utf8), to: mnemonicPath, mode: AtomicFile.secretMode)
    }

    /// The stored mnemonic, or a new 12-word one stored now; `created` tells which.
    public func loadOrCreateMnemonic() throws -> (mnemonic: Mnemonic, created: Bool) {
        if let existing = try loadMnemonic() { return (existing, false) }
        let mnemonic = try Mnemonic.generate(wordCount: 12)
        try storeMnemonic(mnemonic)
        return (mnemonic, true)
    }

    /// The federations this client joined (one database each), in id order.
    public func joinedFederations() -> [FederationID] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: federationsPath)) ?? []
        return names.compactMap { name in
            guard name.hasSuffix(".sqlite"), let hash = Hash256(hex: name.dropLast(".sqlite".count)) else { return nil }
            return FederationID(hash)
        }.sorted { $0.hash < $1.hash }
    }

    /// Creates the directory tree (mode 0700).
    public func prepare() throws {
        try AtomicFile.createPrivateDirectory(path)
        try AtomicFile.createPrivateDirectory(federationsPath)
    }

    /// The federation a command acts on: `explicit` (a federation id, or a unique prefix of one), or
    /// the only one joined.
    public func selectFederation(_ explicit: String?) throws(ClientDirectoryError) -> FederationID {
        let joined = joinedFederations()
        if let explicit {
            let matches = joined.filter { $0.hash.hex.hasPrefix(explicit.lowercased()) }
            guard matches.count == 1 else { throw .unknownFederation(explicit, joined: joined) }
            return matches[0]
        }
        guard joined.count == 1 else {
            throw joined.isEmpty ? .notJoined(path) : .ambiguousFederation(joined)
        }
        return joined[0]
    }
}

public enum ClientDirectoryError: ReportableError, Equatable {
    case mnemonicExists(String)
    case notJoined(String)
    case ambiguousFederation([FederationID])
    case unknownFederation(String, joined: [FederationID])
    case noMnemonic(String)
    case mnemonicMismatch(FederationID)

    public var category: FailureCategory {
        switch self {
        case .mnemonicMismatch: .failed
        default: .badInput
        }
    }

    public var code: String {
        switch self {
        case .mnemonicExists: "mnemonic_exists"
        case .notJoined: "not_joined"
        case .ambiguousFederation: "federation_ambiguous"
        case .unknownFederation: "unknown_federation"
        case .noMnemonic: "no_mnemonic"
        case .mnemonicMismatch: "mnemonic_mismatch"
        }
    }

    public var field: String? {
        switch self {
        case .ambiguousFederation, .unknownFederation: "--federation"
        case .mnemonicExists, .noMnemonic: "mnemonic"
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .mnemonicExists(let path): "\(path) already holds a mnemonic; it is never overwritten"
        case .notJoined(let path): "the client in \(path) has not joined a federation (run `fm-mint join INVITE`)"
        case .ambiguousFederation(let joined):
            "this client joined \(joined.count) federations; choose one with --federation (\(joined.map(\.description).joined(separator: ", ")))"
        case .unknownFederation(let text, let joined):
            "no single joined federation matches '\(text)' (joined: \(joined.map(\.description).joined(separator: ", ")))"
        case .noMnemonic(let path): "no mnemonic in \(path)"
        case .mnemonicMismatch(let id):
            "the mnemonic in the data directory is not the one federation \(id)'s database was created with"
        }
    }
}
