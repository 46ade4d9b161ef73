import FMCore
import FMCrypto
import FMEncoding
import FMSecp256k1

// The payloads carried by `DKGFrame.message`, one type per step. Each has exactly one canonical encoding;
// decoders reject trailing bytes and any value of the wrong size or count (docs/dkg.md lists them all).

/// `hello`: `fixed32 setup digest, fixed32 parameters digest, fixed32 nonce`.
public struct HelloPayload: Equatable, Sendable {
    /// Hash of every guardian's setup code, in peer order (``DKGParticipants/digest``).
    public var setupDigest: Hash256
    /// Hash of everything else that must be equal everywhere (dev mode, module parameters).
    public var parametersDigest: Hash256
    /// Fresh randomness of the sender for this run: every guardian's nonce goes into the session id.
    public var nonce: [UInt8]

    public static let nonceBytes = 32

    public init(setupDigest: Hash256, parametersDigest: Hash256, nonce: [UInt8]) {
        precondition(nonce.count == Self.nonceBytes, "a hello nonce has 32 bytes")
        self.setupDigest = setupDigest
        self.parametersDigest = parametersDigest
        self.nonce = nonce
    }

    public var canonicalBytes: [UInt8] { setupDigest.bytes + parametersDigest.bytes + nonce }

    public init(canonicalBytes bytes: [UInt8]) throws(DKGWireError) {
        guard bytes.count == 96 else { throw DKGWireError("hello of \(bytes.count) bytes, expected 96") }
        setupDigest = Hash256(bytes: bytes[0..<32])!
        parametersDigest = Hash256(bytes: bytes[32..<64])!
        nonce = Array(bytes[64..<96])
    }

    /// The id of the run these hellos open (one per guardian, in peer order, all with the same digests):
    /// `TaggedHash("fm-dkg/session/v1", setup digest ‖ parameters digest ‖ varint n ‖ n × nonce)`. Every signed
    /// statement of the run names it, so nothing signed in one run counts in another.
    public static func sessionID(of hellos: [HelloPayload]) -> Hash256 {
        var encoder = CanonicalEncoder()
        encoder.writeFixed(hellos.first?.setupDigest.bytes ?? [])
        encoder.writeFixed(hellos.first?.parametersDigest.bytes ?? [])
        encoder.writeVarint(UInt64(hellos.count))
        for hello in hellos { encoder.writeFixed(hello.nonce) }
        return Hash256(bytes: TaggedHash.sha256(tag: "fm-dkg/session/v1", encoder.bytes))!
    }
}

/// A broadcast signed with the sender's consensus key, so that an echo of it proves what the sender said.
///
/// Encoding: `bytes body, fixed64 BIP-340 signature`. The signature is over the statement
/// `TaggedHash("fm-dkg/broadcast/v2", session id ‖ varint round ‖ varint step ‖ sender ‖ SHA-256(body))`.
public struct SignedBroadcast: Equatable, Sendable {
    public var body: [UInt8]
    public var signature: SchnorrSignature

    public init(body: [UInt8], signature: SchnorrSignature) {
        self.body = body
        self.signature = signature
    }

    /// Signs `body` for `round`/`step` as `sender`.
    public static func sign(
        _ body: [UInt8], context: BroadcastContext, sender: PeerID, with key: Keypair
    ) -> SignedBroadcast {
        let statement = context.statement(sender: sender, bodyHash: Hash256.sha256(body))
        return SignedBroadcast(body: body, signature: key.signSchnorr(message: statement))
    }

    public var canonicalBytes: [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.writeBytes(body)
        encoder.writeFixed(signature.rawRepresentation)
        return encoder.bytes
    }

    public init(canonicalBytes bytes: [UInt8]) throws(DKGWireError) {
        var decoder = CanonicalDecoder(bytes)
        do {
            body = try decoder.readBytes()
            signature = try SchnorrSignature(rawRepresentation: try decoder.readFixed(64))
            try decoder.finish()
        } catch {
            throw DKGWireError("signed broadcast: \(error)")
        }
    }
}

/// What a broadcast signature binds besides the body: which run of which DKG (the session id, which commits to
/// the setup codes, the parameters and every guardian's fresh hello nonce), which round, which step.
public struct BroadcastContext: Sendable {
    public let sessionID: Hash256
    public let round: UInt64
    public let step: DKGStep

    public init(sessionID: Hash256, round: UInt64, step: DKGStep) {
        self.sessionID = sessionID
        self.round = round
        self.step = step
    }

    /// The 32-byte message that the sender signs.
    public func statement(sender: PeerID, bodyHash: Hash256) -> [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.writeFixed(sessionID.bytes)
        encoder.writeVarint(round)
        encoder.writeVarint(step.rawValue)
        encoder.write(sender)
        encoder.writeFixed(bodyHash.bytes)
        return TaggedHash.sha256(tag: "fm-dkg/broadcast/v2", encoder.bytes)
    }
}

