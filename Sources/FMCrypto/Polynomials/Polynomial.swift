import FMBLS12381

/// A polynomial a_0 + a_1·x + … + a_(t-1)·x^(t-1) over the scalar field, the
/// secret of a Shamir sharing with threshold t (degree t - 1).
///
/// The coefficients are secret; the description is redacted.
public struct Polynomial: Sendable, CustomStringConvertible {
    /// a_0 … a_(t-1), in ascending powers.
    public let coefficients: [Scalar]

    /// - Precondition: at least one coefficient.
    public init(coefficients: [Scalar]) {
        precondition(!coefficients.isEmpty, "a polynomial needs at least one coefficient")
        self.coefficients = coefficients
    }

    /// A uniformly random polynomial for threshold `threshold` (degree `threshold - 1`),
    /// with the given constant term (the shared secret) or a random one.
    /// - Important: for real keys pass a cryptographically secure generator
    ///   (`SystemRandomNumberGenerator`); seeded generators are for tests.
    /// - Precondition: `threshold >= 1`.
    public static func random(
        threshold: Int, constantTerm: Scalar? = nil, using rng: inout some RandomNumberGenerator
    ) -> Polynomial {
        precondition(threshold >= 1, "threshold must be at least 1")
        var coefficients = (0..<threshold).map { _ in Scalar.random(using: &rng) }
        if let constantTerm { coefficients[0] = constantTerm }
        return Polynomial(coefficients: coefficients)
    }

    /// The threshold t this polynomial shares with (number of coefficients).
    public var threshold: Int { coefficients.count }

    /// a_0, the shared secret.
    public var constantTerm: Scalar { coefficients[0] }

    /// p(x) by Horner's rule.
    public func evaluate(at x: Scalar) -> Scalar {
        var acc = coefficients[coefficients.count - 1]
        for coefficient in coefficients.dropLast().reversed() { acc = acc * x + coefficient }
        return acc
    }

    /// The Shamir share of peer `peer` (0-based index): p(peer + 1).
    public func share(forPeer peer: Int) -> SecretScalar {
        SecretScalar(evaluate(at: Shamir.xCoordinate(forPeer: peer)))
    }

    /// Feldman commitments C_j = a_j·G2 to every coefficient.
    public var commitment: FeldmanCommitment {
        FeldmanCommitment(coefficients: coefficients.map { G2Point.generator * $0 })
    }

    public var description: String { "Polynomial(threshold: \(threshold), coefficients: <redacted>)" }
}
