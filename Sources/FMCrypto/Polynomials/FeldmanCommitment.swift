import FMBLS12381

/// Feldman commitments C_j = a_j·G2 to the coefficients of a sharing
/// polynomial: public, they let every peer check its share and derive every
/// peer's public key share without learning the polynomial.
public struct FeldmanCommitment: CanonicalBytesRepresentable, Equatable {
    /// C_0 … C_(t-1); C_0 commits to the secret.
    public let coefficients: [G2Point]

    /// - Precondition: at least one commitment.
    public init(coefficients: [G2Point]) {
        precondition(!coefficients.isEmpty, "a commitment needs at least one coefficient")
        self.coefficients = coefficients
    }

    /// The threshold t of the committed polynomial.
    public var threshold: Int { coefficients.count }

    /// C_0 = secret·G2: the public key of the shared secret.
    public var publicKey: G2Point { coefficients[0] }

    /// Σ_j C_j·x^j with x = peer + 1: the public key share p(x)·G2 of `peer`.
    public func publicKeyShare(forPeer peer: Int) -> G2Point {
        let x = Shamir.xCoordinate(forPeer: peer)
        var powers: [Scalar] = []
        powers.reserveCapacity(coefficients.count)
        var power = Scalar.one
        for _ in coefficients {
            powers.append(power)
            power = power * x
        }
        return G2Point.multiScalarMultiply(coefficients, powers)
    }

    /// Checks a share received from the dealer of this commitment: s·G2 == Σ C_j·x^j.
    public func verify(share: SecretScalar, forPeer peer: Int) -> Bool {
        G2Point.generator * share.revealed == publicKeyShare(forPeer: peer)
    }

    /// The commitment of the sum of the committed polynomials (C_j summed
    /// coefficient-wise), as in a Pedersen DKG where each peer deals one polynomial.
    /// - Precondition: non-empty, all with the same threshold.
    public static func sum(_ commitments: [FeldmanCommitment]) -> FeldmanCommitment {
        precondition(!commitments.isEmpty, "sum of no commitments")
        let threshold = commitments[0].threshold
        precondition(commitments.allSatisfy { $0.threshold == threshold }, "commitments of different thresholds")
        var total = commitments[0].coefficients
        for commitment in commitments.dropFirst() {
            for j in 0..<threshold { total[j] = total[j] + commitment.coefficients[j] }
        }
        return FeldmanCommitment(coefficients: total)
    }

    /// t compressed G2 points of 96 bytes each.
    public var canonicalBytes: [UInt8] { coefficients.flatMap(\.compressed) }

    /// Decodes t concatenated compressed G2 points, validating each.
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        let bytes = Array(bytes)
        guard !bytes.isEmpty, bytes.count % 96 == 0 else {
            // Report the nearest valid length: a whole number (≥ 1) of 96-byte points.
            let expected = 96 * max(1, (bytes.count + 48) / 96)
            throw .wrongLength(type: "FeldmanCommitment", expected: expected, actual: bytes.count)
        }
        var points: [G2Point] = []
        for offset in stride(from: 0, to: bytes.count, by: 96) {
            points.append(try PointDecoding.g2(bytes[offset..<offset + 96], type: "FeldmanCommitment"))
        }
        coefficients = points
    }
}
