import FMBitcoin

/// A test helper that edits an invoice's bech32 parts and re-checksums it, to build malformed invoices.
struct Bech32Parts {
    var hrp: String
    var data: [UInt8]

    init(_ string: String) throws {
        let decoded = try Bech32.decode(string, maxLength: 100_000)
        hrp = decoded.hrp
        data = decoded.data
    }

    func with(hrp: String? = nil, data: [UInt8]? = nil) throws -> String {
        try Bech32.encode(hrp: hrp ?? self.hrp, data: data ?? self.data, variant: .bech32, maxLength: 100_000)
    }
}
