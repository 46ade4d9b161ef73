import FMCore
import FMPeerNetwork
import FMSecp256k1
import Foundation

/// What a guardian shares with the others before the DKG (BRIEF §4): who it
/// is, where to reach it, and the public keys that authenticate it. Printed by
/// `fm-keygen` as one JSON object; `fm-dkg` reads one per guardian.
public struct SetupCode: Codable, Equatable, Sendable {
    public static let currentVersion = 1

    public var version: Int
    /// Human-readable guardian name (also the TLS certificate's common name).
    public var name: String
    /// Peer-to-peer endpoint for consensus and DKG: `fm://host:port`.
    public var p2pUrl: String
    /// Client API endpoint: `ws://host:port` or `wss://host:port`.
    public var apiUrl: String
    /// The guardian's self-signed TLS certificate, DER as hex; peers pin it.
    public var tlsCertificate: String
    /// BIP-340 x-only public key that signs consensus messages, as hex.
    public var consensusPublicKey: String

    /// Checks every field and returns the typed form; errors name the field.
    public func validated() throws(InvalidInput) -> ValidatedSetupCode {
        guard version == Self.currentVersion else {
            throw InvalidInput(field: "version", expected: "setup code version \(Self.currentVersion)")
        }
        try GuardianName.validate(name)
        let p2p = try PeerEndpoint(url: p2pUrl, field: "p2p_url")
        try APIEndpoint.validate(apiUrl, field: "api_url")
        guard let certificateDER = Hex.decode(tlsCertificate),
            let certificate = try? PeerCertificate(derBytes: certificateDER)
        else { throw InvalidInput(field: "tls_certificate", expected: "a hex DER X.509 certificate with a P-256 key") }
        guard let keyBytes = Hex.decode(consensusPublicKey),
            let consensusKey = try? XOnlyPublicKey(rawRepresentation: keyBytes)
        else { throw InvalidInput(field: "consensus_public_key", expected: "a 32-byte x-only secp256k1 public key as hex") }
        return ValidatedSetupCode(
            name: name, p2p: p2p, apiUrl: apiUrl, certificate: certificate, consensusKey: consensusKey, json: self)
    }
}

/// A setup code whose fields have been checked and parsed.
public struct ValidatedSetupCode: Sendable {
    public let name: String
    public let p2p: PeerEndpoint
    public let apiUrl: String
    public let certificate: PeerCertificate
    public let consensusKey: XOnlyPublicKey
    public let json: SetupCode
}

/// A host and port to dial, from an `fm://host:port` URL.
public struct PeerEndpoint: Hashable, Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(url: String, field: String) throws(InvalidInput) {
        guard let components = URLComponents(string: url), components.scheme == "fm",
            let host = components.host, !host.isEmpty, let port = components.port, (1...65535).contains(port),
            components.path.isEmpty || components.path == "/"
        else { throw InvalidInput(field: field, expected: "a URL of the form fm://host:port, got '\(url)'") }
        self.host = host
        self.port = port
    }

    public var description: String { "fm://\(host):\(port)" }
}

enum APIEndpoint {
    static func validate(_ url: String, field: String) throws(InvalidInput) {
        guard let components = URLComponents(string: url), components.scheme == "ws" || components.scheme == "wss",
            let host = components.host, !host.isEmpty, let port = components.port, (1...65535).contains(port)
        else { throw InvalidInput(field: field, expected: "a URL of the form ws://host:port or wss://host:port, got '\(url)'") }
    }
}

enum GuardianName {
    static func validate(_ name: String) throws(InvalidInput) {
        let allowed = name.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)
        }
        guard (1...64).contains(name.count), allowed else {
            throw InvalidInput(field: "name", expected: "1 to 64 letters, digits, '-', '_' or '.', got '\(name)'")
        }
    }
}
