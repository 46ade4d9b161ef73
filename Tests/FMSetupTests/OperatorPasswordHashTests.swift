import FMCore
import Testing

@testable import FMSetup

@Suite struct OperatorPasswordHashTests {
    /// RFC 7914 §12 test vectors (the 2^20 one is left out: 1 GiB of memory).
    @Test(arguments: [
        ("", "", 4, 1, 1,
         "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
        ("password", "NaCl", 10, 8, 16,
         "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
        ("pleaseletmein", "SodiumChloride", 14, 8, 1,
         "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"),
    ])
    func rfc7914Vectors(password: String, salt: String, log2N: Int, r: Int, p: Int, expected: String) throws {
        let derived = try OperatorPasswordHash.scrypt(
            Array(password.utf8), salt: Array(salt.utf8), log2N: log2N, r: r, p: p, length: 64)
        #expect(Hex.encode(derived) == expected)
    }

    @Test func hashRoundTripsAndChecksThePassword() throws {
        let hash = try OperatorPasswordHash.make(password: "correct horse battery", log2N: 10)
        let line = hash.description
        #expect(!line.contains("correct"))
        let parsed = try OperatorPasswordHash(parsing: line + "\n")
        #expect(parsed == hash)
        #expect(parsed.matches("correct horse battery"))
        #expect(!parsed.matches("correct horse batterY"))
        #expect(!parsed.matches(""))
        // A fresh salt each time: the same password never gives the same line.
        #expect(try OperatorPasswordHash.make(password: "correct horse battery", log2N: 10).description != line)
    }

    @Test(arguments: [
        "", "scrypt$15$8$1$00", "bcrypt$15$8$1$0011223344556677$" + String(repeating: "00", count: 32),
        "scrypt$30$8$1$0011223344556677$" + String(repeating: "00", count: 32),  // 2^30: unbounded memory
        "scrypt$15$99$1$0011223344556677$" + String(repeating: "00", count: 32),
        "scrypt$15$8$1$zz$" + String(repeating: "00", count: 32),
        "scrypt$15$8$1$0011223344556677$00",
    ])
    func refusesMalformedOrHostileHashFiles(text: String) {
        #expect(throws: InvalidInput.self) { try OperatorPasswordHash(parsing: text) }
    }
}
