import FMSecp256k1
import FMTesting
import Testing

/// Every row of the BIP-340 test vector CSV.
struct BIP340Tests {
    struct Row: CustomTestStringConvertible, Sendable {
        let index: Int
        let secretKey: [UInt8]?
        let publicKey: [UInt8]
        let auxRand: [UInt8]?
        let message: [UInt8]
        let signature: [UInt8]
        let valid: Bool
        let comment: String
        var testDescription: String { "row \(index) \(comment)" }
    }

    static let rows: [Row] = {
        let text = try! Fixtures.string("bip340_test_vectors.csv")
        return text.split(whereSeparator: \.isNewline).dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Row(
                index: Int(f[0])!, secretKey: f[1].isEmpty ? nil : bytes(hex: f[1]), publicKey: bytes(hex: f[2]),
                auxRand: f[3].isEmpty ? nil : bytes(hex: f[3]), message: bytes(hex: f[4]),
                signature: bytes(hex: f[5]), valid: f[6] == "TRUE", comment: f.count > 7 ? f[7] : "")
        }
    }()

    @Test func csvHasAllRows() {
        #expect(Self.rows.count == 19)
        #expect(Self.rows.filter { !$0.valid }.count == 10)
        #expect(Set(Self.rows.map(\.message.count)) == [0, 1, 17, 32, 100])
    }

    @Test(arguments: rows.filter { $0.secretKey != nil })
    func signingReproducesSignature(row: Row) throws {
        let keypair = Keypair(secretKey: try SecretKey(rawRepresentation: row.secretKey!))
        #expect(keypair.xOnlyPublicKey.rawRepresentation == row.publicKey)
        let signature = try keypair.signSchnorr(message: row.message, auxiliaryRandomness: row.auxRand!)
        #expect(signature.rawRepresentation == row.signature)
    }

    @Test(arguments: rows)
    func verificationGivesExpectedResult(row: Row) throws {
        let signature = try SchnorrSignature(rawRepresentation: row.signature)
        // A public key that does not parse makes verification fail.
        let verified = (try? XOnlyPublicKey(rawRepresentation: row.publicKey))
            .map { $0.isValidSchnorrSignature(signature, for: row.message) } ?? false
        #expect(verified == row.valid)
    }

    @Test func unparseablePublicKeysAreTheExpectedRows() {
        let failing = Self.rows.filter { (try? XOnlyPublicKey(rawRepresentation: $0.publicKey)) == nil }.map(\.index)
        #expect(failing == [5, 14])
        #expect(throws: Secp256k1Error.invalidXOnlyPublicKey) {
            try XOnlyPublicKey(rawRepresentation: Self.rows[5].publicKey)
        }
    }

    @Test func randomizedSigningVerifiesAndDiffers() {
        let keypair = Keypair()
        let message = Array("fm".utf8)
        let a = keypair.signSchnorr(message: message)
        let b = keypair.signSchnorr(message: message)
        #expect(a != b)  // fresh aux randomness each time
        #expect(keypair.xOnlyPublicKey.isValidSchnorrSignature(a, for: message))
        #expect(keypair.xOnlyPublicKey.isValidSchnorrSignature(b, for: message))
        #expect(!keypair.xOnlyPublicKey.isValidSchnorrSignature(a, for: Array("fM".utf8)))
    }

    @Test func wrongLengthsAreRejected() throws {
        let keypair = Keypair()
        #expect(throws: Secp256k1Error.invalidLength(field: "auxiliary randomness", expected: [32], actual: 31)) {
            try keypair.signSchnorr(message: [], auxiliaryRandomness: [UInt8](repeating: 0, count: 31))
        }
        #expect(throws: Secp256k1Error.invalidLength(field: "Schnorr signature", expected: [64], actual: 63)) {
            try SchnorrSignature(rawRepresentation: [UInt8](repeating: 0, count: 63))
        }
    }
}
