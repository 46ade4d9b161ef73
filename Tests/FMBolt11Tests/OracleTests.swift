import FMBitcoin
import FMBolt11
import FMSecp256k1
import FMTesting
import Foundation
import Testing

/// Invoices fm writes, read back by an independent decoder: the `bolt11` Python package (bin/lib.sh pins it).
/// Skipped when it is not installed, unless FM_REQUIRE_ORACLES=1.
@Suite(.enabled(if: PythonOracle.enabled("bolt11")))
struct Bolt11OracleTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("oracle/bolt11_decode.py")

    /// A spread of invoices from seeded keys: every network, amounts from 1 msat to whole bitcoin, each field.
    static func generated() throws -> [SignedInvoice] {
        var rng = SeededRandom(seed: 11)
        let networks: [Invoice.Network] = [.bitcoin, .testnet, .signet, .regtest]
        let amounts: [UInt64?] = [nil, 1, 10, 1_000, 150_000, 2_500_000, 123_456_789, 100_000_000_000, 42]
        var out: [SignedInvoice] = []
        for (index, amount) in amounts.enumerated() {
            let key = SecretKey(using: &rng)
            var invoice = Invoice(
                network: networks[index % networks.count], amountMsat: amount,
                timestamp: 1_700_000_000 + UInt64(index) * 7919,
                paymentHash: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) },
                paymentSecret: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) },
                description: index % 3 == 1 ? nil : "fm invoice \(index) ☕ ナンセンス")
            if index % 3 == 1 { invoice.descriptionHash = sha256(Array("long description \(index)".utf8)) }
            if index % 2 == 0 { invoice.expiry = UInt64(60 * (index + 1)) }
            if index % 4 == 0 { invoice.minFinalCLTVExpiryDelta = UInt64(9 + index) }
            if index == 4 { invoice.payeeNodeKey = key.publicKey }
            if index == 5 {
                invoice.fallbackAddresses = [.init(version: 0, program: (0..<20).map { UInt8($0) })]
            }
            if index == 6 {
                invoice.routeHints = [[
                    .init(
                        nodeID: SecretKey(using: &rng).publicKey, shortChannelID: 103 << 40 | 1 << 16 | 0,
                        feeBaseMsat: 1_000, feeProportionalMillionths: 100, cltvExpiryDelta: 40)
                ]]
            }
            if index == 7 {
                invoice.features = FeatureBits([8, 14, 17, 48])
                invoice.metadata = [0x01, 0xfa, 0xfa, 0xf0]
            }
            out.append(try invoice.signed(by: key))
        }
        return out
    }

    @Test func independentDecoderAgrees() throws {
        let invoices = try Self.generated()
        let input = String(decoding: try JSONSerialization.data(withJSONObject: invoices.map(\.string)), as: UTF8.self)
        let output = try PythonOracle.run(script: Self.script, stdin: input)
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        #expect(decoded.count == invoices.count)
        for (signed, theirs) in zip(invoices, decoded) {
            #expect(theirs["error"] == nil, "\(signed.string): \(theirs["error"] ?? "")")
            let invoice = signed.invoice
            let currency = theirs["currency"] as? String
            #expect(currency == invoice.network.currencyPrefix, "\(signed.string)")
            #expect((theirs["amount_msat"] as? NSNumber)?.uint64Value ?? 0 == invoice.amountMsat ?? 0)
            #expect((theirs["date"] as? NSNumber)?.uint64Value == invoice.timestamp)
            #expect(theirs["payment_hash"] as? String == hex(invoice.paymentHash))
            #expect(theirs["payment_secret"] as? String == hex(invoice.paymentSecret))
            #expect(theirs["description"] as? String == invoice.description)
            #expect(theirs["description_hash"] as? String == invoice.descriptionHash.map(hex))
            #expect((theirs["expiry"] as? NSNumber)?.uint64Value == invoice.expirySeconds)
            #expect((theirs["min_final_cltv_expiry"] as? NSNumber)?.uint64Value == invoice.minFinalCLTVExpiry)
            #expect(theirs["payee"] as? String == hex(signed.payeeNodeKey.compressed))
            #expect(theirs["feature_bits"] as? [Int] == invoice.features.bits)
            #expect(theirs["metadata"] as? String == invoice.metadata.map(hex))
            if let fallback = invoice.fallbackAddresses.first {
                let address = try SegwitAddress(
                    network: invoice.network.bitcoinNetwork, version: Int(fallback.version), program: fallback.program)
                #expect(theirs["fallback"] as? String == address.string)
            }
            let routes = theirs["route_hints"] as? [[[String: Any]]] ?? []
            #expect(routes.count == invoice.routeHints.count)
            for (ours, hop) in zip(invoice.routeHints.flatMap { $0 }, routes.flatMap { $0 }) {
                #expect(hop["public_key"] as? String == hex(ours.nodeID.compressed))
                #expect(hop["short_channel_id"] as? String == ours.shortChannelIDString)
                #expect(hop["base_fee"] as? Int == Int(ours.feeBaseMsat))
                #expect(hop["ppm_fee"] as? Int == Int(ours.feeProportionalMillionths))
                #expect(hop["cltv_expiry_delta"] as? Int == Int(ours.cltvExpiryDelta))
            }
        }
    }

    /// The oracle also refuses what fm refuses: a flipped character breaks the checksum for both.
    @Test func independentDecoderRejectsTampering() throws {
        let signed = try Self.generated()[2]
        var chars = Array(signed.string)
        chars[chars.count - 10] = chars[chars.count - 10] == "q" ? "p" : "q"
        let tampered = String(chars)
        #expect(throws: Bolt11Error.wrongChecksum) { try SignedInvoice(tampered) }
        let input = String(decoding: try JSONSerialization.data(withJSONObject: [tampered]), as: UTF8.self)
        let output = try PythonOracle.run(script: Self.script, stdin: input)
        #expect(output.contains("\"error\""))
    }
}
