import FMCore
import FMEncoding
import FMSecp256k1
import FMSetup

/// The guardians of a DKG, from their setup codes: validated, checked distinct, and numbered.
///
/// Peer ids are assigned by sorting the setup codes by guardian name (UTF-8 byte order), so every guardian
/// derives the same numbering whatever order it read the codes in.
public struct DKGParticipants: Sendable {
    /// Every guardian, index = peer id.
    public let guardians: [ValidatedSetupCode]
    /// t = n − floor((n − 1) / 3).
    public let threshold: Int
    /// Hash of every setup code in peer order; the DKG's name in every signature.
    public let digest: Hash256

    /// Validates every code (errors name the source and the field) and checks that no two guardians share a name,
    /// a consensus key, a certificate, a p2p URL or an API URL.
    ///
    /// - Parameter sources: how to name each code in errors (e.g. `stdin line 3`, a file path); defaults to
    ///   `setup code 1`, `setup code 2`, ….
    public init(setupCodes: [SetupCode], sources: [String]? = nil) throws(InvalidInput) {
        let sources = sources ?? setupCodes.indices.map { "setup code \($0 + 1)" }
        guard !setupCodes.isEmpty else { throw InvalidInput(field: "setup codes", expected: "at least one setup code") }
        guard setupCodes.count <= 64 else {
            throw InvalidInput(field: "setup codes", expected: "at most 64 guardians, got \(setupCodes.count)")
        }
        var validated: [(source: String, code: ValidatedSetupCode)] = []
        for (code, source) in zip(setupCodes, sources) {
            do { validated.append((source, try code.validated())) } catch {
                throw InvalidInput(field: "\(source): \(error.field ?? "setup code")", expected: error.expected,
                                   code: "invalid_setup_code")
            }
        }
        try Self.checkDistinct(validated, "name") { $0.name }
        try Self.checkDistinct(validated, "consensus_public_key") { $0.json.consensusPublicKey.lowercased() }
        try Self.checkDistinct(validated, "tls_certificate") { $0.json.tlsCertificate.lowercased() }
        try Self.checkDistinct(validated, "p2p_url") { $0.p2p.description.lowercased() }
        try Self.checkDistinct(validated, "api_url") { $0.apiUrl.lowercased() }
        guardians = validated.map(\.code).sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        threshold = FederationSize(guardians.count).threshold
        var encoder = CanonicalEncoder()
        encoder.writeVarint(UInt64(guardians.count))
        for guardian in guardians {
            let code = guardian.json
            encoder.writeVarint(UInt64(code.version))
            for field in [code.name, code.p2pUrl, code.apiUrl] { encoder.writeBytes(Array(field.utf8)) }
            encoder.writeBytes(guardian.certificate.derBytes)
            encoder.writeFixed(guardian.consensusKey.rawRepresentation)
        }
        digest = Hash256(bytes: TaggedHash.sha256(tag: "fm-dkg/setup-codes/v1", encoder.bytes))!
    }

    private static func checkDistinct(
        _ codes: [(source: String, code: ValidatedSetupCode)], _ field: String, _ key: (ValidatedSetupCode) -> String
    ) throws(InvalidInput) {
        var seen: [String: String] = [:]
        for (source, code) in codes {
            if let first = seen[key(code)] {
                throw InvalidInput(
                    field: "\(source): \(field)", expected: "a value no other guardian uses (\(first) has the same)",
                    code: "duplicate_setup_code")
            }
            seen[key(code)] = source
        }
    }

    public var count: Int { guardians.count }
    public var peers: [PeerID] { guardians.indices.map { PeerID(UInt16($0)) } }

    public func guardian(_ peer: PeerID) -> DKGGuardian {
        DKGGuardian(peer: peer, name: Int(peer.rawValue) < guardians.count ? guardians[Int(peer.rawValue)].name : "?")
    }

    /// The peer id of the guardian whose setup code this is, if it is one of them.
    public func peer(of code: SetupCode) -> PeerID? {
        guardians.firstIndex { $0.json == code }.map { PeerID(UInt16($0)) }
    }
}
