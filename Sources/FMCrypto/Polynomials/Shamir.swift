import FMBLS12381

/// Lagrange interpolation at x = 0 for shares held by peers 0, 1, …, whose
/// evaluation points are x = peer index + 1 (never 0, which is the secret).
public enum Shamir {
    /// The evaluation point of peer `peer`: peer + 1.
    /// - Precondition: `peer >= 0`.
    public static func xCoordinate(forPeer peer: Int) -> Scalar {
        precondition(peer >= 0, "peer index must be non-negative")
        return Scalar(UInt64(peer) + 1)
    }

    /// λ_i = Π_(j≠i) x_j / (x_j - x_i), so that p(0) = Σ λ_i·p(x_i) for any
    /// polynomial of degree < `peers.count`. Returned in the order of `peers`.
    /// - Throws: ``ShamirError/noShares`` or ``ShamirError/duplicatePeer(_:)``.
    public static func lagrangeCoefficientsAtZero(peers: [Int]) throws(ShamirError) -> [Scalar] {
        guard !peers.isEmpty else { throw .noShares }
        var seen = Set<Int>()
        for peer in peers {
            guard peer >= 0 else { throw .negativePeer(peer) }
            guard seen.insert(peer).inserted else { throw .duplicatePeer(peer) }
        }
        let xs = peers.map(xCoordinate(forPeer:))
        var numerators: [Scalar] = []
        var denominators: [Scalar] = []
        for (i, xi) in xs.enumerated() {
            var numerator = Scalar.one
            var denominator = Scalar.one
            for (j, xj) in xs.enumerated() where j != i {
                numerator = numerator * xj
                denominator = denominator * (xj - xi)
            }
            numerators.append(numerator)
            denominators.append(denominator)
        }
        // Distinct x's make every denominator non-zero; invert them all at once.
        let inverses = batchInverse(denominators)
        return zip(numerators, inverses).map { $0 * $1 }
    }

    /// The secret p(0) from shares p(peer + 1). Uses every share given, so
    /// pass exactly t of them (more is fine; fewer gives a wrong value).
    public static func interpolateAtZero(_ shares: [(peer: Int, value: Scalar)]) throws(ShamirError) -> Scalar {
        let lambdas = try lagrangeCoefficientsAtZero(peers: shares.map(\.peer))
        var sum = Scalar.zero
        for (lambda, share) in zip(lambdas, shares) { sum = sum + lambda * share.value }
        return sum
    }

    /// Σ λ_i·S_i in G1: interpolation "in the exponent" of shares S_i = p(x_i)·B.
    public static func interpolateAtZero(_ shares: [(peer: Int, point: G1Point)]) throws(ShamirError) -> G1Point {
        let lambdas = try lagrangeCoefficientsAtZero(peers: shares.map(\.peer))
        return G1Point.multiScalarMultiply(shares.map(\.point), lambdas)
    }

    /// Σ λ_i·P_i in G2, e.g. the aggregate public key from t public key shares.
    public static func interpolateAtZero(_ shares: [(peer: Int, point: G2Point)]) throws(ShamirError) -> G2Point {
        let lambdas = try lagrangeCoefficientsAtZero(peers: shares.map(\.peer))
        return G2Point.multiScalarMultiply(shares.map(\.point), lambdas)
    }

    /// Inverts non-zero scalars with one field inversion (Montgomery's trick).
    static func batchInverse(_ values: [Scalar]) -> [Scalar] {
        var prefix: [Scalar] = []
        prefix.reserveCapacity(values.count)
        var running = Scalar.one
        for value in values {
            prefix.append(running)
            running = running * value
        }
        guard var inverse = running.inverse() else { preconditionFailure("batchInverse of a zero scalar") }
        var result = [Scalar](repeating: .zero, count: values.count)
        for i in stride(from: values.count - 1, through: 0, by: -1) {
            result[i] = inverse * prefix[i]
            inverse = inverse * values[i]
        }
        return result
    }
}

/// Why a set of shares cannot be interpolated.
public enum ShamirError: Error, Equatable, CustomStringConvertible {
    case noShares
    case duplicatePeer(Int)
    case negativePeer(Int)

    public var description: String {
        switch self {
        case .noShares: "no shares to interpolate"
        case .duplicatePeer(let peer): "two shares from the same peer \(peer)"
        case .negativePeer(let peer): "peer index \(peer) is negative"
        }
    }
}
