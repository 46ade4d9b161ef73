import FMClientCore
import FMCore
import FMEncoding
import FMMintCommon

/// The mint's part of a wallet snapshot (docs/protocol.md, "Client snapshot"; docs/wallet.md for what it
/// restores): the notes the wallet held, each denomination's next derivation index, the issuance-log position
/// (``cursor``) before which every output of this wallet is accounted for, and the newest out-of-band spends as
/// their operation-log rows.
///
/// Canonical form: cursor (varint) ‖ vector of (exponent (1 byte) ‖ next index (varint)) ‖ vector of
/// (index (varint) ‖ note (81 bytes)) ‖ vector of exported operation rows.
public struct MintSnapshot: Sendable, Equatable, CanonicalCodable {
    /// The most out-of-band spends a snapshot carries (the newest ones; older spend records are not restored).
    public static let maxSpends = 64

    public var cursor: UInt64
    public var nextIndices: [Denomination: UInt64]
    public var notes: [MintNoteStore.StoredNote]
    public var spends: [OperationLog.ExportedRow]

    public init(
        cursor: UInt64, nextIndices: [Denomination: UInt64], notes: [MintNoteStore.StoredNote],
        spends: [OperationLog.ExportedRow]
    ) {
        self.cursor = cursor
        self.nextIndices = nextIndices
        self.notes = notes
        self.spends = spends
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeVarint(cursor)
        encoder.writeVarint(UInt64(nextIndices.count))
        for (denomination, next) in nextIndices.sorted(by: { $0.key < $1.key }) {
            encoder.write(denomination)
            encoder.writeVarint(next)
        }
        encoder.writeVarint(UInt64(notes.count))
        for stored in notes {
            encoder.writeVarint(stored.index)
            encoder.write(stored.note)
        }
        encoder.writeVector(spends)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        cursor = try decoder.readVarint()
        var indices: [Denomination: UInt64] = [:]
        for _ in 0..<(try Self.count(&decoder, max: 256)) {
            let denomination: Denomination = try decoder.read()
            indices[denomination] = try decoder.readVarint()
        }
        nextIndices = indices
        var notes: [MintNoteStore.StoredNote] = []
        for _ in 0..<(try Self.count(&decoder, max: 1 << 16)) {
            let index = try decoder.readVarint()
            notes.append(MintNoteStore.StoredNote(note: try decoder.read(), index: index))
        }
        self.notes = notes
        spends = try decoder.readVector(maxCount: Self.maxSpends)
    }

    private static func count(_ decoder: inout CanonicalDecoder, max: UInt64) throws(CanonicalDecodingError) -> UInt64 {
        let count = try decoder.readVarint()
        guard count <= max else { throw .invalidValue("a snapshot count above \(max)") }
        return count
    }
}
