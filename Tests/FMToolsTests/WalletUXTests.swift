import FMTesting
import Foundation
import Testing

/// What a wallet user sees (issues 20 and 23), through the `fm-mint` command against real `fm-node` processes:
/// fees, pending money, the mint's keys, and spends that come back when not redeemed.
@Suite(.serialized) struct WalletUXTests {
    @Test("every money command prints fee_msat; reissue refuses fees over --max-fee or taking everything, nothing spent")
    func feesShown() throws {
        let federation = try EcashFederation(basePort: 18100)
        defer { federation.stop() }
        try federation.join("alice", "bob")
        let issued = try federation.mint("alice", ["dev-issue", "20000"])
        #expect(issued.status == 0, "\(issued.stderr)")
        let issueFee = try #require(try issued.json()["fee_msat"] as? Int)
        #expect(issueFee >= 200 && issueFee % 100 == 0)  // 1 input and at least 1 output at 100 msat each
        #expect(try federation.balance("alice") == 20_000 - issueFee)

        let info = try federation.mint("alice", ["info"]).json()
        let fees = try #require((info["mint"] as? [String: Any])?["fees"] as? [String: Any])
        #expect(fees["per_input_msat"] as? Int == 100 && fees["per_output_msat"] as? Int == 100)

        // A spend says what it cost the sender and what the receiver will pay.
        let spent = try federation.mint("alice", ["spend", "1000"])
        #expect(spent.status == 0, "\(spent.stderr)")
        let spend = try spent.json()
        let notes = try #require(spend["notes"] as? String)
        let receiverFee = try #require(spend["receiver_fee_msat"] as? Int)
        #expect(receiverFee > 0 && receiverFee < 1000)
        let senderFee = try #require(spend["fee_msat"] as? Int)
        #expect(try federation.balance("alice") == 20_000 - issueFee - 1000 - senderFee)

        // Over the limit: exit 1, one line naming --max-fee, nothing spent (the same string reissues afterwards).
        for limit in ["1%", "\(receiverFee - 1)"] {
            let refused = try federation.mint("bob", ["reissue", "--max-fee", limit, notes])
            #expect(refused.status == 1, "\(refused.stdout) \(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("--max-fee"), "\(refused.stderr)")
        }
        #expect(try federation.mint("bob", ["reissue", "--max-fee", "lots", notes]).status == 2)
        #expect(try federation.balance("bob") == 0)
        let received = try federation.mint("bob", ["reissue", "--max-fee", "\(receiverFee)", notes])
        #expect(received.status == 0, "\(received.stderr)")
        #expect(try received.json()["fee_msat"] as? Int == receiverFee)
        #expect(try federation.balance("bob") == 1000 - receiverFee)

        // A string worth less than its fees: the spend warns; the reissue refuses and spends nothing.
        let tiny = try federation.mint("alice", ["spend", "150"])
        #expect(tiny.status == 0 && tiny.stderr.contains("fees would take all"), "\(tiny.stderr)")
        #expect(try tiny.json()["receiver_fee_msat"] as? Int == 150)
        let tinyNotes = try #require(try tiny.json()["notes"] as? String)
        let refused = try federation.mint("bob", ["reissue", tinyNotes])
        #expect(refused.status == 1 && refused.stderr.contains("would take all"), "\(refused.stderr)")
        #expect(try federation.balance("bob") == 1000 - receiverFee)

        let audit = try federation.audit(0)
        let held = try federation.balance("alice") + federation.balance("bob")
        #expect(audit["liabilities"] as? Int == held + 150)  // the tiny string is still a liability, unredeemed
    }

