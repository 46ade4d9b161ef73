/// Why an invoice could not be decoded or encoded. Every case names the part of the invoice at fault, so a
/// command can print one line such as `invoice field p (payment_hash): data_length 51, expected 52`.
public enum Bolt11Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bech32 checksum does not match (or the string is bech32m, which BOLT 11 does not use).
    case wrongChecksum
    /// Not a bech32 string at all: no separator, mixed case, characters outside the charset, too long.
    case malformed(String)
    /// The human-readable part does not start with `ln` followed by a currency prefix this decoder knows.
    case unknownNetwork(String)
    /// The amount in the human-readable part is not a valid amount (bad multiplier, sub-msat, overflow, zero).
    case invalidAmount(String)
    /// The data part ends before the timestamp, a field or the signature it announces.
    case truncated(field: String)
    /// A tagged field is present but its content breaks the spec's rules.
    case invalidField(field: String, reason: String)
    /// A field the spec requires (p, s, d or h) is missing.
    case missingField(String)
    /// The signature does not recover a key, or does not verify against the `n` field.
    case badSignature(String)
    /// The `9` field sets an even (compulsory) feature bit this decoder does not know, or omits a dependency.
    case unsupportedFeatures(String)

    public var description: String {
        switch self {
        case .wrongChecksum: "invoice: bech32 checksum mismatch"
        case .malformed(let why): "invoice: not a bech32 string (\(why))"
        case .unknownNetwork(let prefix): "invoice prefix: unknown network '\(prefix)' (expected lnbc, lntb, lntbs or lnbcrt)"
        case .invalidAmount(let why): "invoice amount: \(why)"
        case .truncated(let field): "invoice \(field): truncated"
        case .invalidField(let field, let reason): "invoice field \(field): \(reason)"
        case .missingField(let field): "invoice field \(field): missing"
        case .badSignature(let why): "invoice signature: \(why)"
        case .unsupportedFeatures(let why): "invoice field 9 (features): \(why)"
        }
    }
}
