import FMClientCore
import FMCore
import Foundation
import Synchronization

/// In-process guardians for tests: each peer answers through its own closure, so a test can make
/// one honest, one lying, one silent. Counts the calls each peer received.
final class FakeFederation: GuardianTransport {
    typealias Guardian = @Sendable (_ method: String, _ params: JSONValue) async throws -> JSONValue

    private let guardians: Mutex<[PeerID: Guardian]>
    private let calls = Mutex<[PeerID: Int]>([:])

    init(_ guardians: [PeerID: Guardian]) { self.guardians = Mutex(guardians) }

    func setGuardian(_ peer: PeerID, _ guardian: @escaping Guardian) {
        guardians.withLock { $0[peer] = guardian }
    }

    func callCount(_ peer: PeerID) -> Int { calls.withLock { $0[peer, default: 0] } }

    func call(_ peer: PeerID, method: String, params: JSONValue, timeout: Duration?) async throws -> JSONValue {
        calls.withLock { $0[peer, default: 0] += 1 }
        guard let guardian = guardians.withLock({ $0[peer] }) else { throw Unreachable(peer: peer) }
        guard let timeout else { return try await guardian(method, params) }
        // As the real transport does: a call that outlasts its timeout is given up as unreachable.
        return try await withThrowingTaskGroup(of: JSONValue.self) { group in
            group.addTask { try await guardian(method, params) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw Unreachable(peer: peer)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// A guardian that always answers `value` (encoded with fm's JSON conventions).
    static func answering(_ value: some Encodable & Sendable) -> Guardian {
        let json = try! JSONValue(value)
        return { _, _ in json }
    }

    /// A guardian that is down.
    static let down: Guardian = { _, _ in throw Unreachable(peer: nil) }

    /// A guardian that never answers until cancelled.
    static let silent: Guardian = { _, _ in
        try await Task.sleep(for: .seconds(3600))
        throw Unreachable(peer: nil)
    }
}

struct Unreachable: ReportableError {
    let peer: PeerID?
    var category: FailureCategory { .unreachable }
    var code: String { "unreachable" }
    var description: String { "\(peer.map(\.description) ?? "guardian") is unreachable" }
}

func peers(_ n: Int) -> [PeerID] { (0..<n).map { PeerID(UInt16($0)) } }