    @Test("balance shows pending notes by operation while the federation is down; await finishes them; the total holds")
    func pendingShown() throws {
        let federation = try EcashFederation(basePort: 18110)
        defer { federation.stop() }
        try federation.join("alice", "bob")
        #expect(try federation.mint("alice", ["dev-issue", "20000"]).status == 0)
        let notes = try federation.spend("alice", 5000)
        federation.kill(2, signal: SIGTERM)
        federation.kill(3, signal: SIGTERM)
        let stuck = try federation.mint("bob", ["reissue", notes])
        #expect(stuck.status == 3, "\(stuck.stderr)")
        let running = try federation.mint("bob", ["list", "--running"]).json()["operations"] as? [[String: Any]]
        let id = try #require(running?.first?["id"] as? String)

        let balance = try federation.mint("bob", ["balance", "--offline"]).json()
        let pendingMsat = try #require(balance["pending_msat"] as? Int)
        #expect(pendingMsat > 4000 && pendingMsat < 5000)  // 5000 minus the reissue fee
        #expect(balance["spendable_msat"] as? Int == 0 && balance["total_msat"] as? Int == pendingMsat)
        let pending = try #require(balance["pending"] as? [[String: Any]])
        #expect(pending.count == 1 && pending[0]["operation_id"] as? String == id && pending[0]["direction"] as? String == "incoming")
        let text = try federation.mint("bob", ["balance", "--offline", "--text"])
        #expect(text.stdout.contains("pending") && text.stdout.contains(id), "\(text.stdout)")

        for peer in [2, 3] { try federation.start(peer) }
        for peer in [2, 3] { try federation.waitUntilServing(peer) }
        let finished = try federation.mint("bob", ["await", id])
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(try finished.json()["fee_msat"] as? Int == 5000 - pendingMsat)
        let after = try federation.mint("bob", ["balance", "--offline"]).json()
        #expect(after["spendable_msat"] as? Int == pendingMsat && after["pending_msat"] as? Int == 0)
        #expect(after["total_msat"] as? Int == pendingMsat && (after["pending"] as? [Any])?.isEmpty == true)
    }

    @Test("keys: aggregate key and shares per denomination, in info too; a real note checks out in Python")
    func keysForVerifiers() throws {
        let federation = try EcashFederation(basePort: 18140)
        defer { federation.stop() }
        try federation.join("alice")
        let keysResult = try federation.mint("alice", ["keys"])
        #expect(keysResult.status == 0, "\(keysResult.stderr)")
        let keys = try keysResult.json()
        let denominations = try #require(keys["denominations"] as? [[String: Any]])
        #expect(denominations.count == 41)  // 2^0 … 2^40 msat
        for (exponent, denomination) in denominations.enumerated() {
            #expect(denomination["exponent"] as? Int == exponent && denomination["amount_msat"] as? Int == 1 << exponent)
            #expect((denomination["aggregate_public_key"] as? String)?.count == 192)
            let shares = try #require(denomination["public_key_shares"] as? [[String: Any]])
            #expect(shares.map { $0["peer_id"] as? Int } == [0, 1, 2, 3] && shares.map { $0["x"] as? Int } == [1, 2, 3, 4])
            #expect(shares.allSatisfy { ($0["public_key_share"] as? String)?.count == 192 })
        }
        #expect(keys["dst"] as? String == "FM-V01-CS01-with-BLS12381G1_XMD:SHA-256_SSWU_RO_")
        #expect((keys["encoding"] as? String)?.contains("compressed") == true && keys["threshold"] as? Int == 3)
        let info = try federation.mint("alice", ["info"]).json()
        let infoKeys = try #require((info["mint"] as? [String: Any])?["keys"] as? [String: Any])
        #expect(NSDictionary(dictionary: infoKeys).isEqual(to: keys))

        try PythonOracle.requireOrSkip("py_ecc", "coincurve")
        #expect(try federation.mint("alice", ["dev-issue", "5000"]).status == 0)
        let note = try federation.spend("alice", 1024)
        let keysFile = federation.directory.appendingPathComponent("keys.json")
        try Data(keysResult.stdout.utf8).write(to: keysFile)
        let script = federation.directory.appendingPathComponent("check_note.py")
        try Data(try Self.protocolSnippet().utf8).write(to: script)
        let checked = try ToolRunner.run(executable: PythonOracle.python, [script.path, keysFile.path, note])
        #expect(checked.status == 0 && checked.stdout.hasPrefix("10 ") && checked.stdout.hasSuffix(" valid\n"), "\(checked.stdout) \(checked.stderr)")
        // The same note against another denomination's key fails: the check can say no.
        var swapped = keys
        var tiers = denominations
        tiers[10]["aggregate_public_key"] = tiers[11]["aggregate_public_key"]
        swapped["denominations"] = tiers
        try JSONSerialization.data(withJSONObject: swapped).write(to: keysFile)
        let forged = try ToolRunner.run(executable: PythonOracle.python, [script.path, keysFile.path, note])
        #expect(forged.stdout.hasSuffix(" INVALID\n"), "\(forged.stdout) \(forged.stderr)")
    }

