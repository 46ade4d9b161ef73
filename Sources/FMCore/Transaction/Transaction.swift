import FMEncoding
import FMSecp256k1

/// A federation transaction (BRIEF §2): module inputs and outputs that must
/// balance, a random nonce that makes otherwise equal transactions distinct,
/// and one BIP-340 signature over the txid for every input's spend key, in
/// input order.
///
/// - Important: the txid covers inputs, outputs and nonce but not the
///   signatures; it is what every signature signs.
public struct Transaction: Hashable, Sendable, CanonicalCodable {
    public var inputs: [ModuleItem]
    public var outputs: [ModuleItem]
    public var nonce: TransactionNonce
    public var signatures: [SchnorrSignature]

    public static let maxItems = 1_000
    /// The most outputs one `await_output_outcomes` call may ask for (core API 1.1): a guardian's work per call stays
    /// small and bounded (clients ask in chunks of this many).
    public static let maxOutcomesPerQuery = 64

    public init(inputs: [ModuleItem], outputs: [ModuleItem], nonce: TransactionNonce, signatures: [SchnorrSignature] = []) {
        self.inputs = inputs
        self.outputs = outputs
        self.nonce = nonce
        self.signatures = signatures
    }

    public var txid: TransactionID {
        var encoder = CanonicalEncoder()
        encoder.writeVector(inputs)
        encoder.writeVector(outputs)
        encoder.write(nonce)
        return TransactionID(Hash256.sha256(encoder.bytes))
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeVector(inputs)
        encoder.writeVector(outputs)
        encoder.write(nonce)
        encoder.writeVarint(UInt64(signatures.count))
        for signature in signatures { encoder.writeFixed(signature.rawRepresentation) }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        inputs = try decoder.readVector(maxCount: Self.maxItems)
        outputs = try decoder.readVector(maxCount: Self.maxItems)
        nonce = try decoder.read()
        let count = try decoder.readVarint()
        guard count <= UInt64(Self.maxItems), count * 64 <= UInt64(decoder.remainingCount) else {
            throw .lengthExceedsInput(claimed: count, remaining: decoder.remainingCount)
        }
        signatures = []
        for _ in 0..<count {
            let raw = try decoder.readFixed(64)
            guard let signature = try? SchnorrSignature(rawRepresentation: raw) else {
                throw .invalidValue("malformed Schnorr signature")
            }
            signatures.append(signature)
        }
    }
}

/// Eight random bytes chosen by the client.
public struct TransactionNonce: Hashable, Sendable, CanonicalCodable {
    public let bytes: [UInt8]

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 8 else { return nil }
        self.bytes = Array(bytes)
    }

    public static func random() -> TransactionNonce {
        var rng = SystemRandomNumberGenerator()
        return TransactionNonce(bytes: (0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) })!
    }

    public func encode(to encoder: inout CanonicalEncoder) { encoder.writeFixed(bytes) }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) { bytes = try decoder.readFixed(8) }
}

/// SHA-256 of a transaction's inputs, outputs and nonce.
public struct TransactionID: Hashable, Comparable, Sendable, Codable, CanonicalCodable, CustomStringConvertible {
    public let hash: Hash256
    public init(_ hash: Hash256) { self.hash = hash }
    public static func < (a: Self, b: Self) -> Bool { a.hash < b.hash }
    public var description: String { hash.hex }

    public init(from decoder: any Decoder) throws { hash = try Hash256(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try hash.encode(to: encoder) }
    public func encode(to encoder: inout CanonicalEncoder) { encoder.write(hash) }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) { hash = try decoder.read() }
}

/// One output of one transaction: where issued e-cash, a peg-out or a contract is found.
///
/// Decoding (canonical and JSON) refuses an `outIndex` of ``Transaction/maxItems`` or more: no transaction has such an
/// output, and bounding it where it enters keeps it far from every integer conversion downstream (SQLite's `Int64`).
public struct OutPoint: Hashable, Comparable, Sendable, Codable, CanonicalCodable, CustomStringConvertible {
    public let txid: TransactionID
    public let outIndex: UInt64

    public init(txid: TransactionID, outIndex: UInt64) {
        self.txid = txid
        self.outIndex = outIndex
    }

    public static func < (a: Self, b: Self) -> Bool { (a.txid, a.outIndex) < (b.txid, b.outIndex) }
    public var description: String { "\(txid):\(outIndex)" }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(txid)
        encoder.write(outIndex)
    }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        txid = try decoder.read()
        outIndex = try decoder.read()
        guard outIndex < UInt64(Transaction.maxItems) else { throw .integerOutOfRange(outIndex, type: "out index") }
    }

    enum CodingKeys: String, CodingKey { case txid, outIndex }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        txid = try container.decode(TransactionID.self, forKey: .txid)
        outIndex = try container.decode(UInt64.self, forKey: .outIndex)
        guard outIndex < UInt64(Transaction.maxItems) else {
            throw DecodingError.dataCorruptedError(
                forKey: .outIndex, in: container, debugDescription: "an output index below \(Transaction.maxItems)")
        }
    }
}
