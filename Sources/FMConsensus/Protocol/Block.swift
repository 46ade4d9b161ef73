import FMCore
import FMEncoding

/// An opaque item ordered by consensus (a transaction, a vote of a module, ...). The engine
/// never interprets its bytes; items are identified by ``ConsensusItem/hash(of:)``.
public enum ConsensusItem {
    /// The identity of an item, used to deduplicate it.
    public static func hash(of item: [UInt8]) -> Hash256 {
        var encoder = CanonicalEncoder()
        encoder.writeFixed(Array("fm/consensus/item/v0".utf8))
        encoder.writeBytes(item)
        return Hash256.sha256(encoder.bytes)
    }
}

/// The header of a block: what votes and certificates sign (through ``hash``).
///
/// Signatures on a block therefore cover its index (`height`), the hash of its ordered items and
/// the hash of the previous block, plus the Simplex iteration it was proposed in.
public struct BlockHeader: Hashable, Sendable, CanonicalCodable {
    /// Position in the finalized chain: the first block has height 0.
    public let height: UInt64
    /// The Simplex iteration in which the block was proposed (≥ 1).
    public let iteration: UInt64
    /// The leader of `iteration`, who proposed the block.
    public let proposer: PeerID
    /// Hash of the previous block's header, or the configuration's genesis hash for height 0.
    public let parentHash: Hash256
    /// ``Block/itemsHash(of:)`` of the block's items.
    public let itemsHash: Hash256

    public init(height: UInt64, iteration: UInt64, proposer: PeerID, parentHash: Hash256, itemsHash: Hash256) {
        self.height = height
        self.iteration = iteration
        self.proposer = proposer
        self.parentHash = parentHash
        self.itemsHash = itemsHash
    }

    /// The block's identity: SHA-256 over a domain tag and the canonical header.
    public var hash: Hash256 {
        var encoder = CanonicalEncoder()
        encoder.writeFixed(Array("fm/consensus/block/v0".utf8))
        encoder.write(self)
        return Hash256.sha256(encoder.bytes)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeVarint(height)
        encoder.writeVarint(iteration)
        encoder.write(proposer)
        encoder.write(parentHash)
        encoder.write(itemsHash)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        height = try decoder.readVarint()
        iteration = try decoder.readVarint()
        proposer = try decoder.read()
        parentHash = try decoder.read()
        itemsHash = try decoder.read()
    }
}

/// A block: a header and the ordered items it commits to.
public struct Block: Hashable, Sendable, CanonicalCodable {
    public let header: BlockHeader
    public let items: [[UInt8]]

    public init(header: BlockHeader, items: [[UInt8]]) {
        self.header = header
        self.items = items
    }

    /// Hash of an ordered list of items (committed to by ``BlockHeader/itemsHash``).
    public static func itemsHash(of items: [[UInt8]]) -> Hash256 {
        var encoder = CanonicalEncoder()
        encoder.writeFixed(Array("fm/consensus/items/v0".utf8))
        Self.writeItems(items, to: &encoder)
        return Hash256.sha256(encoder.bytes)
    }

    /// Whether `header.itemsHash` matches the items.
    public var itemsMatchHeader: Bool { Block.itemsHash(of: items) == header.itemsHash }

    public var hash: Hash256 { header.hash }

    /// Upper bound on the items of a decoded block; the engine applies its tighter configured limits.
    static let maxDecodedItems = 100_000
    static let maxDecodedItemBytes = 16 << 20

    static func writeItems(_ items: [[UInt8]], to encoder: inout CanonicalEncoder) {
        encoder.writeVarint(UInt64(items.count))
        for item in items { encoder.writeBytes(item) }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(header)
        Self.writeItems(items, to: &encoder)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        header = try decoder.read()
        let count = try decoder.readVarint()
        guard count <= UInt64(Self.maxDecodedItems) else {
            throw .invalidValue("block has \(count) items, more than \(Self.maxDecodedItems)")
        }
        var items: [[UInt8]] = []
        for _ in 0..<count { items.append(try decoder.readBytes(maxLength: Self.maxDecodedItemBytes)) }
        self.items = items
    }
}
