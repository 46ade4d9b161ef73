import FMBitcoin
import FMEncoding

/// An invitation to a federation (BRIEF §4): its id, one guardian's API URL
/// and that guardian's peer id, as bech32m with human-readable part `fed`.
/// A client joins by fetching the client config from that guardian, then
/// checking with the others that t of them serve the same config whose hash
/// is the federation id.
public struct InviteCode: Hashable, Sendable, CanonicalCodable, CustomStringConvertible {
    public static let humanReadablePart = "fed"
    static let version: UInt64 = 0
    /// bech32m's checksum stays strong far beyond BIP-173's 90 characters for typo detection at this length.
    static let maxLength = 1023

    public let federationId: FederationID
    public let peer: PeerID
    public let apiUrl: String

    public init(federationId: FederationID, peer: PeerID, apiUrl: String) {
        self.federationId = federationId
        self.peer = peer
        self.apiUrl = apiUrl
    }

    public init(parsing text: String) throws(InvalidInput) {
        let expected = "an invite code (bech32m starting with 'fed1')"
        guard let decoded = try? Bech32.decode(text.lowercased(), maxLength: Self.maxLength),
            decoded.hrp == Self.humanReadablePart, decoded.variant == .bech32m,
            let payload = try? Bech32.convertBits(decoded.data, from: 5, to: 8, pad: false),
            let code = try? InviteCode(canonicalBytes: payload)
        else { throw InvalidInput(field: "invite_code", expected: expected, code: "bad_invite_code") }
        self = code
    }

    public var description: String {
        let data = try! Bech32.convertBits(canonicalBytes, from: 8, to: 5, pad: true)
        return try! Bech32.encode(hrp: Self.humanReadablePart, data: data, variant: .bech32m, maxLength: Self.maxLength)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeVarint(Self.version)
        encoder.write(federationId)
        encoder.write(peer)
        encoder.write(apiUrl)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        let version = try decoder.readVarint()
        guard version == Self.version else { throw .invalidValue("invite code version \(version)") }
        federationId = try decoder.read()
        peer = try decoder.read()
        apiUrl = try decoder.read()
    }
}
