import FMCore
import FMRPC
import FMSetup
import Foundation
import Testing

@testable import FMServer

@Suite("The operator's credential: token or password, failures rate-limited per address")
struct OperatorAuthenticatorTests {
    static let password = try! OperatorPasswordHash.make(password: "correct horse battery", log2N: 10)

    private func code(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as JSONRPCError {
            return error.reportCode
        } catch {
            return "\(error)"
        }
    }

    @Test func acceptsTheTokenOrThePasswordAndNothingElse() async {
        let gate = OperatorAuthenticator(token: "00ff", password: Self.password)
        #expect(await code { try await gate.authorize(.token("00ff"), clientAddress: "a") } == nil)
        #expect(await code { try await gate.authorize(.password("correct horse battery"), clientAddress: "a") } == nil)
        #expect(await code { try await gate.authorize(.token("00fe"), clientAddress: "b") } == "unauthorized")
        #expect(await code { try await gate.authorize(.token("00ff0"), clientAddress: "b") } == "unauthorized")
        #expect(await code { try await gate.authorize(.token(""), clientAddress: "b") } == "unauthorized")
        #expect(await code { try await gate.authorize(.password("correct horse"), clientAddress: "b") } == "unauthorized")
        #expect(await code { try await gate.authorize(nil, clientAddress: "b") } == "unauthorized")
        // The token is not a password, nor the other way round.
        #expect(await code { try await gate.authorize(.password("00ff"), clientAddress: "b") } == "unauthorized")
        #expect(await code { try await gate.authorize(.token("correct horse battery"), clientAddress: "b") } == "unauthorized")
    }

    @Test func withoutAPasswordHashOnlyTheTokenWorks() async {
        let gate = OperatorAuthenticator(token: "00ff", password: nil)
        #expect(await code { try await gate.authorize(.password("correct horse battery"), clientAddress: "a") } == "unauthorized")
        #expect(await code { try await gate.authorize(.token("00ff"), clientAddress: "a") } == nil)
    }

    @Test func anAddressThatFailsTooOftenIsRefusedEvenWithTheRightTokenWhileOthersAreNot() async {
        let gate = OperatorAuthenticator(token: "00ff", password: nil)
        for _ in 0..<OperatorAuthenticator.failureBurst {
            #expect(await code { try await gate.authorize(.token("bad"), clientAddress: "attacker") } == "unauthorized")
        }
        #expect(await code { try await gate.authorize(.token("00ff"), clientAddress: "attacker") } == "rate_limited")
        #expect(await code { try await gate.authorize(.token("00ff"), clientAddress: "operator") } == nil)
        // Successes do not count: an operator's many calls (a backup's chunk reads) are never limited.
        for _ in 0..<(3 * OperatorAuthenticator.failureBurst) {
            #expect(await code { try await gate.authorize(.token("00ff"), clientAddress: "operator") } == nil)
        }
    }
}
