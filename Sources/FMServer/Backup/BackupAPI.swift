import FMCore
import FMEncoding
import FMRPC
import FMSecp256k1

/// The guardian's snapshot methods (docs/rpc.md, "Backups"):
///
/// - `backup_upload {backup: hex}` → `{sequence}`: stores a ``SignedBackup`` as its owner's newest snapshot.
/// - `backup_fetch {client_id: hex}` → `{backup: hex | null}`.
///
/// Anyone can call `backup_upload`, so everything it costs is bounded before the write: the request size (the
/// server's), the per-address cost budget (``uploadCost``), a decode bounded by ``SignedBackup/maxCiphertextBytes``,
/// one Schnorr verification, then a bucket per client id (``perClient``) and, for a client id this guardian
/// does not hold yet, a bucket per address (``newClientsPerAddress``: client ids are free to mint, so this is what
/// limits how many a stranger creates), and the store's total quota. The write goes to the backup database, never
/// the consensus one.
public struct BackupAPI: Sendable {
    let store: BackupStore
    let perClient: KeyedRateLimiter
    let newClientsPerAddress: KeyedRateLimiter
    let fault: BackupTestFault?

    /// Cost units of one upload in the caller's per-address budget (a query costs 1, `submit_transaction` 10).
    public static let uploadCost = 50

    public init(store: BackupStore, fault: BackupTestFault? = nil) {
        self.store = store
        self.fault = fault
        // A wallet uploads after each balance change: 10 at once, then one every 6 s on average.
        perClient = KeyedRateLimiter(burst: 10, perSecond: 1.0 / 6)
        // 20 new client ids per address at once, then 20 an hour.
        newClientsPerAddress = KeyedRateLimiter(burst: 20, perSecond: 20.0 / 3600)
    }

    public func register(into registry: inout RPCMethodRegistry) {
        registry.register(
            BackupWire.upload, summary: "Stores a client's signed, encrypted snapshot if newer than the one held",
            cost: Self.uploadCost
        ) { (params: BackupUploadParams, context) async throws -> BackupUploadResult in
            let backup = try Self.decode(params.backup)
            try await upload(backup, from: context.clientAddress)
            return BackupUploadResult(sequence: backup.sequence)
        }
        registry.register(BackupWire.fetch, summary: "The newest snapshot stored for a client id") {
            (params: BackupFetchParams, _) async throws -> BackupFetchResult in
            guard let raw = Hex.decode(params.clientId), let key = try? XOnlyPublicKey(rawRepresentation: raw) else {
                throw JSONRPCError.invalidParams(field: "client_id", expected: "hex of a 32-byte x-only public key")
            }
            return BackupFetchResult(backup: try await served(key).map { Hex.encode($0.canonicalBytes) })
        }
    }

    /// The snapshot to serve for `key`: the stored one, unless a test fault says otherwise.
    func served(_ key: XOnlyPublicKey) async throws -> SignedBackup? {
        switch fault {
        case nil: return try await store.fetch(key)
        case .withhold: return nil
        case .tamper:
            guard let stored = try await store.fetch(key) else { return nil }
            var ciphertext = stored.ciphertext
            if !ciphertext.isEmpty { ciphertext[ciphertext.count / 2] ^= 0x01 }
            return SignedBackup(clientId: stored.clientId, sequence: stored.sequence + 1, ciphertext: ciphertext, signature: stored.signature)
        case .foreign:
            // Another client's snapshot, re-labelled with a high sequence so a naive client would pick it.
            guard let other = try await store.anyOther(than: key) else { return nil }
            return SignedBackup(clientId: key, sequence: UInt64.max, ciphertext: other.ciphertext, signature: other.signature)
        }
    }

    /// Checks and stores one upload from `address`.
    func upload(_ backup: SignedBackup, from address: String) async throws {
        guard backup.isWellFormed else { throw BackupRefusal.badSignature }
        // A client id this guardian does not hold passes the per-address bucket first, so that minting ids cannot
        // grow the per-client table faster than that bucket allows.
        if let stored = try await store.storedSequence(backup.clientId) {
            // A replay of the stored (or an older) snapshot, which anyone can fetch, must not spend the owner's
            // tokens: refused here, before the per-client bucket.
            guard backup.sequence > stored else { throw BackupRefusal.outdated(stored: stored, offered: backup.sequence) }
        } else {
            guard newClientsPerAddress.take(address) else { throw BackupRefusal.rateLimited("of new client ids from this address") }
        }
        guard perClient.take(Hex.encode(backup.clientId.rawRepresentation)) else {
            throw BackupRefusal.rateLimited("for this client id")
        }
        try await store.store(backup)
    }

    static func decode(_ hex: String) throws -> SignedBackup {
        guard hex.utf8.count <= 2 * (SignedBackup.maxCiphertextBytes + 256), let bytes = Hex.decode(hex) else {
            throw JSONRPCError.invalidParams(field: "backup", expected: "hex of a canonically encoded signed backup")
        }
        let backup: SignedBackup
        do { backup = try SignedBackup(canonicalBytes: bytes) } catch {
            throw JSONRPCError.invalidParams(field: "backup", expected: "a canonically encoded signed backup (\(error))")
        }
        // SQLite stores the sequence as a signed 64-bit integer.
        guard backup.sequence <= UInt64(Int64.max) else {
            throw JSONRPCError.invalidParams(field: "backup", expected: "a sequence below 2^63")
        }
        return backup
    }
}


/// TEST ONLY: how a guardian started with `FM_TEST_BACKUP_FAULT` misserves snapshots (``GuardianTestFaults``).
public enum BackupTestFault: String, Sendable {
    /// Serves the stored snapshot with one ciphertext bit flipped and its sequence raised.
    case tamper
    /// Serves another client's snapshot under the asked client id, with the highest sequence.
    case foreign
    /// Serves no snapshot.
    case withhold
}
