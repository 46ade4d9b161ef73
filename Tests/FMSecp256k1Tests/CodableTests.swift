import FMSecp256k1
import FMTesting
import Foundation
import Testing

struct CodableTests {
    struct Bundle: Codable, Equatable {
        var key: PublicKey
        var xonly: XOnlyPublicKey
        var schnorr: SchnorrSignature
        var ecdsa: ECDSASignature
    }

    @Test func publicValuesRoundTripAsHex() throws {
        var rng = SeededRandom(seed: 1)
        let keypair = Keypair(using: &rng)
        let message = rng.bytes(32)
        let bundle = Bundle(
            key: keypair.publicKey, xonly: keypair.xOnlyPublicKey,
            schnorr: try keypair.signSchnorr(message: message, auxiliaryRandomness: rng.bytes(32)),
            ecdsa: try keypair.secretKey.signECDSA(messageHash: message))
        let json = try JSONEncoder().encode(bundle)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(hex(keypair.publicKey.compressed)))
        #expect(try JSONDecoder().decode(Bundle.self, from: json) == bundle)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([PublicKey].self, from: Data(#"["zz"]"#.utf8))
        }
        #expect(throws: Secp256k1Error.self) {
            try JSONDecoder().decode([PublicKey].self, from: Data(#"["0500"]"#.utf8))
        }
    }

    @Test func publicKeysSortByCompressedEncoding() {
        var rng = SeededRandom(seed: 2)
        let keys = (0..<6).map { _ in SecretKey(using: &rng).publicKey }
        #expect(keys.sorted().map(\.compressed) == keys.map(\.compressed).sorted { $0.lexicographicallyPrecedes($1) })
    }
}
