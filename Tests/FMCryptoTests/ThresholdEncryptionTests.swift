import FMBLS12381
import FMTesting
import Testing

@testable import FMCrypto

/// Keys from the dealer (the same shape the DKG hands out), one preimage encrypted to them.
struct EncryptionFixture {
    let keys: TrustedDealer.Keys
    let preimage: [UInt8]
    let contract: [UInt8]
    let ciphertext: ThresholdCiphertext

    init(threshold: Int, peers: Int, seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        keys = TrustedDealer.dealKeysForTesting(threshold: threshold, peers: peers, using: &rng)
        preimage = rng.bytes(32)
        contract = Array("incoming contract \(seed)".utf8)
        ciphertext = ThresholdEncryption.encrypt(
            preimage, to: EncryptionPublicKey(keys.aggregatePublicKey), associatedData: contract, using: &rng)
    }

    var publicShares: [Int: DecryptionPublicKeyShare] {
        Dictionary(uniqueKeysWithValues: keys.publicKeyShares.enumerated().map { ($0, DecryptionPublicKeyShare($1)) })
    }

    func share(_ peer: Int) -> DecryptionShare? {
        ThresholdEncryption.decryptionShare(
            for: ciphertext, associatedData: contract, with: DecryptionKeyShare(keys.secretKeyShares[peer]))
    }

    func combine(_ peers: [Int]) throws(ThresholdEncryptionError) -> [UInt8] {
        try ThresholdEncryption.combine(
            peers.map { (peer: $0, share: share($0)!) }, for: ciphertext, publicShares: publicShares)
    }
}

@Suite struct ThresholdEncryptionTests {
    @Test func everyThresholdSubsetDecrypts() throws {
        let fixture = EncryptionFixture(threshold: 3, peers: 5, seed: 1)
        var subsets = 0
        for a in 0..<5 {
            for b in (a + 1)..<5 {
                for c in (b + 1)..<5 {
                    #expect(try fixture.combine([a, b, c]) == fixture.preimage, "peers \(a), \(b), \(c)")
                    subsets += 1
                }
            }
        }
        #expect(subsets == 10)
        // More than t valid shares decrypt as well.
        #expect(try fixture.combine([4, 0, 2, 1]) == fixture.preimage)
    }

    @Test(arguments: [(1, 1), (2, 3), (5, 7)])
    func thresholdsAndSizes(threshold: Int, peers: Int) throws {
        let fixture = EncryptionFixture(threshold: threshold, peers: peers, seed: UInt64(10 * threshold + peers))
        #expect(try fixture.combine(Array((peers - threshold)..<peers)) == fixture.preimage)
    }

    @Test func fewerThanThresholdSharesThrowInsteadOfAWrongPreimage() {
        let fixture = EncryptionFixture(threshold: 3, peers: 4, seed: 2)
        #expect(throws: ThresholdEncryptionError.notEnoughShares(got: 2)) { try fixture.combine([1, 3]) }
        #expect(throws: ThresholdEncryptionError.notEnoughShares(got: 0)) { try fixture.combine([]) }
    }

