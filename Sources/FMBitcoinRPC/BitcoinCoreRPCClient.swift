import FMBitcoin
import FMNetwork
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Bitcoin Core's JSON-RPC over HTTP/1.1 (`{"jsonrpc":"1.0","id":..,"method":..,"params":[..]}`),
/// with Basic authentication from a cookie file or user/password. Works against bitcoind and fm-regtest.
public final class BitcoinCoreRPCClient: BitcoinRPC {
    public let url: String
    public let auth: BitcoinRPCAuth
    private let host: String
    private let port: Int
    private let path: String
    private let timeout: TimeAmount
    private let state = NIOLockedValueBox(State())

    private struct State {
        var nextID = 1
        var credentials: String?
    }

    /// - Parameters:
    ///   - url: `http://host:port[/path]`, e.g. `http://127.0.0.1:18443` (a wallet path such as `/wallet/w1` is kept).
    ///   - timeoutSeconds: how long one call may take before it fails with a transport error.
    /// - Throws: ``BitcoinRPCError/transport(url:detail:)`` for a URL that is not plain `http://host:port`.
    public init(url: String, auth: BitcoinRPCAuth, timeoutSeconds: Int = 300) throws(BitcoinRPCError) {
        guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host,
            !host.isEmpty
        else { throw .transport(url: url, reason: "expected an http://host:port URL") }
        self.url = url
        self.auth = auth
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 80
        self.path = components.path.isEmpty ? "/" : components.path
        self.timeout = .seconds(Int64(timeoutSeconds))
    }

    // MARK: Generic call

    /// Calls `method` with positional `params` and returns the `result` member of the reply.
    /// - Throws: ``BitcoinRPCError``: `.rpc` when the reply carries an error object (Bitcoin Core
    ///   sends those with HTTP 500, or 404 for an unknown method), `.unauthorized` on 401/403 (after
    ///   re-reading a cookie file once), `.transport` when the node cannot be reached.
    public func call(_ method: String, _ params: [BitcoinJSON] = []) async throws(BitcoinRPCError) -> BitcoinJSON {
        let id = state.withLockedValue { state -> Int in
            defer { state.nextID += 1 }
            return state.nextID
        }
        let request = BitcoinJSON.object([
            "jsonrpc": .string("1.0"), "id": .integer(id), "method": .string(method), "params": .array(params),
        ])
        let body = Array(request.serialized.utf8)
        var reply = try await post(body, freshCredentials: false)
        if reply.status == 401, case .cookieFile = auth {
            // The node may have restarted and written a new cookie.
            reply = try await post(body, freshCredentials: true)
        }
        if reply.status == 401 || reply.status == 403 { throw .unauthorized(url: url) }
        let json: BitcoinJSON
        do { json = try BitcoinJSON(parsing: reply.body) } catch {
            throw .malformedReply(method: method, reason: "HTTP \(reply.status) with a body that is not JSON: \(error)")
        }
        if let error = json["error"], !error.isNull {
            guard let code = error["code"]?.intValue else {
                throw .malformedReply(method: method, reason: "error object without an integer code: \(error)")
            }
            throw .rpc(code: BitcoinRPCErrorCode(code), message: error["message"]?.stringValue ?? "")
        }
        guard reply.status == 200 else { throw .malformedReply(method: method, reason: "HTTP \(reply.status) without an error object") }
        guard let result = json["result"] else { throw .malformedReply(method: method, reason: "no result member") }
        return result
    }

    private func post(_ body: [UInt8], freshCredentials: Bool) async throws(BitcoinRPCError) -> HTTPReply {
        let credentials = try currentCredentials(fresh: freshCredentials)
        let headers = [
            ("Content-Type", "application/json"),
            ("Authorization", "Basic " + Data(credentials.utf8).base64EncodedString()),
        ]
        do {
            return try await HTTPPost.send(host: host, port: port, path: path, headers: headers, body: body, timeout: timeout)
        } catch {
            let failure = NetworkFailure(error) { ($0 as? HTTPPostError)?.description }
            throw .transport(url: url, reason: failure.reason, detail: failure.detail)
        }
    }

    private func currentCredentials(fresh: Bool) throws(BitcoinRPCError) -> String {
        if !fresh, let cached = state.withLockedValue({ $0.credentials }) { return cached }
        let credentials = try auth.credentials()
        state.withLockedValue { $0.credentials = credentials }
        return credentials
    }

    // MARK: Typed calls

    public func getBlockchainInfo() async throws -> BlockchainInfo {
        let method = "getblockchaininfo"
        let result = try await call(method)
        guard let chain = result["chain"]?.stringValue, let blocks = result["blocks"]?.intValue,
            let headers = result["headers"]?.intValue, let best = result["bestblockhash"]?.stringValue,
            let medianTime = result["mediantime"]?.intValue
        else { throw BitcoinRPCError.malformedReply(method: method, reason: "missing chain/blocks/headers/bestblockhash/mediantime") }
        return BlockchainInfo(
            chain: chain, blocks: blocks, headers: headers, bestBlockHash: try hash(best, method: method),
            medianTime: medianTime, initialBlockDownload: result["initialblockdownload"]?.boolValue ?? false,
            chainWork: result["chainwork"]?.stringValue ?? "")
    }

    public func getBlockCount() async throws -> Int {
        try integer(try await call("getblockcount"), method: "getblockcount")
    }

    public func getBestBlockHash() async throws -> FMBitcoin.Hash256 {
        try hash(try await call("getbestblockhash"), method: "getbestblockhash")
    }

    public func getBlockHash(height: Int) async throws -> FMBitcoin.Hash256 {
        try hash(try await call("getblockhash", [.integer(height)]), method: "getblockhash")
    }

