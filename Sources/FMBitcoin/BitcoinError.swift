/// Why bitcoin data was refused.
public enum BitcoinError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended while `field` was being read.
    case truncated(field: String)
    /// Bytes were left over after a complete `what`.
    case trailingBytes(what: String, count: Int)
    /// A CompactSize used more bytes than its value needs.
    case nonCanonicalCompactSize(UInt64)
    /// A length or count prefix of `field` was larger than the input could hold.
    case lengthTooLarge(field: String, length: UInt64)
    /// A segwit marker was followed by a flag other than 1, or a witness transaction had no witness data.
    case invalidSegwitEncoding(String)
    /// A field had an invalid value; the message says which and why.
    case invalidValue(field: String, reason: String)
    /// A bech32/bech32m string was malformed.
    case invalidBech32(String)
    /// A segwit address was malformed or for another network.
    case invalidAddress(String)
    /// A script could not be parsed or built.
    case invalidScript(String)
    /// A descriptor was malformed or its checksum wrong.
    case invalidDescriptor(String)
    /// A PSBT was malformed.
    case invalidPSBT(String)
    /// A merkle proof was malformed or inconsistent.
    case invalidMerkleProof(String)

    public var description: String {
        switch self {
        case let .truncated(field): return "\(field): input ends too early"
        case let .trailingBytes(what, count): return "\(what): \(count) unexpected trailing bytes"
        case let .nonCanonicalCompactSize(value): return "CompactSize \(value) is not minimally encoded"
        case let .lengthTooLarge(field, length): return "\(field): length \(length) exceeds the remaining input"
        case let .invalidSegwitEncoding(reason): return "segwit serialization: \(reason)"
        case let .invalidValue(field, reason): return "\(field): \(reason)"
        case let .invalidBech32(reason): return "bech32: \(reason)"
        case let .invalidAddress(reason): return "address: \(reason)"
        case let .invalidScript(reason): return "script: \(reason)"
        case let .invalidDescriptor(reason): return "descriptor: \(reason)"
        case let .invalidPSBT(reason): return "PSBT: \(reason)"
        case let .invalidMerkleProof(reason): return "merkle proof: \(reason)"
        }
    }
}
