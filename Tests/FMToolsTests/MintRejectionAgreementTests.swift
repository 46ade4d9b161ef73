import FMCore
import FMEncoding
import FMMintClient
import FMMintCommon
import FMSecp256k1
import FMTesting
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Review 9: a guardian remembers the notes whose signatures verified at submission (CheckedPayloads), but every
/// guardian must still answer the same transaction with the same rejection: a client takes `submit_transaction` and
/// `await_transaction` only on t identical answers, and names the guardians that differ as faulty.
@Suite(.serialized) struct MintRejectionAgreementTests {
    @Test("a note sent earlier to two guardians alone does not change their rejection of a transaction that adds a forged note")
    func rejectionDoesNotDependOnEarlierSubmissions() async throws {
        let federation = try EcashFederation(basePort: 18020)
        defer { federation.stop() }
        try federation.join("alice")
        #expect(try federation.mint("alice", ["dev-issue", "1024"]).status == 0)
        let note = try #require(try NoteString(parsing: try federation.spend("alice", 512)).notes.first)
        let forgerKey = Keypair(secretKey: SecretKey())
        let forged = Note(denomination: note.note.denomination, nonce: forgerKey.xOnlyPublicKey, signature: note.note.signature)

        func transaction(_ notes: [(note: Note, key: Keypair)]) -> String {
            var transaction = Transaction(
                inputs: notes.map { ModuleItem(module: ModuleInstanceID(0), encoding: MintInput.note($0.note)) }, outputs: [],
                nonce: .random())
            let txid = transaction.txid.hash.bytes
            transaction.signatures = notes.map { $0.key.signSchnorr(message: txid) }
            return Hex.encode(transaction.canonicalBytes)
        }
        func submit(_ hex: String, to peer: Int) async throws -> String {
            var request = URLRequest(url: federation.rpcURL(peer))
            request.httpMethod = "POST"
            request.httpBody = try JSONSerialization.data(withJSONObject: [
                "jsonrpc": "2.0", "id": 1, "method": "submit_transaction", "params": ["transaction": hex],
            ])
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.timeoutInterval = 20
            let (data, _) = try await URLSession.shared.data(for: request)
            let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
            let error = try #require(json["error"], "\(json)")
            return String(decoding: try JSONSerialization.data(withJSONObject: error, options: .sortedKeys), as: UTF8.self)
        }

        // The valid note alone (unbalanced: refused, but its signature verified) to guardians 0 and 1 only.
        let alone = transaction([(note.note, note.spendKey)])
        for peer in 0..<2 { _ = try await submit(alone, to: peer) }
        let mixed = transaction([(note.note, note.spendKey), (forged, forgerKey)])
        var answers: [String] = []
        for peer in 0..<4 { answers.append(try await submit(mixed, to: peer)) }
        #expect(answers[0].contains("invalid_note_signature"), "\(answers[0])")
        #expect(Set(answers).count == 1, "\(answers)")
    }
}
