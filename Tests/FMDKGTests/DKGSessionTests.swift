import FMBLS12381
import FMCore
import FMCrypto
import FMDKG
import FMSecp256k1
import FMServerCore
import Foundation
import Synchronization
import Testing

/// The DKG between sessions in one process: keys that work, and every kind of cheating named and aborted.
@Suite struct DKGSessionTests {
    @Test(arguments: [(4, 3), (1, 2), (7, 2)])
    func keysFromTheDKGSignWithAnyThresholdOfGuardians(n: Int, keyCount: Int) async throws {
        let guardians = try TestGuardians(n)
        let results = await runInMemory(guardians) { session in
            try await session.generateThresholdKeys(count: keyCount)
        }
        var keys: [PeerID: [DistributedThresholdKey]] = [:]
        for (peer, result) in results { keys[peer] = try result.get() }
        #expect(keys.count == n)
        #expect(keys.values.allSatisfy { $0.count == keyCount })
        try expectKeysSign(keys, threshold: FederationSize(n).threshold)
    }

    @Test func publicValuesReachEveryGuardian() async throws {
        let guardians = try TestGuardians(4)
        let results = await runInMemory(guardians) { session in
            try await session.exchangePublicValues(Array("value of \(session.ownPeer.rawValue)".utf8))
        }
        for (_, result) in results {
            let values = try result.get()
            #expect(values.count == 4)
            for (peer, value) in values { #expect(value == Array("value of \(peer.rawValue)".utf8)) }
        }
    }

    @Test func aBadShareIsNamedAndEveryoneAborts() async throws {
        let guardians = try TestGuardians(4)
        let cheater = PeerID(3), victim = PeerID(1)
        let results = await runInMemory(guardians, intercept: tamper(step: .shares, from: cheater, to: [victim]) { payload in
            var shares = try! SharesPayload(canonicalBytes: payload, keyCount: 2)
            shares.shares[1] = SecretScalar(shares.shares[1].revealed + Scalar.one)
            return shares.canonicalBytes
        }) { session in try await session.generateThresholdKeys(count: 2) }
        #expect(dkgError(results[victim]) == .invalidShare(guardians.participants.guardian(cheater), keyIndex: 1))
        for peer in [PeerID(0), PeerID(2)] {
            let error = try #require(dkgError(results[peer]), "\(peer) must not finish")
            #expect(error.description.contains("guardian-3"), "\(error)")
        }
    }

    @Test func revealedCommitmentsThatDoNotMatchTheHashAreNamed() async throws {
        let guardians = try TestGuardians(4)
        let cheater = PeerID(2)
        let results = await runInMemory(guardians, intercept: tamper(step: .reveal, from: cheater, to: [0, 1, 3]) { _ in
            var rng = SeededRandom(seed: 99)
            let other = (0..<2).map { _ in Polynomial.random(threshold: 3, using: &rng).commitment }
            return RevealPayload(commitments: other).canonicalBytes
        }) { session in try await session.generateThresholdKeys(count: 2) }
        for peer in [PeerID(0), PeerID(1), PeerID(3)] {
            let error = try #require(dkgError(results[peer]))
            #expect(
                error == .commitmentMismatch(guardians.participants.guardian(cheater))
                    || (error.code == "dkg_peer_aborted" && error.description.contains("guardian-2")), "\(error)")
        }
        #expect(results.values.allSatisfy { if case .failure = $0 { true } else { false } })
    }

    @Test func aGuardianSigningTwoDifferentCommitsIsCaughtByTheEcho() async throws {
        let guardians = try TestGuardians(4)
        let cheater = PeerID(3)
        let key = guardians.identities[3].consensusKey
        let hellos = HelloRecorder(count: 4)
        // Guardian 3 shows guardian 0 another (validly signed) commit than the others see.
        let results = await runInMemory(guardians, intercept: { from, to, bytes in
            hellos.observe(from: from, bytes)
            guard from == cheater, to == PeerID(0),
                case .message(let round, .commit, _)? = try? DKGFrame(canonicalBytes: bytes),
                let session = hellos.sessionID
            else { return bytes }
            let body = CommitBody(keyCount: 1, threshold: 3, commitmentHash: Hash256.sha256([42])).canonicalBytes
            let signed = SignedBroadcast.sign(
                body, context: BroadcastContext(sessionID: session, round: round, step: .commit), sender: cheater, with: key)
            return DKGFrame.message(round: round, step: .commit, payload: signed.canonicalBytes).canonicalBytes
        }) { session in try await session.generateThresholdKeys(count: 1) }
        var named = 0
        for peer in [PeerID(0), PeerID(1), PeerID(2)] {
            let error = try #require(dkgError(results[peer]))
            if case .equivocation(let guilty, .commit, _) = error {
                #expect(guilty == guardians.participants.guardian(cheater))
                named += 1
            } else {
                #expect(error.description.contains("guardian-3"), "\(error)")
            }
        }
        #expect(named >= 1)
    }