    @Test func everyShareVerifiesAgainstItsOwnPublicShareOnly() throws {
        let fixture = EncryptionFixture(threshold: 2, peers: 3, seed: 3)
        let shares = try (0..<3).map { try #require(fixture.share($0)) }
        for (peer, share) in shares.enumerated() {
            for (other, key) in fixture.publicShares {
                #expect(ThresholdEncryption.verify(share, for: fixture.ciphertext, from: key) == (peer == other))
            }
        }
        // Matches the guardian's own public share derived from its secret.
        let derived = DecryptionKeyShare(fixture.keys.secretKeyShares[1]).publicShare
        #expect(derived == fixture.publicShares[1])
    }

    /// A guardian that sends a wrong share is named, and the honest t still decrypt.
    @Test func badSharesAreNamedAndHonestSharesStillDecrypt() throws {
        let fixture = EncryptionFixture(threshold: 2, peers: 4, seed: 4)
        var shares = (0..<4).map { (peer: $0, share: fixture.share($0)!) }
        shares[3] = (peer: 3, share: DecryptionShare(shares[3].share.point + G2Point.generator))
        shares[1] = (peer: 1, share: shares[2].share)  // another guardian's (valid) share, replayed
        #expect(!ThresholdEncryption.verify(shares[3].share, for: fixture.ciphertext, from: fixture.publicShares[3]!))
        #expect(throws: ThresholdEncryptionError.invalidShares(peers: [1, 3])) {
            try ThresholdEncryption.combine(shares, for: fixture.ciphertext, publicShares: fixture.publicShares)
        }
        let error = ThresholdEncryptionError.invalidShares(peers: [1, 3])
        #expect(error.description == "cannot decrypt: invalid decryption shares from peers 1, 3")
        #expect(
            ThresholdEncryptionError.invalidShares(peers: [2]).description
                == "cannot decrypt: invalid decryption share from peer 2")
        let honest = shares.filter {
            ThresholdEncryption.verify($0.share, for: fixture.ciphertext, from: fixture.publicShares[$0.peer]!)
        }
        #expect(honest.map(\.peer) == [0, 2])
        #expect(
            try ThresholdEncryption.combine(honest, for: fixture.ciphertext, publicShares: fixture.publicShares)
                == fixture.preimage)
    }

    @Test func identityShareNeverVerifies() {
        let fixture = EncryptionFixture(threshold: 1, peers: 1, seed: 5)
        #expect(
            !ThresholdEncryption.verify(
                DecryptionShare(.identity), for: fixture.ciphertext, from: fixture.publicShares[0]!))
    }

    @Test func combineRejectsUnknownDuplicateAndNegativePeers() {
        let fixture = EncryptionFixture(threshold: 2, peers: 3, seed: 6)
        let share = fixture.share(0)!
        let keys = fixture.publicShares
        #expect(throws: ThresholdEncryptionError.duplicatePeer(0)) {
            try ThresholdEncryption.combine([(0, share), (0, share)], for: fixture.ciphertext, publicShares: keys)
        }
        #expect(throws: ThresholdEncryptionError.unknownPeer(3)) {
            try ThresholdEncryption.combine([(0, share), (3, share)], for: fixture.ciphertext, publicShares: keys)
        }
        #expect(throws: ThresholdEncryptionError.unknownPeer(-1)) {
            try ThresholdEncryption.combine([(-1, share)], for: fixture.ciphertext, publicShares: keys)
        }
    }

    @Test func wrongAssociatedDataIsInvalidAndGetsNoShare() {
        let fixture = EncryptionFixture(threshold: 2, peers: 3, seed: 7)
        #expect(fixture.ciphertext.isValid(associatedData: fixture.contract))
        #expect(!fixture.ciphertext.isValid(associatedData: fixture.contract + [0]))
        #expect(!fixture.ciphertext.isValid(associatedData: []))
        let key = DecryptionKeyShare(fixture.keys.secretKeyShares[0])
        #expect(
            ThresholdEncryption.decryptionShare(for: fixture.ciphertext, associatedData: Array("other".utf8), with: key)
                == nil)
    }

    /// Every component swapped or altered makes the ciphertext invalid, so no guardian decrypts it.
    @Test func tamperedCiphertextsAreInvalid() throws {
        let fixture = EncryptionFixture(threshold: 2, peers: 3, seed: 8)
        let other = EncryptionFixture(threshold: 2, peers: 3, seed: 9)
        let ct = fixture.ciphertext
        let digest = ThresholdCiphertext.digest(associatedData: fixture.contract)
        var flipped = ct.maskedPreimage
        flipped[0] ^= 1
        let tampered: [(String, ThresholdCiphertext)] = [
            (
                "V flipped",
                .init(
                    ephemeralKey: ct.ephemeralKey, maskedPreimage: flipped, proof: ct.proof,
                    associatedDataDigest: digest)
            ),
            (
                "U replaced",
                .init(
                    ephemeralKey: other.ciphertext.ephemeralKey, maskedPreimage: ct.maskedPreimage, proof: ct.proof,
                    associatedDataDigest: digest)
            ),
            (
                "W replaced",
                .init(
                    ephemeralKey: ct.ephemeralKey, maskedPreimage: ct.maskedPreimage, proof: other.ciphertext.proof,
                    associatedDataDigest: digest)
            ),
            (
                "W doubled",
                .init(
                    ephemeralKey: ct.ephemeralKey, maskedPreimage: ct.maskedPreimage, proof: ct.proof.doubled(),
                    associatedDataDigest: digest)
            ),
            (
                "U identity",
                .init(
                    ephemeralKey: .identity, maskedPreimage: ct.maskedPreimage, proof: .identity,
                    associatedDataDigest: digest)
            ),
            // Re-binding: the proof was made for the other contract's digest.
            (
                "A of other contract",
                .init(
                    ephemeralKey: ct.ephemeralKey, maskedPreimage: ct.maskedPreimage, proof: ct.proof,
                    associatedDataDigest: other.ciphertext.associatedDataDigest)
            ),
        ]
        for (what, ciphertext) in tampered {
            #expect(!ciphertext.isValid(associatedData: fixture.contract), "\(what)")
            #expect(throws: ThresholdEncryptionError.invalidCiphertext, "\(what)") {
                try ThresholdEncryption.combine(
                    [(0, DecryptionShare(ciphertext.ephemeralKey * fixture.keys.secretKeyShares[0].secret.revealed))],
                    for: ciphertext, publicShares: fixture.publicShares)
            }
        }
        // A share of a valid ciphertext does not verify for another one.
        #expect(!ThresholdEncryption.verify(fixture.share(0)!, for: other.ciphertext, from: fixture.publicShares[0]!))
    }

    @Test func encryptionIsRandomized() {
        var rng = SeededRandom(seed: 11)
        let keys = TrustedDealer.dealKeysForTesting(threshold: 1, peers: 1, using: &rng)
        let key = EncryptionPublicKey(keys.aggregatePublicKey)
        let first = ThresholdEncryption.encrypt([UInt8](repeating: 7, count: 32), to: key, associatedData: [1])
        let second = ThresholdEncryption.encrypt([UInt8](repeating: 7, count: 32), to: key, associatedData: [1])
        #expect(first != second)
        #expect(first.isValid(associatedData: [1]) && second.isValid(associatedData: [1]))
    }
}