/// An echo: for every guardian in peer order (the echoer and the receiver included), the hash of the body it
/// broadcast to the echoer and its signature. Encoding: `varint n, n × (fixed32 body hash, fixed64 signature)`.
public struct EchoPayload: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var bodyHash: Hash256
        public var signature: SchnorrSignature

        public init(bodyHash: Hash256, signature: SchnorrSignature) {
            self.bodyHash = bodyHash
            self.signature = signature
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    public var canonicalBytes: [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.writeVarint(UInt64(entries.count))
        for entry in entries {
            encoder.writeFixed(entry.bodyHash.bytes)
            encoder.writeFixed(entry.signature.rawRepresentation)
        }
        return encoder.bytes
    }

    public init(canonicalBytes bytes: [UInt8], guardians: Int) throws(DKGWireError) {
        var decoder = CanonicalDecoder(bytes)
        do {
            let count = try decoder.readVarint()
            guard count == guardians else { throw DKGWireError("echo of \(count) entries, expected \(guardians)") }
            entries = []
            for _ in 0..<count {
                let hash = Hash256(bytes: try decoder.readFixed(32))!
                entries.append(Entry(bodyHash: hash, signature: try SchnorrSignature(rawRepresentation: try decoder.readFixed(64))))
            }
            try decoder.finish()
        } catch let error as DKGWireError {
            throw error
        } catch {
            throw DKGWireError("echo: \(error)")
        }
    }
}

/// The body of a `commit` broadcast: `varint key count, varint threshold, fixed32 commitment hash`.
public struct CommitBody: Equatable, Sendable {
    public var keyCount: Int
    public var threshold: Int
    /// ``RevealPayload/commitmentHash(sessionID:sender:)`` of the commitments to be revealed.
    public var commitmentHash: Hash256

    public init(keyCount: Int, threshold: Int, commitmentHash: Hash256) {
        self.keyCount = keyCount
        self.threshold = threshold
        self.commitmentHash = commitmentHash
    }

    public var canonicalBytes: [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.writeVarint(UInt64(keyCount))
        encoder.writeVarint(UInt64(threshold))
        encoder.writeFixed(commitmentHash.bytes)
        return encoder.bytes
    }

    public init(canonicalBytes bytes: [UInt8]) throws(DKGWireError) {
        var decoder = CanonicalDecoder(bytes)
        do {
            keyCount = Int(try decoder.readVarint(as: UInt32.self))
            threshold = Int(try decoder.readVarint(as: UInt16.self))
            commitmentHash = Hash256(bytes: try decoder.readFixed(32))!
            try decoder.finish()
        } catch {
            throw DKGWireError("commit: \(error)")
        }
    }
}

/// `reveal`: the Feldman commitments of every key of the batch.
/// Encoding: `varint key count, then per key: bytes (t × 96-byte compressed G2 points)`.
public struct RevealPayload: Equatable, Sendable {
    public var commitments: [FeldmanCommitment]

    public init(commitments: [FeldmanCommitment]) { self.commitments = commitments }

    public var canonicalBytes: [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.writeVarint(UInt64(commitments.count))
        for commitment in commitments { encoder.writeBytes(commitment.canonicalBytes) }
        return encoder.bytes
    }

    /// Decodes and validates every point; demands exactly `keyCount` commitments of `threshold` coefficients.
    public init(canonicalBytes bytes: [UInt8], keyCount: Int, threshold: Int) throws(DKGWireError) {
        var decoder = CanonicalDecoder(bytes)
        do {
            let count = try decoder.readVarint()
            guard count == keyCount else { throw DKGWireError("reveal of \(count) commitments, expected \(keyCount)") }
            commitments = []
            for index in 0..<keyCount {
                let raw = try decoder.readBytes(maxLength: threshold * 96)
                guard raw.count == threshold * 96 else {
                    throw DKGWireError("commitment \(index) has \(raw.count) bytes, expected \(threshold) × 96")
                }
                commitments.append(try FeldmanCommitment(canonicalBytes: raw))
            }
            try decoder.finish()
        } catch let error as DKGWireError {
            throw error
        } catch {
            throw DKGWireError("reveal: \(error)")
        }
    }

    /// The hash a guardian commits to before revealing:
    /// `TaggedHash("fm-dkg/commitments/v2", session id ‖ sender ‖ canonical reveal)`.
    public func commitmentHash(sessionID: Hash256, sender: PeerID) -> Hash256 {
        var encoder = CanonicalEncoder()
        encoder.writeFixed(sessionID.bytes)
        encoder.write(sender)
        encoder.writeFixed(canonicalBytes)
        return Hash256(bytes: TaggedHash.sha256(tag: "fm-dkg/commitments/v2", encoder.bytes))!
    }
}

/// `shares`: the receiver's Shamir share of every key of the batch, `varint key count, n × fixed32 scalar`
/// (big-endian, below the group order). Secret: sent only over the receiver's authenticated TLS link.
public struct SharesPayload: Sendable, CustomStringConvertible {
    public var shares: [SecretScalar]

    public init(shares: [SecretScalar]) { self.shares = shares }

    public var canonicalBytes: [UInt8] {
        var encoder = CanonicalEncoder(reservingCapacity: 4 + 32 * shares.count)
        encoder.writeVarint(UInt64(shares.count))
        for share in shares { encoder.writeFixed(share.canonicalBytes) }
        return encoder.bytes
    }

    public init(canonicalBytes bytes: [UInt8], keyCount: Int) throws(DKGWireError) {
        var decoder = CanonicalDecoder(bytes)
        do {
            let count = try decoder.readVarint()
            guard count == keyCount else { throw DKGWireError("\(count) shares, expected \(keyCount)") }
            shares = []
            for index in 0..<keyCount {
                do { shares.append(try SecretScalar(canonicalBytes: try decoder.readFixed(32))) } catch {
                    throw DKGWireError("share \(index) is not a scalar below the group order")
                }
            }
            try decoder.finish()
        } catch let error as DKGWireError {
            throw error
        } catch {
            throw DKGWireError("shares: \(error)")
        }
    }

    public var description: String { "SharesPayload(\(shares.count) shares, redacted)" }
}
