import FMBLS12381

/// Checks many signature equations e(Sᵢ, G2) = e(Mᵢ, Kᵢ) at once, whatever mix of keys they use: note
/// signatures under a denomination's aggregate key and blind signature shares under a guardian's key share
/// (a client finishing an issuance has one of each kind per new note, each denomination its own keys).
///
/// Small-exponent batch verification with random 64-bit cᵢ ≠ 0:
/// e(Σ cᵢ·Sᵢ, G2) = Π_K e(Σ_{Kᵢ = K} cᵢ·Mᵢ, K), one multi-pairing with one Miller loop per distinct key and one
/// final exponentiation, instead of one pairing equation (two Miller loops and a final exponentiation) per
/// signature. Every point here was decoded with its subgroup check, so each equation's error term lies in the
/// prime-order Gt and ``allHold()`` is wrong with probability at most 1/(2⁶⁴ - 1).
public struct SignatureBatch: Sendable {
    private var entries: [(signed: G1Point, key: G2Point, signature: G1Point)] = []

    public init() {}

    public var count: Int { entries.count }

    /// Adds e(σ, G2) = e(M, pk): a note's signature (what ``AggregatePublicKey/verify(_:on:)`` checks).
    public mutating func add(_ signature: Signature, on message: Message, under key: AggregatePublicKey) {
        entries.append((message.point, key.point, signature.point))
    }

    /// Adds e(Sᵢ, G2) = e(B, pkᵢ): a guardian's share (what ``PublicKeyShare/verify(_:on:)`` checks).
    public mutating func add(_ share: BlindSignatureShare, on blinded: BlindedMessage, under key: PublicKeyShare) {
        entries.append((blinded.point, key.point, share.point))
    }

    /// True only if every equation added holds (except with probability at most 2⁻⁶⁴); false when any point is
    /// the identity, which the single checks refuse too. An empty batch holds.
    public func allHold() -> Bool {
        if entries.contains(where: { $0.signed.isIdentity || $0.key.isIdentity || $0.signature.isIdentity }) {
            return false
        }
        guard entries.count > 1 else {
            guard let only = entries.first else { return true }
            return PreparedKeys.productIsOne(only.signed, only.key, -only.signature)
        }
        var rng = SystemRandomNumberGenerator()
        let coefficients = entries.map { _ in Scalar(UInt64.random(in: 1...UInt64.max, using: &rng)) }
        var keys: [G2Point] = []
        var positions: [G2Point: Int] = [:]
        var signedByKey: [(points: [G1Point], scalars: [Scalar])] = []
        for (entry, coefficient) in zip(entries, coefficients) {
            let position: Int
            if let known = positions[entry.key] {
                position = known
            } else {
                position = keys.count
                positions[entry.key] = position
                keys.append(entry.key)
                signedByKey.append(([], []))
            }
            signedByKey[position].points.append(entry.signed)
            signedByKey[position].scalars.append(coefficient)
        }
        let signatureSum = G1Point.multiScalarMultiply(entries.map(\.signature), coefficients)
        let pairs = zip(signedByKey, keys).map { signed, key in
            (G1Point.multiScalarMultiply(signed.points, signed.scalars), PreparedKeys.lines(key))
        }
        return pairingProductIsOne([], prepared: pairs + [(-signatureSum, .generator)])
    }
}
