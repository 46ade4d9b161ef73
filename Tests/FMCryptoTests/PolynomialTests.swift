import FMBLS12381
import FMCrypto
import FMTesting
import Testing

@Suite struct PolynomialTests {
    @Test func hornerMatchesTheDefinition() {
        // p(x) = 3 + 5x + 7x², p(2) = 3 + 10 + 28 = 41.
        let p = Polynomial(coefficients: [Scalar(3), Scalar(5), Scalar(7)])
        #expect(p.evaluate(at: Scalar(2)) == Scalar(41))
        #expect(p.evaluate(at: .zero) == Scalar(3))
        #expect(p.share(forPeer: 1).revealed == Scalar(41))
        #expect(p.threshold == 3 && p.constantTerm == Scalar(3))
    }

    @Test func randomPolynomialKeepsTheGivenSecret() {
        var rng = SeededRandom(seed: 1)
        let p = Polynomial.random(threshold: 4, constantTerm: Scalar(99), using: &rng)
        #expect(p.threshold == 4 && p.constantTerm == Scalar(99))
        #expect(!"\(p)".contains("99"))
    }

    @Test(arguments: [(1, 1), (2, 3), (3, 4), (5, 7)])
    func interpolationRecoversTheSecretFromAnyTShares(threshold: Int, peers: Int) throws {
        var rng = SeededRandom(seed: UInt64(threshold * 100 + peers))
        let secret = Scalar.random(using: &rng)
        let p = Polynomial.random(threshold: threshold, constantTerm: secret, using: &rng)
        let shares = (0..<peers).map { (peer: $0, value: p.share(forPeer: $0).revealed) }
        for subset in subsets(of: Array(0..<peers), size: threshold) {
            #expect(try Shamir.interpolateAtZero(subset.map { shares[$0] }) == secret, "peers \(subset)")
        }
        if threshold > 1 {
            let tooFew = Array(shares.prefix(threshold - 1))
            #expect(try Shamir.interpolateAtZero(tooFew) != secret)
        }
    }

    @Test func interpolationInTheExponent() throws {
        var rng = SeededRandom(seed: 5)
        let p = Polynomial.random(threshold: 3, using: &rng)
        let base = G1Point.generator * Scalar(12345)
        let g1Shares = [4, 0, 2].map { (peer: $0, point: base * p.share(forPeer: $0).revealed) }
        #expect(try Shamir.interpolateAtZero(g1Shares) == base * p.constantTerm)
        let g2Shares = [1, 3, 2].map { (peer: $0, point: G2Point.generator * p.share(forPeer: $0).revealed) }
        #expect(try Shamir.interpolateAtZero(g2Shares) == G2Point.generator * p.constantTerm)
    }

    @Test func lagrangeRejectsBadPeerSets() {
        #expect(throws: ShamirError.noShares) { try Shamir.lagrangeCoefficientsAtZero(peers: []) }
        #expect(throws: ShamirError.duplicatePeer(2)) { try Shamir.lagrangeCoefficientsAtZero(peers: [2, 0, 2]) }
        #expect(throws: ShamirError.negativePeer(-1)) { try Shamir.lagrangeCoefficientsAtZero(peers: [-1, 0]) }
    }

    @Test func feldmanAcceptsGoodSharesAndRejectsTamperedOnes() throws {
        var rng = SeededRandom(seed: 7)
        let p = Polynomial.random(threshold: 3, using: &rng)
        let commitment = p.commitment
        #expect(commitment.publicKey == G2Point.generator * p.constantTerm)
        for peer in 0..<5 {
            let share = p.share(forPeer: peer)
            #expect(commitment.verify(share: share, forPeer: peer))
            #expect(!commitment.verify(share: SecretScalar(share.revealed + .one), forPeer: peer))
            #expect(!commitment.verify(share: share, forPeer: (peer + 1) % 5))
            #expect(commitment.publicKeyShare(forPeer: peer) == G2Point.generator * share.revealed)
        }
        // A commitment with one coefficient changed rejects honest shares.
        var tampered = commitment.coefficients
        tampered[2] = tampered[2] + G2Point.generator
        let forged = FeldmanCommitment(coefficients: tampered)
        #expect(!forged.verify(share: p.share(forPeer: 0), forPeer: 0))
        #expect(try FeldmanCommitment(canonicalBytes: commitment.canonicalBytes) == commitment)
    }

    @Test func summedCommitmentsCommitToTheSummedPolynomial() {
        var rng = SeededRandom(seed: 8)
        let dealt = (0..<3).map { _ in Polynomial.random(threshold: 2, using: &rng) }
        let sum = FeldmanCommitment.sum(dealt.map(\.commitment))
        for peer in 0..<4 {
            let share = dealt.reduce(Scalar.zero) { $0 + $1.share(forPeer: peer).revealed }
            #expect(sum.verify(share: SecretScalar(share), forPeer: peer))
        }
    }
}

/// All subsets of `elements` with `size` members, in lexicographic order.
func subsets(of elements: [Int], size: Int) -> [[Int]] {
    if size == 0 { return [[]] }
    guard elements.count >= size else { return [] }
    let head = elements[0], tail = Array(elements.dropFirst())
    return subsets(of: tail, size: size - 1).map { [head] + $0 } + subsets(of: tail, size: size)
}
