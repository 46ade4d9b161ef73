import FMClientCore
import FMCore
import FMEncoding
import Synchronization
import Testing

/// Snapshot sealing (docs/protocol.md, "Client snapshots"): only the mnemonic's keys open a snapshot, padding
/// hides the size within a bucket, and any change to what was signed is caught.
struct BackupSealingTests {
    static func keys(_ seed: UInt8) -> BackupKeys {
        BackupKeys(federationSecret: DerivableSecret(seed: [UInt8](repeating: seed, count: 64)).purpose("test-federation"))
    }

    @Test("a sealed snapshot opens under its own keys only, and pads to the bucket")
    func sealAndOpen() throws {
        let mine = Self.keys(1)
        let plaintext = Array("notes and indices".utf8)
        let sealed = try mine.seal(plaintext, sequence: 7)
        #expect(sealed.isWellFormed)
        #expect(sealed.ciphertext.count == 1024 + 12 + 16)
        #expect(mine.open(sealed) == plaintext)
        #expect(Self.keys(2).open(sealed) == nil)
        #expect(try SignedBackup(canonicalBytes: sealed.canonicalBytes) == sealed)
        let longer = try mine.seal([UInt8](repeating: 9, count: 1021), sequence: 8)
        #expect(longer.ciphertext.count == 2048 + 12 + 16)
    }

    @Test("a changed sequence, ciphertext or client id fails the signature; another mnemonic's signature is refused")
    func tampering() throws {
        let mine = Self.keys(1)
        let sealed = try mine.seal(Array("x".utf8), sequence: 7)
        let replayedLater = SignedBackup(clientId: sealed.clientId, sequence: 8, ciphertext: sealed.ciphertext, signature: sealed.signature)
        #expect(!replayedLater.isWellFormed)
        var flipped = sealed.ciphertext
        flipped[20] ^= 1
        #expect(!SignedBackup(clientId: sealed.clientId, sequence: 7, ciphertext: flipped, signature: sealed.signature).isWellFormed)
        let other = try Self.keys(2).seal(Array("x".utf8), sequence: 9)
        let forged = SignedBackup(clientId: sealed.clientId, sequence: 9, ciphertext: other.ciphertext, signature: other.signature)
        #expect(!forged.isWellFormed)
        #expect(mine.open(forged) == nil)
    }

    @Test("padding round-trips and refuses what no sealer writes")
    func padding() {
        for size in [0, 1, 1020, 1021, 4000, 131_068] {
            let plaintext = [UInt8](repeating: 5, count: size)
            #expect(BackupPadding.unpad(BackupPadding.pad(plaintext)!) == plaintext)
        }
        #expect(BackupPadding.pad([UInt8](repeating: 0, count: 131_069)) == nil)
        var padded = BackupPadding.pad([1, 2, 3])!
        padded[padded.count - 1] = 1
        #expect(BackupPadding.unpad(padded) == nil)
        #expect(BackupPadding.unpad([0, 0, 4, 1] + [UInt8](repeating: 0, count: 1020)) == nil)  // length past the end
        #expect(BackupPadding.unpad([0, 0, 0, 1] + [UInt8](repeating: 0, count: 1000)) == nil)  // not a bucket
    }
}

/// A guardian over the address's request budget answers rate_limited; the upload asks it again (a script running
/// fm-mint commands back to back met this: "no guardian stored the snapshot" though every guardian would have).
struct BackupUploadRetryTests {
    /// What fm-node answers over its budget: "try again", not "no" (category unreachable).
    static let rateLimited = GuardianRejection(
        code: "rate_limited", message: "request budget of this client address exceeded", category: .unreachable)

