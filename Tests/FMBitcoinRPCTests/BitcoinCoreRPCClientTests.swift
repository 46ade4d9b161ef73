import FMBitcoin
import FMCore
import FMRegtest
import FMTesting
import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import FMBitcoinRPC

/// The client against a real HTTP JSON-RPC server (fm-regtest's), ports 18400–18409.
@Suite(.serialized) struct BitcoinCoreRPCClientTests {
    /// Runs an fm-regtest server on `port` (with a fresh cookie, and optionally a user) until `body` returns.
    static func withServer<T>(
        directory: URL, port: Int = 0, user: String? = nil, password: String? = nil,
        _ body: (_ url: String, _ cookie: String) async throws -> T
    ) async throws -> T {
        let daemon = try await RegtestDaemon.start(
            dataDirectory: directory.appendingPathComponent("node").path, port: port, user: user, password: password)
        guard case .cookieFile(let cookie) = try daemon.rpcConfig.auth() else { throw BitcoinRPCError.credentials("no cookie") }
        do {
            let result = try await body(daemon.rpcConfig.url, cookie)
            await daemon.stop()
            return result
        } catch {
            await daemon.stop()
            throw error
        }
    }

    @Test func cookieAuthAndTypedResults() async throws {
        let directory = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Self.withServer(directory: directory) { url, cookie in
            let client = try BitcoinCoreRPCClient(url: url, auth: .cookieFile(cookie))
            let info = try await client.getBlockchainInfo()
            #expect(info.chain == "regtest" && info.blocks == 0 && info.headers == 0)
            #expect(info.bestBlockHash == Network.regtest.genesisBlock.hash)
            #expect(info.bestBlockHash.displayHex == "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206")
            #expect(try await client.getBlock(hash: info.bestBlockHash) == Network.regtest.genesisBlock)
            #expect(try await client.getRawMempool().isEmpty)
            // The generic call keeps numbers exact.
            #expect(try await client.call("getblockcount") == .number("0"))
        }
    }

    @Test func wrongCredentialsAreUnauthorized() async throws {
        let directory = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Self.withServer(directory: directory, user: "alice", password: "secret") { url, _ in
            let good = try BitcoinCoreRPCClient(url: url, auth: .userPassword(user: "alice", password: "secret"))
            #expect(try await good.getBlockCount() == 0)
            let bad = try BitcoinCoreRPCClient(url: url, auth: .userPassword(user: "alice", password: "wrong"))
            await #expect(throws: BitcoinRPCError.unauthorized(url: url)) { try await bad.getBlockCount() }
            let stale = directory.appendingPathComponent("stale-cookie").path
            try Data("__cookie__:00".utf8).write(to: URL(fileURLWithPath: stale))
            let badCookie = try BitcoinCoreRPCClient(url: url, auth: .cookieFile(stale))
            await #expect(throws: BitcoinRPCError.unauthorized(url: url)) { try await badCookie.getBlockCount() }
            let noCookie = try BitcoinCoreRPCClient(url: url, auth: .cookieFile(directory.appendingPathComponent("none").path))
            await #expect(throws: BitcoinRPCError.self) { try await noCookie.getBlockCount() }
        }
    }

    @Test func cookieIsReReadAfterTheNodeRestarts() async throws {
        let directory = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = 18401
        let url = "http://127.0.0.1:\(port)"
        let cookie = directory.appendingPathComponent("node/.cookie").path
        let client = try BitcoinCoreRPCClient(url: url, auth: .cookieFile(cookie))
        try await Self.withServer(directory: directory, port: port) { _, _ throws in
            #expect(try await client.getBlockCount() == 0)
        }
        // A restart writes a new cookie; the client's cached one gets 401, so it re-reads the file.
        try await Self.withServer(directory: directory, port: port) { _, _ throws in
            #expect(try await client.getBlockCount() == 0)
        }
    }

    @Test func rpcErrorsCarryBitcoinCoreCodes() async throws {
        let directory = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Self.withServer(directory: directory) { url, cookie in
            let client = try BitcoinCoreRPCClient(url: url, auth: .cookieFile(cookie))
            await #expect(throws: BitcoinRPCError.rpc(code: .invalidParameter, message: "Block height out of range")) {
                try await client.getBlockHash(height: 1)
            }
            await #expect(throws: BitcoinRPCError.rpc(code: .invalidAddressOrKey, message: "Block not found")) {
                try await client.getBlock(hash: Hash256.of([1]))
            }
            await #expect(throws: BitcoinRPCError.rpc(code: .methodNotFound, message: "Method not found")) {
                try await client.call("getwalletinfo-not-a-method")
            }
            await #expect(throws: BitcoinRPCError.rpc(code: .invalidAddressOrKey, message: "Error: Invalid address")) {
                try await client.generateToAddress(blocks: 1, address: "not-an-address")
            }
            do {
                _ = try await client.call("getblockhash", [.string("one")])
                Issue.record("a string height was accepted")
            } catch let error as BitcoinRPCError {
                #expect(error.rpcCode == .typeError)
                #expect(error.category == .failed)
            }
        }
    }

    @Test func unreachableNodeIsATransportError() async throws {
        let client = try BitcoinCoreRPCClient(url: "http://127.0.0.1:18402", auth: .userPassword(user: "u", password: "p"))
        do {
            _ = try await client.getBlockCount()
            Issue.record("no node listens on 18402")
        } catch let error as BitcoinRPCError {
            guard case .transport = error else { Issue.record("expected transport, got \(error)"); return }
            #expect(error.category == .unreachable)
        }
    }
}
