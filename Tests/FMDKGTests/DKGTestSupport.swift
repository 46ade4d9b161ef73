import FMCore
import FMCrypto
import FMDKG
import FMSecp256k1
import FMServerCore
import FMSetup
import Foundation
import Synchronization
import Testing

/// n guardian identities on loopback and the participants they form.
struct TestGuardians {
    let identities: [GuardianIdentity]
    let participants: DKGParticipants

    /// Guardian i is `guardian-i`, listening for peers on `basePort + 2i` (API `basePort + 2i + 1`).
    init(_ n: Int, basePort: Int = 18_000) throws {
        let made = try (0..<n).map { i in
            try GuardianIdentity.generate(
                name: "guardian-\(i)", p2pUrl: "fm://127.0.0.1:\(basePort + 2 * i)",
                apiUrl: "ws://127.0.0.1:\(basePort + 2 * i + 1)/")
        }
        participants = try DKGParticipants(setupCodes: made.reversed().map(\.setupCode))
        // Reorder by peer id (names sort like the indices for n ≤ 10).
        identities = participants.guardians.map { code in made.first { $0.setupCode == code.json }! }
    }

    var peers: [PeerID] { participants.peers }
}

/// Runs `body` at every guardian except `absent`, over an in-memory network, and collects each one's outcome.
func runInMemory<T: Sendable>(
    _ guardians: TestGuardians, absent: Set<PeerID> = [], timeout: Duration = .seconds(30),
    parametersDigest: (PeerID) -> Hash256 = { _ in Hash256.sha256([1]) },
    intercept: @escaping InMemoryDKGNetwork.Intercept = { _, _, frame in frame },
    _ body: @escaping @Sendable (DKGSession) async throws -> T
) async -> [PeerID: Result<T, any Error>] {
    let network = InMemoryDKGNetwork(peers: guardians.participants.count, intercept: intercept)
    defer { network.close() }
    return await withTaskGroup(of: (PeerID, Result<T, any Error>).self) { group in
        for peer in guardians.peers where !absent.contains(peer) {
            let digest = parametersDigest(peer)
            group.addTask {
                do {
                    let value = try await DistributedKeyGeneration.run(
                        participants: guardians.participants, ownPeer: peer,
                        signingKey: guardians.identities[Int(peer.rawValue)].consensusKey,
                        transport: network.endpoint(peer), parametersDigest: digest, timeout: timeout, body)
                    return (peer, .success(value))
                } catch {
                    return (peer, .failure(error))
                }
            }
        }
        var results: [PeerID: Result<T, any Error>] = [:]
        for await (peer, result) in group { results[peer] = result }
        return results
    }
}

/// Every key signs a blinded message with every set of t guardians, and the combined, unblinded signature
/// verifies under the aggregate key; all guardians hold the same public keys.
func expectKeysSign(_ keys: [PeerID: [DistributedThresholdKey]], threshold t: Int) throws {
    let peers = keys.keys.sorted()
    let reference = keys[peers[0]]!
    for peer in peers {
        #expect(keys[peer]!.map(\.aggregatePublicKey) == reference.map(\.aggregatePublicKey))
        #expect(keys[peer]!.map(\.publicKeyShares) == reference.map(\.publicKeyShares))
    }
    var rng = SeededRandom(seed: 7)
    let n = peers.count
    // Every set of t guardians (n ≤ 7 keeps this at most 35 sets).
    let subsets = combinations(of: peers, size: t)
    #expect(n >= t)
    for (index, key) in reference.enumerated() {
        for subset in subsets {
            let nonce = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let message = Message(nonce: nonce)
            let blinding = BlindingKey.random(using: &rng)
            let blinded = message.blinded(by: blinding)
            let shares = subset.map { peer in
                let share = keys[peer]![index].secretKeyShare.sign(blinded)
                #expect(key.publicKeyShares[Int(peer.rawValue)].verify(share, on: blinded))
                return (peer: Int(peer.rawValue), share: share)
            }
            let signature = try BlindSignature.combine(shares, threshold: t).unblinded(by: blinding)
            #expect(key.aggregatePublicKey.verify(signature, on: message), "key \(index), signers \(subset)")
        }
        if t > 1 {
            // t − 1 guardians are not enough.
            let message = Message(nonce: [UInt8](repeating: 9, count: 32))
            let blinding = BlindingKey.random(using: &rng)
            let blinded = message.blinded(by: blinding)
            let shares = peers.prefix(t - 1).map { (peer: Int($0.rawValue), share: keys[$0]![index].secretKeyShare.sign(blinded)) }
            let wrong = try BlindSignature.combine(shares, threshold: t - 1).unblinded(by: blinding)
            #expect(!key.aggregatePublicKey.verify(wrong, on: message))
        }
    }
}

/// All subsets of `size` elements, in lexicographic order.
func combinations<T>(of elements: [T], size: Int) -> [[T]] {
    guard size > 0 else { return [[]] }
    guard elements.count >= size else { return [] }
    let head = elements[0], tail = Array(elements.dropFirst())
    return combinations(of: tail, size: size - 1).map { [head] + $0 } + combinations(of: tail, size: size)
}

/// The DKG error a guardian ended with, or nil if it succeeded or failed otherwise.
func dkgError<T>(_ result: Result<T, any Error>?) -> DKGError? {
    guard case .failure(let error)? = result else { return nil }
    return error as? DKGError
}

/// Rewrites the payload of `step` messages from `sender` to the peers in `receivers`.
func tamper(
    step: DKGStep, from sender: PeerID, to receivers: Set<PeerID>, _ rewrite: @escaping @Sendable ([UInt8]) -> [UInt8]
) -> InMemoryDKGNetwork.Intercept {
    { from, to, bytes in
        guard from == sender, receivers.contains(to), case .message(let round, step, let payload)? = try? DKGFrame(canonicalBytes: bytes)
        else { return bytes }
        return DKGFrame.message(round: round, step: step, payload: rewrite(payload)).canonicalBytes
    }
}

extension PeerID: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: UInt16) { self.init(value) }
}

/// Watches the hello frames on an in-memory network (each guardian sends the same hello to everyone) and derives
/// the session id from them, as a cheating guardian that saw every hello could.
final class HelloRecorder: Sendable {
    private let hellos = Mutex<[PeerID: HelloPayload]>([:])
    let count: Int

    init(count: Int) { self.count = count }

    func observe(from sender: PeerID, _ bytes: [UInt8]) {
        guard case .message(_, .hello, let payload)? = try? DKGFrame(canonicalBytes: bytes),
            let hello = try? HelloPayload(canonicalBytes: payload)
        else { return }
        hellos.withLock { $0[sender] = hello }
    }

    /// The session id, once every guardian's hello went by.
    var sessionID: Hash256? {
        hellos.withLock { hellos in
            let ordered = (0..<count).compactMap { hellos[PeerID(UInt16($0))] }
            return ordered.count == count ? HelloPayload.sessionID(of: ordered) : nil
        }
    }
}
