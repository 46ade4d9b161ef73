import Foundation

/// Known-answer files shared by every test target, kept in `Tests/Vectors/`.
///
/// Located from this file's path so that tests read the checked-in copies
/// whatever the build configuration or working directory.
public enum Fixtures {
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // FMTesting
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Vectors", isDirectory: true)

    public static func url(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    public static func data(_ name: String) throws -> Data {
        try Data(contentsOf: url(name))
    }

    public static func string(_ name: String) throws -> String {
        try String(decoding: data(name), as: UTF8.self)
    }

    /// Parses a JSON fixture into Foundation collections (`[String: Any]`, `[Any]`).
    public static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: data(name))
    }
}

/// Hex helpers for fixtures (test-only; the product has its own in FMCore).
public func bytes(hex: String) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(hex.utf8.count / 2)
    var high: UInt8? = nil
    for c in hex.utf8 {
        let v: UInt8
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
        default: preconditionFailure("invalid hex digit in fixture: \(hex)")
        }
        if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
    }
    precondition(high == nil, "odd-length hex in fixture: \(hex)")
    return out
}

public func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xf)]) }
    return String(decoding: out, as: UTF8.self)
}
