/// Why a byte string is not the canonical encoding of the expected value.
public enum CanonicalDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended in the middle of a value.
    case unexpectedEnd
    /// A complete value was followed by this many unread bytes.
    case trailingBytes(Int)
    /// A varint used more bytes than its value needs.
    case nonMinimalVarint
    /// A varint does not fit in 64 bits.
    case varintOverflow
    /// A length or count prefix claims more than the remaining input holds.
    case lengthExceedsInput(claimed: UInt64, remaining: Int)
    /// A length or count prefix is above the limit the caller allows.
    case lengthExceedsLimit(claimed: UInt64, limit: Int)
    /// An integer does not fit the field's type.
    case integerOutOfRange(UInt64, type: String)
    /// The bytes are well-formed but do not describe a valid value.
    case invalidValue(String)
    /// An enum variant this decoder does not know.
    case unknownVariant(UInt64, type: String)

    public var description: String {
        switch self {
        case .unexpectedEnd: "input ended in the middle of a value"
        case .trailingBytes(let n): "\(n) unexpected trailing byte(s) after the value"
        case .nonMinimalVarint: "non-minimal variable-length integer"
        case .varintOverflow: "variable-length integer exceeds 64 bits"
        case .lengthExceedsInput(let claimed, let remaining):
            "length prefix \(claimed) exceeds the \(remaining) remaining byte(s)"
        case .lengthExceedsLimit(let claimed, let limit): "length prefix \(claimed) exceeds the limit of \(limit)"
        case .integerOutOfRange(let v, let type): "integer \(v) does not fit in \(type)"
        case .invalidValue(let why): "invalid value: \(why)"
        case .unknownVariant(let index, let type): "unknown \(type) variant \(index)"
        }
    }
}
