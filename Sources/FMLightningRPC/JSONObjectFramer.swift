/// Splits a byte stream into top-level JSON objects, the way Core Lightning frames its RPC socket: requests and
/// responses are JSON objects written back to back (lightningd adds "\n\n" after each; pyln-client parses objects
/// as they complete). Whitespace between objects is skipped; strings and escapes are tracked so that braces inside
/// strings do not count. Used by the client here and by any server speaking the same protocol.
public struct JSONObjectFramer: Sendable {
    /// An object larger than this is refused (input from outside needs a bound).
    public let maximumObjectSize: Int
    private var buffer: [UInt8] = []
    private var scanned = 0
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var start: Int?

    public enum FramingError: Error, Equatable, Sendable {
        /// A byte outside any object that is neither whitespace nor `{`.
        case unexpectedByte(UInt8)
        case objectTooLarge(limit: Int)
    }

    public init(maximumObjectSize: Int = 64 << 20) {
        self.maximumObjectSize = maximumObjectSize
    }

    /// Adds bytes and returns every object they complete, in order.
    public mutating func append(_ bytes: some Sequence<UInt8>) throws -> [[UInt8]] {
        buffer.append(contentsOf: bytes)
        var objects: [[UInt8]] = []
        while scanned < buffer.count {
            let byte = buffer[scanned]
            defer { scanned += 1 }
            guard start != nil else {
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): continue
                case UInt8(ascii: "{"):
                    start = scanned
                    depth = 1
                    continue
                default: throw FramingError.unexpectedByte(byte)
                }
            }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0, let first = start {
                    objects.append(Array(buffer[first...scanned]))
                    start = nil
                }
            default: break
            }
        }
        // Drop what is consumed so the buffer holds at most one partial object.
        let keep = start ?? buffer.count
        if keep > 0 {
            buffer.removeFirst(keep)
            scanned -= keep
            start = start.map { $0 - keep }
        }
        guard buffer.count <= maximumObjectSize else { throw FramingError.objectTooLarge(limit: maximumObjectSize) }
        return objects
    }
}
