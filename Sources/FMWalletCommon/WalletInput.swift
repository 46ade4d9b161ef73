import FMCore
import FMEncoding
import FMSecp256k1

/// A wallet transaction input. Canonical form: a versioned enum, so new kinds can be added later.
public enum WalletInput: Hashable, Sendable, CanonicalCodable {
    /// Claims a deposit; the transaction must be signed by the proof's tweak key (x-only).
    case pegIn(PegInProof)

    /// The key whose BIP-340 signature over the txid authorizes this input.
    public var spendKey: XOnlyPublicKey {
        switch self {
        case .pegIn(let proof): proof.tweakKey.xOnly.key
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .pegIn(let proof): encoder.writeVariant(0) { $0.write(proof) }
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        var (index, body) = try decoder.readVariant()
        switch index {
        case 0: self = .pegIn(try body.read())
        default: throw .unknownVariant(index, type: "WalletInput")
        }
        try body.finish()
    }
}
