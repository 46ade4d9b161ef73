import FMLightningRPC
import Foundation

/// What fm-gateway reads from its Lightning node's RPC socket: a byte stream framed into JSON objects
/// (``JSONObjectFramer``), each a JSON-RPC response (``FMLightningRPC/JSONRPCResponse``).
let lightningRPCTargets: [FuzzTarget] = [
    FuzzTarget(name: "cln-rpc", run: checkCLNStream, seeds: clnSeeds)
]

/// The first byte says where the stream is cut in two reads; the rest is the stream.
@Sendable private func checkCLNStream(_ bytes: [UInt8]) {
    guard let cut = bytes.first else { return }
    let stream = Array(bytes.dropFirst())
    var whole = JSONObjectFramer()
    let objects = try? whole.append(stream)
    // Framing does not depend on how the socket splits the bytes.
    var split = JSONObjectFramer()
    let at = stream.isEmpty ? 0 : Int(cut) % (stream.count + 1)
    let pieces = (try? split.append(stream[..<at])).flatMap { first in (try? split.append(stream[at...])).map { first + $0 } }
    require(objects == pieces, "cln framing: one read and two reads frame differently")
    for object in objects ?? [] {
        require(object.first == UInt8(ascii: "{") && object.last == UInt8(ascii: "}"), "cln framing: a frame is not an object")
        // Decoding a response: the envelope and any value in it; a decoded value re-encodes to the same value.
        guard let response = try? JSONDecoder().decode(FMLightningRPC.JSONRPCResponse<FMLightningRPC.JSONValue>.self, from: Data(object))
        else { continue }
        _ = (response.id?.description, response.error?.message)
        guard let result = response.result, let encoded = try? JSONEncoder().encode(result) else { continue }
        let first = try? JSONDecoder().decode(FMLightningRPC.JSONValue.self, from: encoded)
        let second = first.flatMap { try? JSONEncoder().encode($0) }.flatMap { try? JSONDecoder().decode(FMLightningRPC.JSONValue.self, from: $0) }
        require(first == second, "cln JSONValue: decode(encode(x)) is not stable")
    }
}

/// Core Lightning's own request/response examples (Tests/Vectors/cln_rpc_examples.json), written back to back the
/// way lightningd writes them ("\n\n" after each), and one answer cut mid-string.
@Sendable private func clnSeeds() -> [[UInt8]] {
    let data = try! Data(contentsOf: URL(fileURLWithPath: "Tests/Vectors/cln_rpc_examples.json"))
    let methods = (try! JSONSerialization.jsonObject(with: data) as! [String: Any])["methods"] as! [String: [[String: Any]]]
    var seeds: [[UInt8]] = []
    for name in methods.keys.sorted() {
        for (index, example) in methods[name]!.enumerated() {
            let id = example["request"].flatMap { ($0 as? [String: Any])?["id"] } ?? index
            let response: [String: Any] = ["jsonrpc": "2.0", "id": id, "result": example["response"] ?? NSNull()]
            var stream: [UInt8] = []
            for object in [example["request"] ?? [:], response] {
                stream += Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) + Array("\n\n".utf8)
            }
            seeds.append([UInt8(truncatingIfNeeded: stream.count / 2)] + stream)
        }
    }
    let error = #"{"jsonrpc":"2.0","id":"pyln:pay#7","error":{"code":210,"message":"Ran out of routes to try","data":{"attempts":[]}}}"#
    seeds.append([7] + Array(error.utf8) + Array("\n\n{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{\"a\":\"}{".utf8))
    return seeds
}
