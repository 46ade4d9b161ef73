import FMBolt11
import FMSecp256k1
import FMTesting
import Testing

/// Writing invoices and reading them back, amounts, defaults, and the errors bad input gets.
struct InvoiceTests {
    static let key = try! SecretKey(rawRepresentation: [UInt8](repeating: 0x42, count: 32))

    static func sample(amountMsat: UInt64? = 150_000, network: Invoice.Network = .regtest) -> Invoice {
        Invoice(
            network: network, amountMsat: amountMsat, timestamp: 1_700_000_000,
            paymentHash: [UInt8](repeating: 0xab, count: 32), paymentSecret: [UInt8](repeating: 0x11, count: 32),
            description: "fm test")
    }

    @Test(arguments: [
        (UInt64(1), "lnbcrt10p1"), (100, "lnbcrt1n1"), (150_000, "lnbcrt1500n1"), (100_000, "lnbcrt1u1"),
        (250_000_000, "lnbcrt2500u1"), (2_000_000_000, "lnbcrt20m1"), (100_000_000_000, "lnbcrt11"),
        (967_878_534, "lnbcrt9678785340p1"), (21_000_000 * 100_000_000_000, "lnbcrt210000001"),
    ] as [(UInt64, String)])
    func amountsUseTheShortestMultiplier(msat: UInt64, prefix: String) throws {
        let signed = try Self.sample(amountMsat: msat).signed(by: Self.key)
        #expect(signed.string.hasPrefix(prefix))
        #expect(try SignedInvoice(signed.string).invoice.amountMsat == msat)
    }

    @Test func roundTripsEveryField() throws {
        var invoice = Self.sample(amountMsat: nil, network: .signet)
        invoice.description = nil
        invoice.descriptionHash = [UInt8](repeating: 7, count: 32)
        invoice.payeeNodeKey = Self.key.publicKey
        invoice.expiry = 86_400
        invoice.minFinalCLTVExpiryDelta = 144
        invoice.fallbackAddresses = [
            .init(version: 0, program: [UInt8](repeating: 1, count: 20)),
            .init(version: 17, program: [UInt8](repeating: 2, count: 20)),
        ]
        invoice.routeHints = [[
            .init(
                nodeID: Self.key.publicKey, shortChannelID: 0x0102_0304_0506_0708, feeBaseMsat: .max,
                feeProportionalMillionths: 20, cltvExpiryDelta: .max)
        ]]
        invoice.features = FeatureBits([8, 14, 17, 49, 255])
        invoice.metadata = [0x01, 0xfa, 0xfa, 0xf0]
        invoice.unknownFields = [.init(type: 10, data: [1, 2, 3])]
        let signed = try invoice.signed(by: Self.key)
        #expect(signed.string.hasPrefix("lntbs1"))
        let decoded = try SignedInvoice(signed.string)
        #expect(decoded.invoice == invoice)
        #expect(decoded.payeeNodeKey == Self.key.publicKey)
        #expect(decoded == signed)
        #expect(try SignedInvoice(signed.string.uppercased()) == signed)
        #expect(try SignedInvoice("lightning:" + signed.string) == signed)
    }

    @Test func defaultsAndExpiry() throws {
        let decoded = try SignedInvoice(try Self.sample().signed(by: Self.key).string).invoice
        #expect(decoded.expiry == nil && decoded.expirySeconds == 3600)
        #expect(decoded.minFinalCLTVExpiryDelta == nil && decoded.minFinalCLTVExpiry == 18)
        #expect(decoded.expiresAt == 1_700_003_600)
        #expect(!decoded.isExpired(at: 1_700_003_599))
        #expect(decoded.isExpired(at: 1_700_003_600))
        var huge = decoded
        huge.expiry = .max
        #expect(huge.expiresAt == .max)
    }

