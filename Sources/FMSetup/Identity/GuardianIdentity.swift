import FMCore
import FMPeerNetwork
import FMSecp256k1

/// One guardian's long-lived identity (BRIEF §4): the secp256k1 key that signs
/// its consensus messages and the TLS identity its peers pin.
///
/// - Important: holds secret keys. Persist it only through `IdentityStore`,
///   which seals it under a passphrase with mode 0600.
public struct GuardianIdentity: Sendable {
    public let name: String
    public let p2pUrl: String
    public let apiUrl: String
    public let consensusKey: Keypair
    public let tls: TLSIdentity

    /// Makes fresh keys; validates the public fields first so bad input creates nothing.
    public static func generate(name: String, p2pUrl: String, apiUrl: String) throws -> GuardianIdentity {
        try GuardianName.validate(name)
        _ = try PeerEndpoint(url: p2pUrl, field: "--p2p-url")
        try APIEndpoint.validate(apiUrl, field: "--api-url")
        return GuardianIdentity(
            name: name, p2pUrl: p2pUrl, apiUrl: apiUrl, consensusKey: Keypair(), tls: try TLSIdentity.generate(name: name))
    }

    init(name: String, p2pUrl: String, apiUrl: String, consensusKey: Keypair, tls: TLSIdentity) {
        self.name = name
        self.p2pUrl = p2pUrl
        self.apiUrl = apiUrl
        self.consensusKey = consensusKey
        self.tls = tls
    }

    /// The public half, to hand to the other guardians.
    public var setupCode: SetupCode {
        SetupCode(
            version: SetupCode.currentVersion, name: name, p2pUrl: p2pUrl, apiUrl: apiUrl,
            tlsCertificate: Hex.encode(tls.certificate.derBytes),
            consensusPublicKey: Hex.encode(consensusKey.xOnlyPublicKey.rawRepresentation))
    }
}
