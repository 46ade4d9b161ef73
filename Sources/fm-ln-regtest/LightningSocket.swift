import FMCore
import FMLightningRegtest
import Foundation
import NIOCore
import NIOPosix

/// One JSON-RPC call over a `lightning-rpc` unix socket, as lightning-cli makes it.
enum LightningSocket {
    enum Failure: Error {
        /// The node answered with an error object.
        case rpc(code: Int64, message: String, data: JSONValue?)
        /// Nothing listens at the path (node not running).
        case unreachable(String)
        /// The reply was not JSON-RPC.
        case malformed(String)
    }

    static func call(path: String, method: String, params: JSONValue, timeoutSeconds: Int64 = 3600) async -> Result<JSONValue, Failure> {
        let request: [String: JSONValue] = [
            "jsonrpc": .string("2.0"), "id": .string("fm-ln-regtest-cli"), "method": .string(method), "params": params,
        ]
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(unixDomainSocketPath: path) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
        } catch {
            return .failure(.unreachable("\(path): \(error)"))
        }
        do {
            let reply = try await channel.executeThenClose { inbound, outbound -> [UInt8]? in
                try await outbound.write(ByteBuffer(bytes: try JSONEncoder().encode(JSONValue.object(request))))
                var splitter = JSONObjectSplitter()
                for try await chunk in inbound {
                    splitter.append(Array(chunk.readableBytesView))
                    if let object = splitter.next() { return object }
                }
                return nil
            }
            guard let reply, case .object(let object) = try JSONDecoder().decode(JSONValue.self, from: Data(reply)) else {
                return .failure(.malformed("no reply"))
            }
            if case .object(let error)? = object["error"] {
                var code: Int64 = 0
                if case .integer(let number)? = error["code"] { code = number }
                var message = ""
                if case .string(let text)? = error["message"] { message = text }
                return .failure(.rpc(code: code, message: message, data: error["data"]))
            }
            return .success(object["result"] ?? .null)
        } catch {
            return .failure(.unreachable("\(path): \(error)"))
        }
    }
}
