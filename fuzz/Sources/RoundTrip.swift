import FMEncoding

/// The canonical encoding is unique: any input a decoder accepts must be exactly what encoding the decoded value
/// gives back (otherwise two byte strings mean one value, and a hash over the bytes is malleable), and decoding that
/// again must give the same value.
func checkCanonical<T: CanonicalCodable & Equatable>(_: T.Type, _ bytes: [UInt8]) {
    guard let value = try? T(canonicalBytes: bytes) else { return }
    let encoded = value.canonicalBytes
    require(encoded == bytes, "\(T.self): accepted \(hex(bytes)) but encodes as \(hex(encoded))")
    require((try? T(canonicalBytes: encoded)) == value, "\(T.self): decode(encode(x)) != x")
}

/// The first byte picks which decoder of a group gets the rest, so one target covers a family of types.
func dispatch(_ bytes: [UInt8], _ cases: [@Sendable ([UInt8]) -> Void]) {
    guard let selector = bytes.first else { return }
    cases[Int(selector) % cases.count](Array(bytes.dropFirst()))
}

/// A seed for a ``dispatch`` target: the selector byte, then the encoding.
func selected(_ selector: Int, _ bytes: [UInt8]) -> [UInt8] { [UInt8(selector)] + bytes }

func hex(_ bytes: [UInt8]) -> String {
    let shown = bytes.prefix(64).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
    return shown.joined() + (bytes.count > 64 ? "…(\(bytes.count) bytes)" : "")
}
