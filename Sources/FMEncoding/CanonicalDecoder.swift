/// Reads canonical encodings from a byte buffer, strictly.
///
/// Every length is checked against the remaining input before anything is
/// allocated, so a hostile prefix such as 2^60 fails at once.
public struct CanonicalDecoder: Sendable {
    /// Upper bound on a byte string when the caller gives none (consensus
    /// messages are far smaller; the input length is the real bound anyway).
    public static let defaultMaxLength = 16 << 20

    private let input: ArraySlice<UInt8>
    private var position: Int

    public init(_ bytes: some Collection<UInt8>) {
        self.init(slice: ArraySlice(bytes))
    }

    private init(slice: ArraySlice<UInt8>) {
        input = slice
        position = slice.startIndex
    }

    public var remainingCount: Int { input.endIndex - position }
    public var isAtEnd: Bool { position == input.endIndex }

    /// Succeeds only if every byte was consumed.
    public func finish() throws(CanonicalDecodingError) {
        if !isAtEnd { throw .trailingBytes(remainingCount) }
    }

    public mutating func readVarint() throws(CanonicalDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < input.endIndex else { throw .unexpectedEnd }
            let byte = input[position]
            position += 1
            let payload = UInt64(byte & 0x7f)
            if shift == 63 && payload > 1 { throw .varintOverflow }
            result |= payload << shift
            if byte & 0x80 == 0 {
                // A final zero byte after the first adds nothing: a longer spelling of a shorter number.
                if byte == 0 && shift > 0 { throw .nonMinimalVarint }
                return result
            }
            shift += 7
            if shift > 63 { throw .varintOverflow }
        }
    }

    /// A varint that must fit in `T` (lengths, counts, small integers).
    public mutating func readVarint<T: FixedWidthInteger & UnsignedInteger>(
        as type: T.Type
    ) throws(CanonicalDecodingError) -> T {
        let value = try readVarint()
        guard let narrowed = T(exactly: value) else { throw .integerOutOfRange(value, type: "\(T.self)") }
        return narrowed
    }

    public mutating func readFixed(_ count: Int) throws(CanonicalDecodingError) -> [UInt8] {
        precondition(count >= 0)
        guard count <= remainingCount else { throw .unexpectedEnd }
        let out = Array(input[position..<position + count])
        position += count
        return out
    }

    /// A length-prefixed byte string of at most `maxLength` bytes.
    public mutating func readBytes(maxLength: Int = defaultMaxLength) throws(CanonicalDecodingError) -> [UInt8] {
        let length = try readLength(limit: maxLength)
        return try readFixed(length)
    }

    public mutating func read<T: CanonicalDecodable>(_: T.Type = T.self) throws(CanonicalDecodingError) -> T {
        try T(from: &self)
    }

    /// A vector of at most `maxCount` elements. Every element takes at least one
    /// byte, so a count beyond the remaining input is rejected before allocating.
    public mutating func readVector<T: CanonicalDecodable>(
        _: T.Type = T.self, maxCount: Int = defaultMaxLength
    ) throws(CanonicalDecodingError) -> [T] {
        let count = try readLength(limit: maxCount)
        var out: [T] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try T(from: &self)) }
        return out
    }

    /// An enum variant: its index and a decoder over exactly its body. The
    /// caller decodes the body and calls `finish()` on it; unknown variants can
    /// be kept as raw bytes with `body.readRemaining()`.
    public mutating func readVariant() throws(CanonicalDecodingError) -> (index: UInt64, body: CanonicalDecoder) {
        let index = try readVarint()
        let length = try readLength(limit: Self.defaultMaxLength)
        let body = CanonicalDecoder(slice: input[position..<position + length])
        position += length
        return (index, body)
    }

    /// Everything not yet read (used to keep the body of an unknown variant).
    public mutating func readRemaining() -> [UInt8] {
        let out = Array(input[position...])
        position = input.endIndex
        return out
    }

    private mutating func readLength(limit: Int) throws(CanonicalDecodingError) -> Int {
        let claimed = try readVarint()
        if claimed > UInt64(remainingCount) { throw .lengthExceedsInput(claimed: claimed, remaining: remainingCount) }
        if claimed > UInt64(limit) { throw .lengthExceedsLimit(claimed: claimed, limit: limit) }
        return Int(claimed)
    }
}