    /// Issue 24 item 6: a commit that guardian 2 signed in an earlier run, echoed by a cheating guardian 3 in a
    /// later run of the same guardians, must not frame guardian 2 as an equivocator: it does not verify in the new
    /// session, so the echo is what is refused.
    @Test func aBroadcastReplayedFromAnEarlierRunFramesNobody() async throws {
        let guardians = try TestGuardians(4)
        let recorded = Mutex<SignedBroadcast?>(nil)
        let first = await runInMemory(guardians, intercept: { from, to, bytes in
            if from == PeerID(2), to == PeerID(0), case .message(_, .commit, let payload)? = try? DKGFrame(canonicalBytes: bytes) {
                recorded.withLock { $0 = try? SignedBroadcast(canonicalBytes: payload) }
            }
            return bytes
        }) { session in try await session.generateThresholdKeys(count: 1) }
        #expect(first.values.allSatisfy { if case .success = $0 { true } else { false } })
        let old = try #require(recorded.withLock { $0 })

        let second = await runInMemory(guardians, intercept: { from, to, bytes in
            guard from == PeerID(3), to == PeerID(0), case .message(let round, .commitEcho, let payload)? = try? DKGFrame(canonicalBytes: bytes),
                var echo = try? EchoPayload(canonicalBytes: payload, guardians: 4)
            else { return bytes }
            echo.entries[2] = EchoPayload.Entry(bodyHash: Hash256.sha256(old.body), signature: old.signature)
            return DKGFrame.message(round: round, step: .commitEcho, payload: echo.canonicalBytes).canonicalBytes
        }) { session in try await session.generateThresholdKeys(count: 1) }
        #expect(dkgError(second[0]) == .invalidEcho(guardians.participants.guardian(3), step: .commit, about: guardians.participants.guardian(2)))
        for result in second.values {
            if case .equivocation? = dkgError(result) { Issue.record("an honest guardian was blamed: \(result)") }
            if let error = dkgError(result) { #expect(!error.description.contains("equivocated"), "\(error)") }
        }
    }

    /// A guardian that sends different hello nonces to different guardians splits the session id: the run stops at
    /// the session round, before anything is signed, and no signature or equivocation is blamed on anyone.
    @Test func differentHelloNoncesStopTheRunBeforeAnythingIsSigned() async throws {
        let guardians = try TestGuardians(4)
        let results = await runInMemory(guardians, intercept: tamper(step: .hello, from: 3, to: [0]) { payload in
            var hello = try! HelloPayload(canonicalBytes: payload)
            hello.nonce[0] ^= 1
            return hello.canonicalBytes
        }) { session in try await session.generateThresholdKeys(count: 1) }
        for peer in guardians.peers {
            let error = try #require(dkgError(results[peer]))
            let stoppedAtSession = if case .sessionMismatch = error { true } else { false }
            #expect(stoppedAtSession || error.description.contains("another session id"), "\(error)")
            if stoppedAtSession { #expect(error.blamed == nil, "nobody is proven at fault: \(error)") }
        }
    }

    @Test func aForgedSignatureIsNamed() async throws {
        let guardians = try TestGuardians(4)
        let results = await runInMemory(guardians, intercept: tamper(step: .commit, from: 2, to: [0]) { payload in
            var signed = try! SignedBroadcast(canonicalBytes: payload)
            signed.body[signed.body.count - 1] ^= 1
            return signed.canonicalBytes
        }) { session in try await session.generateThresholdKeys(count: 1) }
        #expect(dkgError(results[0]) == .invalidSignature(guardians.participants.guardian(2), step: .commit))
    }

    @Test func aMissingGuardianTimesOutWithItsName() async throws {
        let guardians = try TestGuardians(4)
        let results = await runInMemory(guardians, absent: [2], timeout: .seconds(1)) { session in
            try await session.generateThresholdKeys(count: 1)
        }
        var timedOut = 0
        for peer in [PeerID(0), PeerID(1), PeerID(3)] {
            let error = try #require(dkgError(results[peer]))
            if error == .timedOut(step: .hello, missing: [guardians.participants.guardian(2)], timeout: .seconds(1)) {
                #expect(error.category == .unreachable)
                timedOut += 1
            } else {
                // The first guardian to give up tells the others why.
                #expect(error.code == "dkg_peer_aborted" && error.description.contains("no message from guardian-2"), "\(error)")
                #expect(error.category == .unreachable)
            }
        }
        #expect(timedOut >= 1)
    }

    @Test func differentParametersAreRefusedBeforeAnyKeyIsMade() async throws {
        let guardians = try TestGuardians(4)
        let results = await runInMemory(guardians, parametersDigest: { Hash256.sha256([$0 == 1 ? 2 : 1]) }) { session in
            try await session.generateThresholdKeys(count: 1)
        }
        #expect(dkgError(results[0]) == .setupMismatch(guardians.participants.guardian(1), what: "parameters (--dev and module parameters must be equal)"))
        #expect(results.values.allSatisfy { if case .failure = $0 { true } else { false } })
    }

    @Test func garbageFromAPeerIsNamed() async throws {
        let guardians = try TestGuardians(4)
        let results = await runInMemory(guardians, intercept: { from, to, bytes in
            from == 1 && to == 0 ? [0xff, 0x01, 0x02] : bytes
        }) { session in try await session.generateThresholdKeys(count: 1) }
        let error = try #require(dkgError(results[0]))
        guard case .malformedMessage(let guilty, _) = error else { Issue.record("\(error)"); return }
        #expect(guilty == guardians.participants.guardian(1))
    }
}
