import FMCore
import Foundation
import Testing

@testable import FMRPC

/// A gate that accepts one token and records what it was shown (to check that the handler runs only after it).
private actor RecordingGate: RPCAdminGate {
    var seen: [AdminCredential?] = []
    nonisolated func authorize(_ credential: AdminCredential?, clientAddress: String) async throws {
        await record(credential)
        guard credential == .token("sesame") else { throw JSONRPCError.unauthorized }
    }
    private func record(_ credential: AdminCredential?) { seen.append(credential) }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() { lock.withLock { value += 1 } }
    var count: Int { lock.withLock { value } }
}

@Suite("Admin methods run only with the operator's credential (params.auth)")
struct AdminAccessTests {
    struct Change: Codable, Sendable { var value: Int }

    private static func registry(gate: any RPCAdminGate, calls: Counter) -> RPCMethodRegistry {
        var registry = RPCMethodRegistry(adminGate: gate)
        registry.register("change", summary: "An admin change", access: .admin) { (params: Change, _) -> Int in
            calls.increment()
            return params.value
        }
        registry.register("strict", access: .admin) { (_: NoParams, _) -> Int in
            calls.increment()
            return 1
        }
        registry.register("count") { (_: NoParams, _) -> Int in 42 }
        return registry
    }

    @Test func missingOrWrongCredentialIsUnauthorizedAndTheHandlerNeverRuns() async throws {
        let gate = RecordingGate()
        let calls = Counter()
        try await withServer(registry: Self.registry(gate: gate, calls: calls)) { port in
            try await withRawWebSocket(port: port) { session in
                for request in [
                    #"{"jsonrpc":"2.0","id":1,"method":"change","params":{"value":3}}"#,
                    #"{"jsonrpc":"2.0","id":1,"method":"change","params":{"value":3,"auth":{"token":"wrong"}}}"#,
                    #"{"jsonrpc":"2.0","id":1,"method":"change","params":{"value":3,"auth":"sesame"}}"#,
                    #"{"jsonrpc":"2.0","id":1,"method":"change","params":{"value":3,"auth":{"token":"sesame","x":1}}}"#,
                    #"{"jsonrpc":"2.0","id":1,"method":"change","params":[3]}"#,
                    #"{"jsonrpc":"2.0","id":1,"method":"change"}"#,
                ] {
                    let answer = try await session.exchange(request) ?? ""
                    #expect(answer.contains(#""code":"unauthorized""#), "\(request) -> \(answer)")
                    #expect(!answer.contains("sesame") && !answer.contains("wrong"), "the answer never echoes a credential")
                    #expect(!answer.contains("\n"))
                }
            }
        }
        #expect(calls.count == 0)
        #expect(await gate.seen.count == 6)
    }

    @Test func theRightCredentialReachesTheHandlerWithoutTheAuthMember() async throws {
        let calls = Counter()
        try await withServer(registry: Self.registry(gate: RecordingGate(), calls: calls)) { port in
            try await withRawWebSocket(port: port) { session in
                let answer = try await session.exchange(
                    #"{"jsonrpc":"2.0","id":1,"method":"change","params":{"value":3,"auth":{"token":"sesame"}}}"#)
                #expect(answer == #"{"id":1,"jsonrpc":"2.0","result":3}"#)
                // A method without params gets the auth member removed, so its strict params type accepts the call.
                let strict = try await session.exchange(
                    #"{"jsonrpc":"2.0","id":2,"method":"strict","params":{"auth":{"token":"sesame"}}}"#)
                #expect(strict == #"{"id":2,"jsonrpc":"2.0","result":1}"#)
            }
            let client = JSONRPCClient(url: webSocketURL(port))
            let methods = try await client.call("rpc.methods", as: [RPCMethodDescription].self)
            #expect(methods.first { $0.name == "change" }?.admin == true)
            #expect(methods.first { $0.name == "count" }?.admin == nil)
            await client.close()
        }
        #expect(calls.count == 2)
    }

    @Test func aRegistryWithoutAGateRefusesEveryAdminCall() async throws {
        let calls = Counter()
        var registry = RPCMethodRegistry()
        registry.register("change", access: .admin) { (params: Change, _) -> Int in
            calls.increment()
            return params.value
        }
        try await withServer(registry: registry) { port in
            try await withRawWebSocket(port: port) { session in
                let answer = try await session.exchange(
                    #"{"jsonrpc":"2.0","id":1,"method":"change","params":{"value":3,"auth":{"token":""}}}"#) ?? ""
                #expect(answer.contains(#""code":"unauthorized""#))
            }
        }
        #expect(calls.count == 0)
    }

    @Test func credentialsAreRedactedInDescriptions() {
        #expect("\(AdminCredential.password("hunter2hunter2"))" == "password(<redacted>)")
        #expect(String(reflecting: AdminCredential.token("abc123")) == "token(<redacted>)")
        #expect("\(AdminCredential.token("abc123"))" == "token(<redacted>)")
    }
}
