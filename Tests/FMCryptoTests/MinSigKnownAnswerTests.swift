import FMBLS12381
import FMCrypto
import FMTesting
import Testing

/// BLS min-sig (signature in G1, key in G2) known answers from py_ecc / blst:
/// the same equation a note's signature satisfies.
@Suite struct MinSigKnownAnswerTests {
    let section: JSONObject
    let domain: [UInt8]

    init() throws {
        section = try object(object(Fixtures.json("bls12381_kat.json"))["bls_min_sig"])
        domain = Array(try string(section["dst"]).utf8)
    }

    @Test func signaturesMatchAndVerify() throws {
        let signatures = try array(section["signatures"])
        #expect(signatures.count == 12)
        for case let vector as JSONObject in signatures {
            let secret = try SecretKeyShare(canonicalBytes: bytes(hex: string(vector["sk"])))
            let key = try AggregatePublicKey(canonicalBytes: bytes(hex: string(vector["pk"])))
            #expect(secret.publicKeyShare.point == key.point)
            let message = Message(hashing: bytes(hex: try string(vector["msg_hex"])), domain: domain)
            #expect(hex(message.canonicalBytes) == (try string(vector["H_msg"])))
            // Signing M directly is signing a blinded message with r = 1.
            let signature = Signature(secret.sign(BlindedMessage(message.point)).point)
            #expect(hex(signature.canonicalBytes) == (try string(vector["signature"])))
            let decoded = try Signature(canonicalBytes: bytes(hex: string(vector["signature"])))
            #expect(key.verify(decoded, on: message))
        }
    }

    /// Wrong message, wrong signer, negated signature, identity signature, identity key.
    @Test func negativeCasesAreRejected() throws {
        let negatives = try array(section["negative"])
        #expect(negatives.count == 5)
        for case let vector as JSONObject in negatives {
            let reason = try string(vector["reason"])
            let message = Message(hashing: Array(try string(vector["msg"]).utf8), domain: domain)
            let accepted: Bool
            do {
                let key = try AggregatePublicKey(canonicalBytes: bytes(hex: string(vector["pk"])))
                let signature = try Signature(canonicalBytes: bytes(hex: string(vector["signature"])))
                accepted = key.verify(signature, on: message) || key.verifyBatch([(message, signature)])
            } catch {
                accepted = false
            }
            #expect(!accepted, "\(reason)")
        }
    }

    @Test func identityKeyIsRejectedAtDecoding() throws {
        let identity = bytes(hex: "c0" + String(repeating: "00", count: 95))
        #expect(throws: CryptoEncodingError.identityKey(type: "AggregatePublicKey")) {
            try AggregatePublicKey(canonicalBytes: identity)
        }
    }
}
