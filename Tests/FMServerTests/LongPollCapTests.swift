import FMPeerNetwork
import FMServer
import FMTesting
import Foundation
import Testing

/// Review 4: long polls were capped per connection (64) and per address (32 connections) but not in total, so many
/// addresses could keep any number waiting, each re-reading the database 4 times a second and woken by every commit.
/// A guardian now keeps at most `api_limits.max_long_polls` waiting; beyond that a poll checks once and answers.
@Suite("Long polls waiting at once are bounded per guardian")
struct LongPollCapTests {
    static func request(_ method: String, _ params: String) -> String {
        #"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":\#(params)}"#
    }

    @Test("polls from many addresses beyond the cap answer at once with a retryable error; honest requests still answer",
          .timeLimit(.minutes(2)))
    func pollsBeyondTheCapAnswerAtOnce() async throws {
        let guardian = try await SingleGuardianAPI(limits: LocalConfig.APILimits(maxLongPolls: 4))
        defer { guardian.stop() }
        let (node, port) = (guardian.node, guardian.port)
        // A block exists, so the honest long poll below has its answer.
        var height = try rawRPC(port: port, from: "127.0.0.1", Self.request("session_count", "{}"))
        for _ in 0..<100 {
            if height.contains(#""result":"#) && !height.contains(#""result":0"#) { break }
            try await Task.sleep(for: .milliseconds(100))
            height = try rawRPC(port: port, from: "127.0.0.1", Self.request("session_count", "{}"))
        }

        // 12 polls for a block that will not exist for a long time, each from its own address.
        let polls = try (0..<12).map { index in
            let client = try RawTCPClient(port: port, from: "127.0.1.\(index + 1)")
            try client.send(rawRPCRequest(Self.request("await_signed_session", #"{"index":1000000000}"#)))
            return client
        }
        try await Task.sleep(for: .seconds(1))
        let answers = polls.map { String(decoding: $0.readUntilClosed(timeout: .milliseconds(500)).bytes, as: UTF8.self) }
        let waiting = answers.filter(\.isEmpty).count
        #expect(waiting == 4, "\(waiting) polls wait: \(answers)")
        #expect(node.longPolls.inUse == 4)
        for answer in answers where !answer.isEmpty {
            #expect(answer.contains("not_yet_processed"), "\(answer)")
        }

        // With every slot held, a poll whose answer exists answers it, and other methods answer as usual.
        let block = try rawRPC(port: port, from: "127.0.2.1", Self.request("await_signed_session", #"{"index":0}"#))
        #expect(block.contains(#""block":"#), "\(block)")
        let status = try rawRPC(port: port, from: "127.0.2.2", Self.request("status", "{}"))
        #expect(status.contains(#""result":"#), "\(status)")
        #expect(node.longPolls.inUse == 4)
    }
}