@Suite struct ThresholdEncryptionEncodingTests {
    @Test func canonicalRoundTrips() throws {
        let fixture = EncryptionFixture(threshold: 2, peers: 3, seed: 20)
        let ct = fixture.ciphertext
        #expect(ct.canonicalBytes.count == 208)
        #expect(try ThresholdCiphertext(canonicalBytes: ct.canonicalBytes) == ct)
        let share = try #require(fixture.share(1))
        #expect(share.canonicalBytes.count == 96)
        #expect(try DecryptionShare(canonicalBytes: share.canonicalBytes) == share)
        let key = EncryptionPublicKey(fixture.keys.aggregatePublicKey)
        #expect(try EncryptionPublicKey(canonicalBytes: key.canonicalBytes) == key)
        let publicShare = fixture.publicShares[2]!
        #expect(try DecryptionPublicKeyShare(canonicalBytes: publicShare.canonicalBytes) == publicShare)
        let secret = DecryptionKeyShare(fixture.keys.secretKeyShares[0])
        #expect(try DecryptionKeyShare(canonicalBytes: secret.canonicalBytes) == secret)
        #expect("\(secret)" == "DecryptionKeyShare(<redacted>)")
    }

    @Test func wrongLengthsAreRejected() {
        let fixture = EncryptionFixture(threshold: 1, peers: 1, seed: 21)
        let bytes = fixture.ciphertext.canonicalBytes
        #expect(throws: CryptoEncodingError.wrongLength(type: "ThresholdCiphertext", expected: 208, actual: 207)) {
            try ThresholdCiphertext(canonicalBytes: bytes.dropLast())
        }
        #expect(throws: CryptoEncodingError.wrongLength(type: "ThresholdCiphertext", expected: 208, actual: 209)) {
            try ThresholdCiphertext(canonicalBytes: bytes + [0])
        }
        #expect(throws: CryptoEncodingError.wrongLength(type: "DecryptionShare", expected: 96, actual: 48)) {
            try DecryptionShare(canonicalBytes: G1Point.generator.compressed)
        }
        #expect(throws: CryptoEncodingError.wrongLength(type: "EncryptionPublicKey", expected: 96, actual: 0)) {
            try EncryptionPublicKey(canonicalBytes: [])
        }
        #expect(throws: CryptoEncodingError.wrongLength(type: "SecretScalar", expected: 32, actual: 31)) {
            try DecryptionKeyShare(canonicalBytes: [UInt8](repeating: 1, count: 31))
        }
    }

    @Test func badPointsAreRejected() throws {
        let fixture = EncryptionFixture(threshold: 1, peers: 1, seed: 22)
        let bytes = fixture.ciphertext.canonicalBytes
        // The compression flag cleared in U, then in W.
        for offset in [0, 128] {
            var broken = bytes
            broken[offset] &= 0x7f
            #expect(throws: CryptoEncodingError.self) { try ThresholdCiphertext(canonicalBytes: broken) }
        }
        // W's x changed until it is no point of the subgroup (off the curve, or on it but outside G1).
        var rejected = 0
        for delta in UInt8(1)...16 {
            var changed = bytes
            changed[175] ^= delta
            guard (try? G1Point(compressed: changed[128..<176])) == nil else { continue }
            rejected += 1
            #expect(throws: CryptoEncodingError.self) { try ThresholdCiphertext(canonicalBytes: changed) }
        }
        #expect(rejected > 0)
        // The identity as U (an ephemeral key) is rejected; as a public key too.
        let identity = G2Point.identity.compressed
        #expect(throws: CryptoEncodingError.identityKey(type: "ThresholdCiphertext")) {
            try ThresholdCiphertext(canonicalBytes: identity + Array(bytes[96...]))
        }
        #expect(throws: CryptoEncodingError.identityKey(type: "EncryptionPublicKey")) {
            try EncryptionPublicKey(canonicalBytes: identity)
        }
        #expect(throws: CryptoEncodingError.identityKey(type: "DecryptionPublicKeyShare")) {
            try DecryptionPublicKeyShare(canonicalBytes: identity)
        }
        var share = fixture.share(0)!.canonicalBytes
        share[0] &= 0x7f
        #expect(throws: CryptoEncodingError.self) { try DecryptionShare(canonicalBytes: share) }
        #expect(throws: CryptoEncodingError.nonCanonicalScalar) {
            try DecryptionKeyShare(canonicalBytes: [UInt8](repeating: 0xff, count: 32))
        }
    }
}
