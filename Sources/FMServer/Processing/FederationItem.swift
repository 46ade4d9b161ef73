import FMCore
import FMEncoding

/// The federation's consensus item: what guardians order through consensus: a client's transaction or a module's own item (a vote, a signature
/// share). Encoded as a canonical enum, variant index + length-prefixed body, so a guardian can skip a variant a
/// later version adds.
public enum FederationItem: Hashable, Sendable, CanonicalCodable {
    case transaction(Transaction)
    case module(ModuleItem)

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .transaction(let transaction): encoder.writeVariant(0) { $0.write(transaction) }
        case .module(let item): encoder.writeVariant(1) { $0.write(item) }
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        var (index, body) = try decoder.readVariant()
        switch index {
        case 0: self = .transaction(try body.read())
        case 1: self = .module(try body.read())
        default: throw .invalidValue("unknown consensus item variant \(index)")
        }
        try body.finish()
    }
}