    /// Refuses each peer's first `refusals[peer]` calls as over budget, then stores uploads and serves them back.
    final class BudgetedGuardians: GuardianTransport {
        let left: Mutex<[PeerID: Int]>
        let stored = Mutex<[PeerID: String]>([:])
        init(_ refusals: [PeerID: Int]) { left = Mutex(refusals) }
        func call(_ peer: PeerID, method: String, params: JSONValue, timeout: Duration?) async throws -> JSONValue {
            let refuse = left.withLock { left in
                defer { left[peer] = max(0, left[peer, default: 0] - 1) }
                return left[peer, default: 0] > 0
            }
            if refuse { throw BackupUploadRetryTests.rateLimited }
            if method == BackupWire.fetch { return try JSONValue(BackupFetchResult(backup: stored.withLock { $0[peer] })) }
            let upload = try params.decode(BackupUploadParams.self)
            let backup = try SignedBackup(canonicalBytes: try #require(Hex.decode(upload.backup)))
            stored.withLock { $0[peer] = upload.backup }
            return try JSONValue(BackupUploadResult(sequence: backup.sequence))
        }
    }

    /// Short delays, so that a few refusals are over at once; a window long enough for a loaded CI machine, which is
    /// what a fetch from a guardian "never under budget" waits out (an upload asks again three times, 0.5 s apart).
    static let retry = RetryPolicy(initialDelay: .milliseconds(20), maxDelay: .milliseconds(100), window: .seconds(8))

    @Test("guardians over the address budget are asked again, up to three times; one never under budget is reported, not fatal")
    func overBudgetGuardiansAreAskedAgain() async throws {
        let peers = (0..<4).map { PeerID(UInt16($0)) }
        let guardians = BudgetedGuardians([peers[0]: 1, peers[1]: 3, peers[2]: 4])
        let api = FederationAPI(peers: peers, threshold: 3, transport: guardians, retry: Self.retry)
        let sealed = try BackupSealingTests.keys(1).seal(Array("notes".utf8), sequence: 9)
        let report = try await api.uploadBackup(sealed)
        #expect(report.storedBy == [peers[0], peers[1], peers[3]])
        #expect(report.failed[peers[2]]?.contains("budget") == true)
    }

    /// The per-client limit (one upload per 6 s after a burst) is not waited out: every command uploads by itself,
    /// so the next one sends the then newest snapshot (before, commands in WalletReclaimTests waited up to 10 s each).
    @Test func thePerClientLimitIsNotRetried() async throws {
        final class PerClientLimited: GuardianTransport {
            let calls = Mutex(0)
            func call(_ peer: PeerID, method: String, params: JSONValue, timeout: Duration?) async throws -> JSONValue {
                calls.withLock { $0 += 1 }
                throw GuardianRejection(code: "backup_rate_limited", message: "backup: too many uploads for this client id", category: .unreachable)
            }
        }
        let transport = PerClientLimited()
        let api = FederationAPI(peers: (0..<4).map { PeerID(UInt16($0)) }, threshold: 3, transport: transport, retry: Self.retry)
        let sealed = try BackupSealingTests.keys(1).seal(Array("notes".utf8), sequence: 9)
        await #expect(throws: BackupError.self) { _ = try await api.uploadBackup(sealed) }
        #expect(transport.calls.withLock { $0 } == 4)
    }

    /// Fetching asks over-budget guardians again too (before, only uploads did): a restore run right after other
    /// commands must not miss the snapshot a guardian holds.
    @Test func overBudgetGuardiansAreAskedAgainForTheirSnapshots() async throws {
        let peers = (0..<4).map { PeerID(UInt16($0)) }
        let guardians = BudgetedGuardians([:])
        let api = FederationAPI(peers: peers, threshold: 3, transport: guardians, retry: Self.retry)
        let sealed = try BackupSealingTests.keys(1).seal(Array("notes".utf8), sequence: 9)
        _ = try await api.uploadBackup(sealed)
        guardians.left.withLock { $0 = [peers[0]: 2, peers[1]: 2, peers[2]: 2, peers[3]: 1_000] }
        let found = await api.fetchBackups(sealed.clientId)
        #expect(Set(found.keys) == [peers[0], peers[1], peers[2]])
        #expect(found.values.allSatisfy { $0.sequence == 9 })
    }
}