    @Test func signetAcceptsTheOldPrefix() throws {
        // Re-encode the data part under "lnsb": same fields, a checksum for that prefix.
        let signed = try Self.sample(amountMsat: nil, network: .signet).signed(by: Self.key)
        #expect(signed.string.hasPrefix("lntbs1"))
        #expect(throws: Bolt11Error.unknownNetwork("lnxx")) {
            try SignedInvoice(try Self.retagged(signed.string, hrp: "lnxx"))
        }
        // The signature covers the prefix, so a retagged invoice decodes but recovers another key.
        let legacy = try SignedInvoice(try Self.retagged(signed.string, hrp: "lnsb"))
        #expect(legacy.invoice.network == .signet)
        #expect(legacy.payeeNodeKey != Self.key.publicKey)
    }

    @Test func rejectsBadInputNamingTheField() throws {
        let good = try Self.sample().signed(by: Self.key).string
        var flipped = Array(good)
        flipped[20] = flipped[20] == "q" ? "p" : "q"
        #expect(throws: Bolt11Error.wrongChecksum) { try SignedInvoice(String(flipped)) }
        #expect(throws: Bolt11Error.self) { try SignedInvoice(String(good.dropLast(30))) }
        #expect(throws: Bolt11Error.unknownNetwork("lnxyz")) { try SignedInvoice(try Self.retagged(good, hrp: "lnxyz1u")) }
        #expect(throws: Bolt11Error.unknownNetwork("bc1u")) { try SignedInvoice(try Self.retagged(good, hrp: "bc1u")) }
        #expect(throws: Bolt11Error.invalidAmount("'01u' has a leading zero or is zero")) {
            try SignedInvoice(try Self.retagged(good, hrp: "lnbcrt01u"))
        }
        #expect(throws: Bolt11Error.invalidAmount("'99999999999999999999m' does not fit 64 bits")) {
            try SignedInvoice(try Self.retagged(good, hrp: "lnbcrt99999999999999999999m"))
        }
        #expect(throws: Bolt11Error.invalidAmount("'999999999999m' does not fit 64 bits of millisatoshi")) {
            try SignedInvoice(try Self.retagged(good, hrp: "lnbcrt999999999999m"))
        }
        #expect("\(Bolt11Error.invalidField(field: "p (payment_hash)", reason: "x"))" == "invoice field p (payment_hash): x")
    }

    @Test func truncatedFieldIsNamed() throws {
        // A data part whose last field announces more groups than there are.
        let key = Self.key
        var invoice = Self.sample()
        invoice.unknownFields = [.init(type: 10, data: [UInt8](repeating: 0, count: 5))]
        let good = try invoice.signed(by: key).string
        let decoded = try Bech32Parts(good)
        // The unknown field sits last: its header is 3 groups before its 5 data groups, before the signature.
        var data = decoded.data
        let lengthIndex = data.count - 104 - 5 - 1
        data[lengthIndex] = 20
        #expect(throws: Bolt11Error.truncated(field: "field 2")) { try SignedInvoice(try decoded.with(data: data)) }
    }

    @Test func writerRejectsInconsistentContent() throws {
        var invoice = Self.sample()
        invoice.paymentHash = [1, 2, 3]
        #expect(throws: Bolt11Error.invalidField(field: "p (payment_hash)", reason: "3 bytes, expected 32")) {
            try invoice.signed(by: Self.key)
        }
        invoice = Self.sample()
        invoice.descriptionHash = [UInt8](repeating: 0, count: 32)
        #expect(throws: Bolt11Error.self) { try invoice.signed(by: Self.key) }
        invoice = Self.sample()
        invoice.payeeNodeKey = try SecretKey(rawRepresentation: [UInt8](repeating: 9, count: 32)).publicKey
        #expect(throws: Bolt11Error.invalidField(field: "n (payee node key)", reason: "is not the signing key")) {
            try invoice.signed(by: Self.key)
        }
        invoice = Self.sample()
        invoice.amountMsat = 0
        #expect(throws: Bolt11Error.invalidAmount("0 msat: omit the amount instead")) { try invoice.signed(by: Self.key) }
        invoice = Self.sample()
        invoice.description = String(repeating: "x", count: 640)
        #expect(throws: Bolt11Error.self) { try invoice.signed(by: Self.key) }
        invoice.description = String(repeating: "x", count: 639)
        #expect(try SignedInvoice(try invoice.signed(by: Self.key).string).invoice.description?.count == 639)
    }

    @Test func unknownEvenFeatureIsRefusedUnlessOnlyDisplaying() throws {
        var invoice = Self.sample()
        invoice.features = FeatureBits([8, 14, 100])
        let string = try invoice.signed(by: Self.key).string
        #expect(throws: Bolt11Error.unsupportedFeatures("unknown compulsory feature bit(s) [100]")) {
            try SignedInvoice(string)
        }
        #expect(try SignedInvoice(string, options: .init(checkFeatures: false)).invoice.features.bits == [8, 14, 100])
        invoice.features = FeatureBits([14, 16])
        #expect(throws: Bolt11Error.unsupportedFeatures("feature 14 set without its dependency 8")) {
            try SignedInvoice(try invoice.signed(by: Self.key).string)
        }
    }

    /// Replaces the human-readable part, recomputing the checksum (the signature is left as it was).
    static func retagged(_ invoice: String, hrp: String) throws -> String {
        try Bech32Parts(invoice).with(hrp: hrp)
    }
}