    @Test("a stored mint key that does not decode: balance still runs; checking notes fails with one line, no trap")
    func corruptStoredKey() throws {
        let federation = try EcashFederation(basePort: 18070)
        defer { federation.stop() }
        try federation.join("alice", "bob")
        #expect(try federation.mint("alice", ["dev-issue", "5000"]).status == 0)
        let note = try federation.spend("alice", 1024)  // one note of 2^10 msat
        // Bob's stored config: the last byte of denomination 2^10's aggregate key flipped, so the bytes are not a
        // point of G2 (not on the curve, or on it outside the subgroup).
        let database = try Self.clientDatabase(federation, "bob")
        let script = """
            import json, sqlite3, sys
            db = sqlite3.connect(sys.argv[1], timeout=20)
            config = json.loads(db.execute("SELECT config FROM client_federation WHERE id = 1").fetchone()[0])
            mint = next(m for m in config["modules"] if m["kind"] == "mint")
            keys = mint["config"]["denominations"][10]
            raw = bytearray.fromhex(keys["aggregate_public_key"])
            raw[-1] ^= 1
            keys["aggregate_public_key"] = raw.hex()
            db.execute("UPDATE client_federation SET config = ? WHERE id = 1", (json.dumps(config),))
            db.commit()
            """
        let edited = try ToolRunner.run(executable: URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, database])
        try #require(edited.status == 0, "\(edited.stderr)")

        // Nothing in balance needs the key, so nothing decodes it.
        let balance = try federation.mint("bob", ["balance", "--offline"])
        #expect(balance.status == 0, "\(balance.stderr)")
        // Checking the note needs it: decoded, refused, reported on one line naming the denomination.
        let checked = try federation.mint("bob", ["validate", note])
        #expect(checked.status == 1, "\(checked.stderr)")
        #expect(checked.stderr.contains("invalid mint config") && checked.stderr.contains("aggregate public key"), "\(checked.stderr)")
        #expect(checked.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(checked.stderr)")
        // The untouched wallet still checks the same note.
        #expect(try federation.mint("alice", ["validate", note]).status == 0)
    }

    /// The client database of `wallet` (its one federation).
    static func clientDatabase(_ federation: EcashFederation, _ wallet: String) throws -> String {
        let directory = federation.directory.appendingPathComponent("\(wallet)/federations")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sqlite") }
        guard files.count == 1 else { throw EcashFederationError("\(wallet) has \(files.count) federation databases") }
        return directory.appendingPathComponent(files[0]).path
    }

    /// The Python check of docs/protocol.md (the ```python block after `<!-- note-check -->`), run as written.
    static func protocolSnippet() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
        guard let marker = doc.range(of: "<!-- note-check -->"),
            let open = doc.range(of: "```python\n", range: marker.upperBound..<doc.endIndex),
            let close = doc.range(of: "```", range: open.upperBound..<doc.endIndex)
        else { throw EcashFederationError("docs/protocol.md has no note-check snippet") }
        return String(doc[open.upperBound..<close.lowerBound])
    }
}
