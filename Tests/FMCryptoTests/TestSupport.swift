import FMBLS12381
import FMCrypto
import FMTesting
import Testing

/// Field element from a hex string as the vector files print it ("0x…", any length).
func fp(_ text: String) throws -> Fp {
    let digits = text.hasPrefix("0x") ? String(text.dropFirst(2)) : text
    let padded = String(repeating: "0", count: max(0, 96 - digits.count)) + digits
    return try #require(Fp(bigEndianBytes: bytes(hex: padded)))
}

/// The affine point with the given hex coordinates.
func g1(x: String, y: String) throws -> G1Point {
    try G1Point(x: fp(x), y: fp(y))
}

func scalar(_ text: String) throws -> Scalar {
    try #require(Scalar(bigEndianBytes: bytes(hex: text)))
}

/// Decoded JSON object helpers.
typealias JSONObject = [String: Any]

func object(_ value: Any?) throws -> JSONObject { try #require(value as? JSONObject) }
func array(_ value: Any?) throws -> [Any] { try #require(value as? [Any]) }
func string(_ value: Any?) throws -> String { try #require(value as? String) }
