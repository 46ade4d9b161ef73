import FMBitcoin
import FMBolt11
import FMSecp256k1
import Foundation

/// BOLT 11 invoices: what a user pastes into `fm-ln-pay pay` and what the gateway is handed in `pay`.
let bolt11Targets: [FuzzTarget] = [
    FuzzTarget(name: "bolt11", run: checkBolt11, seeds: bolt11Seeds)
]

/// The key the round trip re-signs with (any key: the property is about the fields, not the signer).
private let resigningKey = SecretKey(rawValue: 0x11)

/// The first byte picks the mode: even, the rest is the text as pasted; odd, the text's bech32 checksum is made valid
/// first, so that mutations reach the tagged fields and the signature instead of dying at the checksum.
@Sendable private func checkBolt11(_ bytes: [UInt8]) {
    guard let mode = bytes.first, let pasted = String(validating: bytes.dropFirst(), as: UTF8.self) else { return }
    guard let text = mode % 2 == 0 ? pasted : withValidChecksum(pasted), let signed = try? SignedInvoice(text) else { return }
    // Decoding is a function of the text; what a payer reads from an accepted invoice never traps.
    require((try? SignedInvoice(text)) == signed, "bolt11: two decodings of one text differ")
    _ = (signed.invoice.expiresAt, signed.invoice.isExpired(at: .max), signed.invoice.expirySeconds)
    // Writing the decoded fields again (signed by another key, without `n`) and reading them back gives the same
    // fields: the decoder keeps nothing the writer cannot express, and drops nothing it read.
    var fields = signed.invoice
    fields.payeeNodeKey = nil
    guard let rewritten = try? fields.signed(by: resigningKey) else { return }
    let reread = try? SignedInvoice(rewritten.string)
    require(reread?.invoice == fields, "bolt11: re-signed fields read back differently from \(text.prefix(80))")
    require(reread?.payeeNodeKey == resigningKey.publicKey, "bolt11: re-signed invoice recovers another key")
}

private let bech32Characters = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l")

/// `text` with its last six data characters replaced by a valid bech32 checksum (nil if it is not `hrp1data`).
private func withValidChecksum(_ text: String) -> String? {
    let lower = text.lowercased()
    guard let separator = lower.lastIndex(of: "1") else { return nil }
    var data: [UInt8] = []
    for character in lower[lower.index(after: separator)...] {
        guard let value = bech32Characters.firstIndex(of: character) else { return nil }
        data.append(UInt8(value))
    }
    guard data.count >= 6 else { return nil }
    return try? Bech32.encode(
        hrp: String(lower[..<separator]), data: Array(data.dropLast(6)), variant: .bech32, maxLength: SignedInvoice.maximumLength)
}

/// Every invoice of BOLT 11's examples (valid and invalid, Tests/Vectors/bolt11_vectors.json; `bin/fuzz --seed`
/// runs in the repository root) and one written here with every optional field.
@Sendable private func bolt11Seeds() -> [[UInt8]] {
    let data = try! Data(contentsOf: URL(fileURLWithPath: "Tests/Vectors/bolt11_vectors.json"))
    let vectors = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    var texts = (["valid", "invalid"]).flatMap { (vectors[$0] as! [[String: Any]]).map { $0["invoice"] as! String } }
    let written = Invoice(
        network: .regtest, amountMsat: 25_000, timestamp: 1_700_000_000, paymentHash: Array(repeating: 1, count: 32),
        paymentSecret: Array(repeating: 2, count: 32), description: "coffee", payeeNodeKey: resigningKey.publicKey,
        expiry: 600, minFinalCLTVExpiryDelta: 40, metadata: [0xfe, 0xed])
    texts.append(try! written.signed(by: resigningKey).string)
    return texts.map { [0] + Array($0.utf8) } + texts.map { [1] + Array($0.utf8) }
}
