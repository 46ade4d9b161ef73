import FMEncoding
import FMSecp256k1

/// A guardian's signed statement of where its client API is now (issue 22, "Moving a guardian";
/// docs/decisions/0002-guardian-operations.md). The guardian signs it with its consensus key; every guardian keeps
/// the newest valid one of every peer (a consensus item) and serves them at `api_announcements`; a client verifies
/// each against the peer's consensus key from its client config, so no guardian can move another's URL, and keeps
/// the one with the highest sequence, so an old one cannot be replayed.
///
/// Canonical form (docs/protocol.md): peer (u16) ‖ sequence (varint) ‖ url (length-prefixed, ≤ ``maxURLBytes``)
/// ‖ signature (64 bytes).
public struct APIAnnouncement: Hashable, Sendable, CanonicalCodable, Codable {
    /// The longest URL an announcement may carry.
    public static let maxURLBytes = 256

    public let peer: PeerID
    /// Strictly increasing per guardian (its clock in milliseconds, or its previous sequence + 1 if higher).
    public let sequence: UInt64
    public let url: String
    public let signature: SchnorrSignature

    public init(peer: PeerID, sequence: UInt64, url: String, signature: SchnorrSignature) {
        self.peer = peer
        self.sequence = sequence
        self.url = url
        self.signature = signature
    }

    /// Signs `url` as `peer` of `federation` with the guardian's consensus key.
    public init(federation: FederationID, peer: PeerID, sequence: UInt64, url: String, key: Keypair) {
        self.init(
            peer: peer, sequence: sequence, url: url,
            signature: key.signSchnorr(message: Self.signedHash(federation, peer, sequence, url).bytes))
    }

    /// What the guardian signs: SHA-256("fm/api-url/v1" ‖ federation id ‖ peer (2 bytes, big-endian) ‖ sequence
    /// (8 bytes, big-endian) ‖ url). The federation id keeps an announcement from being replayed in another
    /// federation that shares the key.
    static func signedHash(_ federation: FederationID, _ peer: PeerID, _ sequence: UInt64, _ url: String) -> Hash256 {
        var bytes = Array("fm/api-url/v1".utf8) + federation.hash.bytes
        withUnsafeBytes(of: peer.rawValue.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: sequence.bigEndian) { bytes.append(contentsOf: $0) }
        bytes += Array(url.utf8)
        return Hash256.sha256(bytes)
    }

    /// Whether `key` (the peer's consensus key) signed it for `federation`, and its URL is well formed.
    public func isValid(federation: FederationID, key: XOnlyPublicKey) -> Bool {
        Self.isWellFormedURL(url)
            && key.isValidSchnorrSignature(signature, for: Self.signedHash(federation, peer, sequence, url).bytes)
    }

    /// `ws://` or `wss://` followed by 1 or more printable ASCII characters other than space, at most
    /// ``maxURLBytes`` in all. Checked byte by byte (no URL parser), so every guardian decides the same.
    public static func isWellFormedURL(_ url: String) -> Bool {
        let bytes = Array(url.utf8)
        guard bytes.count <= maxURLBytes, bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else { return false }
        return (url.hasPrefix("ws://") && bytes.count > 5) || (url.hasPrefix("wss://") && bytes.count > 6)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(peer)
        encoder.writeVarint(sequence)
        encoder.writeBytes(Array(url.utf8))
        encoder.writeFixed(signature.rawRepresentation)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        peer = try decoder.read()
        sequence = try decoder.readVarint()
        let raw = try decoder.readBytes(maxLength: Self.maxURLBytes)
        guard let url = String(validating: raw, as: UTF8.self), Self.isWellFormedURL(url) else {
            throw .invalidValue("an API announcement's URL is not ws:// or wss:// followed by printable ASCII")
        }
        self.url = url
        guard let signature = try? SchnorrSignature(rawRepresentation: try decoder.readFixed(64)) else {
            throw .invalidValue("an API announcement's signature is not 64 bytes")
        }
        self.signature = signature
    }

    // JSON: {peer, sequence, url, signature (hex)}.
    enum CodingKeys: String, CodingKey { case peer, sequence, url, signature }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        peer = try container.decode(PeerID.self, forKey: .peer)
        sequence = try container.decode(UInt64.self, forKey: .sequence)
        url = try container.decode(String.self, forKey: .url)
        let hex = try container.decode(String.self, forKey: .signature)
        guard let raw = Hex.decode(hex), let signature = try? SchnorrSignature(rawRepresentation: raw) else {
            throw DecodingError.dataCorruptedError(forKey: .signature, in: container, debugDescription: "not a 64-byte hex signature")
        }
        self.signature = signature
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(peer, forKey: .peer)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(url, forKey: .url)
        try container.encode(Hex.encode(signature.rawRepresentation), forKey: .signature)
    }
}
