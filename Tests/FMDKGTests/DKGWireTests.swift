import FMCore
import FMCrypto
import FMDKG
import FMSetup
import Testing

/// The wire format: one encoding per message, strict decoders.
@Suite struct DKGWireTests {
    @Test func framesRoundTripAndRejectTrailingBytes() throws {
        for frame in [DKGFrame.message(round: 300, step: .shares, payload: [1, 2, 3]), .abort(code: "dkg_invalid_share", reason: "because")] {
            #expect(try DKGFrame(canonicalBytes: frame.canonicalBytes) == frame)
            #expect(throws: DKGWireError.self) { try DKGFrame(canonicalBytes: frame.canonicalBytes + [0]) }
        }
        #expect(DKGFrame.message(round: 1, step: .hello, payload: [7]).canonicalBytes == [2, 0, 4, 1, 0, 1, 7])
        #expect(throws: DKGWireError.self) { try DKGFrame(canonicalBytes: [2, 0, 4, 1, 99, 1, 7]) }
        // Version 1 (no session id in signed statements) is refused.
        #expect(throws: DKGWireError.self) { try DKGFrame(canonicalBytes: [1, 0, 4, 1, 0, 1, 7]) }
    }

    /// Found by the dkg-frame fuzz target: abort texts were decoded lossily (two frames, one value) and the encoder cut
    /// a long reason inside a character. Now: strict UTF-8, cut between characters.
    @Test func abortTextsAreStrictUTF8AndCutBetweenCharacters() throws {
        let valid = DKGFrame.abort(code: "x", reason: "y").canonicalBytes
        var invalid = valid
        invalid[invalid.count - 1] = 0xc3  // a lone lead byte
        #expect(throws: DKGWireError.self) { try DKGFrame(canonicalBytes: invalid) }
        let long = String(repeating: "é", count: 600)  // 1,200 bytes of UTF-8, over the 1,024-byte limit
        let decoded = try DKGFrame(canonicalBytes: DKGFrame.abort(code: "dkg_invalid_share", reason: long).canonicalBytes)
        #expect(decoded == .abort(code: "dkg_invalid_share", reason: String(repeating: "é", count: 512)))
    }

    @Test func revealsAndSharesDemandTheAgreedSizes() throws {
        var rng = SeededRandom(seed: 1)
        let polynomials = (0..<2).map { _ in Polynomial.random(threshold: 3, using: &rng) }
        let reveal = RevealPayload(commitments: polynomials.map(\.commitment))
        #expect(try RevealPayload(canonicalBytes: reveal.canonicalBytes, keyCount: 2, threshold: 3) == reveal)
        #expect(throws: DKGWireError.self) { try RevealPayload(canonicalBytes: reveal.canonicalBytes, keyCount: 3, threshold: 3) }
        #expect(throws: DKGWireError.self) { try RevealPayload(canonicalBytes: reveal.canonicalBytes, keyCount: 2, threshold: 2) }
        let shares = SharesPayload(shares: polynomials.map { $0.share(forPeer: 0) })
        #expect(try SharesPayload(canonicalBytes: shares.canonicalBytes, keyCount: 2).shares == shares.shares)
        #expect(!"\(shares)".contains(Hex.encode(shares.shares[0].canonicalBytes)))
        var tooBig = shares.canonicalBytes
        for i in 1...32 { tooBig[i] = 0xff }
        #expect(throws: DKGWireError.self) { try SharesPayload(canonicalBytes: tooBig, keyCount: 2) }
    }

    @Test func setupCodesMustBeDistinctAndWellFormed() throws {
        let a = try GuardianIdentity.generate(name: "alice", p2pUrl: "fm://127.0.0.1:1000", apiUrl: "ws://127.0.0.1:1001")
        let b = try GuardianIdentity.generate(name: "bob", p2pUrl: "fm://127.0.0.1:1002", apiUrl: "ws://127.0.0.1:1003")
        let participants = try DKGParticipants(setupCodes: [b.setupCode, a.setupCode])
        #expect(participants.guardians.map(\.name) == ["alice", "bob"])
        #expect(participants.digest == (try DKGParticipants(setupCodes: [a.setupCode, b.setupCode])).digest)
        #expect(participants.threshold == 2)

        var sameURL = b.setupCode
        sameURL.p2pUrl = a.setupCode.p2pUrl
        #expect(throws: InvalidInput.self) { try DKGParticipants(setupCodes: [a.setupCode, sameURL], sources: ["line 1", "line 2"]) }
        do {
            _ = try DKGParticipants(setupCodes: [a.setupCode, a.setupCode], sources: ["line 1", "line 2"])
            Issue.record("duplicates accepted")
        } catch {
            #expect(error.field == "line 2: name")
        }
        var broken = b.setupCode
        broken.consensusPublicKey = "00"
        do {
            _ = try DKGParticipants(setupCodes: [a.setupCode, broken], sources: ["line 1", "line 2"])
            Issue.record("bad key accepted")
        } catch {
            #expect(error.field == "line 2: consensus_public_key")
        }
    }
}
