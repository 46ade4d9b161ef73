/// The canonical binary encoding of fm (BRIEF §2).
///
/// Every consensus-relevant value has exactly one encoding, and hashes and
/// signatures are always taken over it. The building blocks are few:
/// - unsigned integers as minimal LEB128 variable-length integers,
/// - byte strings and vectors as a varint length followed by their contents,
/// - fixed-size fields (hashes, keys, signatures) as raw bytes,
/// - enums as a varint variant index followed by a length-prefixed body, so a
///   decoder that does not know a variant can still skip it.
///
/// Decoders are strict: they reject trailing bytes, non-minimal integers,
/// lengths beyond the remaining input, and they never allocate more than the
/// input could possibly describe.
public protocol CanonicalEncodable {
    func encode(to encoder: inout CanonicalEncoder)
}

public protocol CanonicalDecodable {
    init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError)
}

public typealias CanonicalCodable = CanonicalEncodable & CanonicalDecodable

extension CanonicalEncodable {
    /// The value's one canonical encoding.
    public var canonicalBytes: [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.write(self)
        return encoder.bytes
    }
}

extension CanonicalDecodable {
    /// Decodes a whole buffer; bytes left over after the value are an error.
    public init(canonicalBytes: some Collection<UInt8>) throws(CanonicalDecodingError) {
        var decoder = CanonicalDecoder(canonicalBytes)
        self = try decoder.read(Self.self)
        try decoder.finish()
    }
}
