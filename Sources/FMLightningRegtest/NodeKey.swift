import FMBitcoin
import FMCore
import FMSecp256k1
import Foundation

/// A node's identity: a secp256k1 key in `DIR/node.key` (32 raw bytes, mode 0600). Its compressed public key is the
/// node id (66 hex digits, as Core Lightning prints it); invoices and the peer hello are signed with it.
public struct NodeKey: Sendable {
    let secretKey: SecretKey
    public let id: NodeID

    init(secretKey: SecretKey) {
        self.secretKey = secretKey
        self.id = NodeID(secretKey.publicKey)
    }

    /// Reads `path`, or creates it with a fresh random key.
    static func loadOrCreate(at path: String) throws -> NodeKey {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32, let key = try? SecretKey(rawRepresentation: [UInt8](data)) else {
                throw NodeError.badKeyFile(path)
            }
            return NodeKey(secretKey: key)
        }
        let key = SecretKey()
        try AtomicFile.write(key.rawRepresentation, to: path, mode: AtomicFile.secretMode)
        return NodeKey(secretKey: key)
    }

    /// ECDSA over `sha256(tag || message)`: the peer hello's proof of key ownership.
    func sign(tag: String, _ message: [UInt8]) throws -> [UInt8] {
        try secretKey.signECDSA(messageHash: sha256(Array(tag.utf8) + message)).compactRepresentation
    }

    static func verify(_ signature: [UInt8], tag: String, _ message: [UInt8], by node: NodeID) -> Bool {
        guard let signature = try? ECDSASignature(compactRepresentation: signature),
            let key = try? PublicKey(serialized: node.bytes)
        else { return false }
        return key.isValidECDSASignature(signature, for: sha256(Array(tag.utf8) + message))
    }
}

/// A node id: a compressed secp256k1 public key.
public struct NodeID: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let bytes: [UInt8]

    init(_ key: PublicKey) { bytes = key.compressed }

    /// Parses 66 hex digits that are a valid public key.
    public init?(hex: String) {
        guard hex.count == 66, let bytes = Hex.decode(hex), (try? PublicKey(serialized: bytes)) != nil else { return nil }
        self.bytes = bytes
    }

    init(storedBytes bytes: [UInt8]) { self.bytes = bytes }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = NodeID(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a node id (66 hex digits)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