    public func getBlock(hash blockHash: FMBitcoin.Hash256) async throws -> Block {
        let bytes = try hexBytes(try await call("getblock", [.string(blockHash.displayHex), .integer(0)]), method: "getblock")
        return try decode("getblock") { try Block(serialized: bytes) }
    }

    public func getBlockHeader(hash blockHash: FMBitcoin.Hash256) async throws -> BlockHeader {
        let method = "getblockheader"
        let bytes = try hexBytes(try await call(method, [.string(blockHash.displayHex), .bool(false)]), method: method)
        return try decode(method) { try BlockHeader(serialized: bytes) }
    }

    public func getRawTransaction(txid: FMBitcoin.Hash256, blockHash: FMBitcoin.Hash256?) async throws -> Transaction {
        let method = "getrawtransaction"
        var params: [BitcoinJSON] = [.string(txid.displayHex), .bool(false)]
        if let blockHash { params.append(.string(blockHash.displayHex)) }
        let bytes = try hexBytes(try await call(method, params), method: method)
        return try decode(method) { try Transaction(serialized: bytes) }
    }

    public func getTxOutProof(txids: [FMBitcoin.Hash256], blockHash: FMBitcoin.Hash256?) async throws -> MerkleBlock {
        let method = "gettxoutproof"
        var params: [BitcoinJSON] = [.array(txids.map { .string($0.displayHex) })]
        if let blockHash { params.append(.string(blockHash.displayHex)) }
        let bytes = try hexBytes(try await call(method, params), method: method)
        return try decode(method) { try MerkleBlock(serialized: bytes) }
    }

    public func sendRawTransaction(_ transaction: Transaction) async throws -> FMBitcoin.Hash256 {
        try hash(try await call("sendrawtransaction", [.string(Hex.encode(transaction.serialized()))]), method: "sendrawtransaction")
    }

    public func submitPackage(transactions: [Transaction]) async throws -> PackageSubmission {
        let method = "submitpackage"
        let result = try await call(method, [.array(transactions.map { .string(Hex.encode($0.serialized())) })])
        return try PackageSubmission(reply: result)
    }

    public func estimateSmartFee(confirmationTarget: Int) async throws -> FeeEstimate {
        let method = "estimatesmartfee"
        let result = try await call(method, [.integer(confirmationTarget)])
        let errors = (result["errors"]?.arrayValue ?? []).compactMap(\.stringValue)
        var rate: UInt64?
        if let feerate = result["feerate"] {
            // BTC per kvB; ×10^8 gives sat per kvB exactly.
            guard let sats = feerate.satoshis else {
                throw BitcoinRPCError.malformedReply(method: method, reason: "feerate \(feerate) is not a BTC amount")
            }
            rate = sats
        }
        return FeeEstimate(satsPerKvB: rate, blocks: result["blocks"]?.intValue ?? confirmationTarget, errors: errors)
    }

    public func generateToAddress(blocks: Int, address: String) async throws -> [FMBitcoin.Hash256] {
        let method = "generatetoaddress"
        let result = try await call(method, [.integer(blocks), .string(address)])
        guard let items = result.arrayValue else { throw BitcoinRPCError.malformedReply(method: method, reason: "expected an array") }
        return try items.map { try hash($0, method: method) }
    }

    public func getNewAddress() async throws -> String {
        guard let address = try await call("getnewaddress").stringValue else {
            throw BitcoinRPCError.malformedReply(method: "getnewaddress", reason: "expected a string")
        }
        return address
    }

    public func sendToAddress(address: String, amountSats: UInt64) async throws -> FMBitcoin.Hash256 {
        try hash(try await call("sendtoaddress", [.string(address), .btc(satoshis: amountSats)]), method: "sendtoaddress")
    }

    public func getBalance() async throws -> UInt64 {
        let result = try await call("getbalance")
        guard let sats = result.satoshis else {
            throw BitcoinRPCError.malformedReply(method: "getbalance", reason: "\(result) is not a BTC amount")
        }
        return sats
    }

    public func getRawMempool() async throws -> [FMBitcoin.Hash256] {
        let method = "getrawmempool"
        guard let items = try await call(method).arrayValue else {
            throw BitcoinRPCError.malformedReply(method: method, reason: "expected an array")
        }
        return try items.map { try hash($0, method: method) }
    }

    // MARK: Reply decoding

    private func hash(_ value: BitcoinJSON, method: String) throws(BitcoinRPCError) -> FMBitcoin.Hash256 {
        guard let text = value.stringValue else { throw .malformedReply(method: method, reason: "expected a hash string, got \(value)") }
        return try hash(text, method: method)
    }

    private func hash(_ text: String, method: String) throws(BitcoinRPCError) -> FMBitcoin.Hash256 {
        do { return try FMBitcoin.Hash256(displayHex: text) } catch {
            throw .malformedReply(method: method, reason: "\"\(text)\" is not a 32-byte hash")
        }
    }

    private func integer(_ value: BitcoinJSON, method: String) throws(BitcoinRPCError) -> Int {
        guard let n = value.intValue else { throw .malformedReply(method: method, reason: "expected an integer, got \(value)") }
        return n
    }

    private func hexBytes(_ value: BitcoinJSON, method: String) throws(BitcoinRPCError) -> [UInt8] {
        guard let text = value.stringValue, let bytes = Hex.decode(text) else {
            throw .malformedReply(method: method, reason: "expected a hex string")
        }
        return bytes
    }

    private func decode<T>(_ method: String, _ body: () throws -> T) throws(BitcoinRPCError) -> T {
        do { return try body() } catch { throw .malformedReply(method: method, reason: "\(error)") }
    }
}
