import FMConsensus
import FMCore
import FMEncoding
import Foundation
import NIOCore
import NIOEmbedded

/// What arrives on a socket: guardian-to-guardian frames (hello, consensus, DKG) and JSON-RPC on the client API.
let networkTargets: [FuzzTarget] = [
    FuzzTarget(
        name: "peer-frame",
        run: { bytes in
            let whole = frames(of: bytes, chunk: bytes.count)
            // Reassembly does not depend on how TCP splits the stream.
            require(frames(of: bytes, chunk: 7) == whole, "peer frames: a split stream gave different frames")
            // Framing each payload again gives back the bytes they were read from.
            let reframed = whole.flatMap(\.wireBytes)
            require(Array(bytes.prefix(reframed.count)) == reframed, "peer frames: re-framing differs from the stream")
            var dataIndex = 0
            for frame in whole {
                if frame.isControl {
                    // A ping or pong the probe understands is exactly its own encoding (beyond its 9 bytes: ignored).
                    if let control = ControlFrame(ByteBuffer(bytes: frame.payload)) {
                        let encoded = [UInt8](buffer: FrameEncoder.control(control, allocator: ByteBufferAllocator()))
                        require(Array(encoded.dropFirst(FrameDecoder.headerSize)) == Array(frame.payload.prefix(ControlFrame.size)), "control frame: round trip")
                    }
                    continue
                }
                defer { dataIndex += 1 }
                if dataIndex == 0, let hello = try? Hello(bytes: frame.payload) {
                    require(hello.bytes == frame.payload && (try? Hello(bytes: hello.bytes)) == hello, "hello: round trip")
                } else {
                    checkCanonical(ConsensusMessage.self, frame.payload)
                    checkDKGFrame(frame.payload)
                }
            }
        },
        seeds: {
            let payloads = [Hello(peer: PeerID(2), networkID: Samples.hash("network")).bytes] + Samples.consensusMessages.prefix(3).map(\.canonicalBytes)
                + [DKGFrame.message(round: 1, step: .publicValue, payload: [1, 2, 3]).canonicalBytes]
            let stream = payloads.flatMap { [UInt8](buffer: FrameEncoder.frame($0, allocator: ByteBufferAllocator())) }
            let ping = [UInt8](buffer: FrameEncoder.control(ControlFrame(kind: .ping, nonce: 7), allocator: ByteBufferAllocator()))
            return [stream, Array(stream.prefix(40)), [0, 0, 0, 0], ping + stream + ping]
        }),
    FuzzTarget(
        name: "dkg-frame",
        run: checkDKGFrame,
        seeds: {
            [
                DKGFrame.message(round: 0, step: .publicValue, payload: HelloPayload(
                    setupDigest: Samples.hash("setup"), parametersDigest: Samples.hash("parameters"),
                    nonce: Samples.hash("nonce").bytes).canonicalBytes).canonicalBytes,
                DKGFrame.message(round: 2, step: .publicValueEcho, payload: SignedBroadcast(
                    body: [9, 9, 9], signature: Samples.key(5).signSchnorr(message: Samples.hash("body").bytes)).canonicalBytes).canonicalBytes,
                DKGFrame.abort(code: "bad_share", reason: "peer 2 sent a share that does not verify").canonicalBytes,
            ]
        }),
    FuzzTarget(
        name: "jsonrpc-request",
        run: { bytes in
            let message = Data(bytes)
            switch JSONRPCRequest.parse(message) {
            case .success(let request):
                require(!request.method.isEmpty && request.message == message, "request: accepted without a method")
                // Whatever the id, the answer the server writes is JSON a client reads back with the same id.
                let answer = JSONRPCResponse.success(id: request.responseID, result: Data("null".utf8))
                let read = try? JSONDecoder().decode(JSONRPCResponseID.self, from: answer)
                require(read?.id == request.responseID, "request: the success answer does not carry the id back")
            case .failure(let rejection):
                let answer = JSONRPCResponse.failure(id: rejection.id, error: rejection.error)
                let read = try? JSONDecoder().decode(JSONRPCResponseEnvelope<JSONValue>.self, from: answer)
                require(read?.id == rejection.id, "request: the error answer is not a readable response")
                if case .failure(let error)? = read?.outcome {
                    require(error == rejection.error, "request: the error answer changed on the way")
                } else {
                    require(false, "request: the error answer reads as a success")
                }
            }
            // Module payloads travel as JSONValue: decode → encode → decode is stable.
            if let value = try? JSONDecoder().decode(JSONValue.self, from: message) {
                let again = try? JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
                require(again == value || value.containsNonFinite, "JSONValue: decode(encode(x)) != x")
            }
        },
        seeds: {
            [
                #"{"jsonrpc":"2.0","id":1,"method":"status"}"#,
                #"{"jsonrpc":"2.0","id":"a","method":"wallet/peg_out_fees","params":{"address":"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080","amount_sats":10000,"fee_rate":1000}}"#,
                #"{"jsonrpc":"2.0","method":"await_output_outcome","params":{"out_point":{"txid":"00","out_index":18446744073709551615}}}"#,
                #"{"jsonrpc":"2.0","id":-9223372036854775808,"method":"x","params":[1.5,null,true,[],{}]}"#,
                #"[{"jsonrpc":"2.0","id":1,"method":"status"}]"#,
            ].map { Array($0.utf8) }
        }),
    FuzzTarget(
        name: "jsonrpc-response",
        run: { bytes in
            // What a client reads from a guardian: the id first, then the envelope with its result type.
            _ = try? JSONDecoder().decode(JSONRPCResponseID.self, from: Data(bytes))
            if let envelope = try? JSONDecoder().decode(JSONRPCResponseEnvelope<JSONValue>.self, from: Data(bytes)),
                case .failure(let error) = envelope.outcome
            {
                let again = JSONRPCResponse.failure(id: envelope.id, error: error)
                let reread = try? JSONDecoder().decode(JSONRPCResponseEnvelope<JSONValue>.self, from: again)
                require(reread?.id == envelope.id, "response: re-written error lost its id")
            }
        },
        seeds: {
            [
                String(decoding: JSONRPCResponse.success(id: .number(4), result: Data(#"{"status":"ok","height":12}"#.utf8)), as: UTF8.self),
                String(decoding: JSONRPCResponse.failure(id: .string("x"), error: .invalidParams(field: "fee_rate", expected: "an integer in sat/kvB")), as: UTF8.self),
            ].map { Array($0.utf8) }
        }),
]

/// A DKG frame the decoder accepts is exactly its own encoding.
private func checkDKGFrame(_ bytes: [UInt8]) {
    guard let frame = try? DKGFrame(canonicalBytes: bytes) else { return }
    require(frame.canonicalBytes == bytes, "DKG frame: accepted bytes differ from the encoding")
    guard case .message(_, let step, let payload) = frame else { return }
    switch step {
    case .hello: _ = try? HelloPayload(canonicalBytes: payload)
    default: _ = try? SignedBroadcast(canonicalBytes: payload)
    }
}

/// A frame as the guardian's pipeline hands it on: a data frame to the link, a control frame to the probe.
private struct DecodedFrame: Equatable {
    var isControl: Bool
    var payload: [UInt8]

    /// The frame as it travels: header (length, top bit for control) and payload.
    var wireBytes: [UInt8] {
        if !isControl { return [UInt8](buffer: FrameEncoder.frame(payload, allocator: ByteBufferAllocator())) }
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(payload.count) | FrameDecoder.controlBit)
        buffer.writeBytes(payload)
        return [UInt8](buffer: buffer)
    }
}

/// The frames the guardian's pipeline reads from `bytes` arriving in chunks of `chunk` bytes (those before the first
/// error). The channel is finished on every path: an unfinished EmbeddedChannel keeps its buffers alive.
private func frames(of bytes: [UInt8], chunk: Int) -> [DecodedFrame] {
    let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameSize: 1 << 16)))
    defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
    var out: [DecodedFrame] = []
    func drain() {
        while true {
            let frame: WireFrame?
            do { frame = try channel.readInbound(as: WireFrame.self) } catch {
                require(false, "peer frames: the decoder handed on something other than a WireFrame: \(error)")
                return
            }
            guard let frame else { return }
            out.append(DecodedFrame(isControl: frame.isControl, payload: [UInt8](buffer: frame.payload)))
        }
    }
    var offset = 0
    repeat {
        let end = min(bytes.count, offset + max(chunk, 1))
        let failed = (try? channel.writeInbound(ByteBuffer(bytes: bytes[offset..<end]))) == nil
        // Frames decoded before an error (a frame above the limit) were delivered; the connection then closes.
        drain()
        if failed { return out }
        offset = end
    } while offset < bytes.count
    return out
}

extension JSONValue {
    /// JSON has no NaN or infinity; a huge literal (1e999) decodes to infinity and cannot be encoded back.
    var containsNonFinite: Bool {
        switch self {
        case .double(let d): !d.isFinite
        case .array(let values): values.contains(where: \.containsNonFinite)
        case .object(let members): members.values.contains(where: \.containsNonFinite)
        default: false
        }
    }
}
