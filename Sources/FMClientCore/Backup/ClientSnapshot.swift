import FMCore
import FMEncoding

/// What a snapshot holds once decrypted (docs/protocol.md, "Client snapshot"): the federation it belongs to,
/// when it was taken (the signed sequence, milliseconds since 1970) and each module instance's own bytes
/// (``ClientModule/snapshot(in:)``).
///
/// Canonical form: version (varint, 0) ‖ federation id (32 bytes) ‖ vector of (instance (varint) ‖ bytes).
public struct ClientSnapshot: Sendable, Equatable, CanonicalCodable {
    public static let version: UInt64 = 0

    public let federationId: FederationID
    public let modules: [ModuleInstanceID: [UInt8]]

    public init(federationId: FederationID, modules: [ModuleInstanceID: [UInt8]]) {
        self.federationId = federationId
        self.modules = modules
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeVarint(Self.version)
        encoder.write(federationId)
        encoder.writeVarint(UInt64(modules.count))
        for (instance, bytes) in modules.sorted(by: { $0.key < $1.key }) {
            encoder.write(instance)
            encoder.writeBytes(bytes)
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        guard try decoder.readVarint() == Self.version else { throw .invalidValue("an unknown snapshot version") }
        federationId = try decoder.read()
        let count = try decoder.readVarint()
        guard count <= 64 else { throw .invalidValue("more than 64 module snapshots") }
        var modules: [ModuleInstanceID: [UInt8]] = [:]
        for _ in 0..<count {
            let instance: ModuleInstanceID = try decoder.read()
            guard modules[instance] == nil else { throw .invalidValue("module \(instance) twice in a snapshot") }
            modules[instance] = try decoder.readBytes()
        }
        self.modules = modules
    }
}
