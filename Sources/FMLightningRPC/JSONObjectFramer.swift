/// Splits a byte stream into top-level JSON objects, the way Core Lightning frames its RPC socket: requests and
/// responses are JSON objects written back to back (lightningd adds "\n\n" after each; pyln-client parses objects
/// as they complete). Whitespace between objects is skipped; strings and escapes are tracked so that braces inside
/// strings do not count. Used by the client here and by any server speaking the same protocol.
public struct JSONObjectFramer: Sendable {
    /// An object larger than this is refused (input from outside needs a bound).
    public let maximumObjectSize: Int
    private var buffer: [UInt8] = []
    private var scanned = 0
    /// The closing bracket of every array or object open in the current object, innermost last.
    private var closers: [UInt8] = []
    private var inString = false
    private var escaped = false
    private var start: Int?

    public enum FramingError: Error, Equatable, Sendable {
        /// A byte outside any object that is neither whitespace nor `{`.
        case unexpectedByte(UInt8)
        case objectTooLarge(limit: Int)
        /// A `}` or `]` that does not close the innermost open bracket (`{"a":1]`): not a JSON object, refused
        /// here rather than handed on as a frame (found by the `cln-rpc` fuzz target).
        case mismatchedBracket(UInt8)
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
                    closers = [UInt8(ascii: "}")]
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
            case UInt8(ascii: "{"): closers.append(UInt8(ascii: "}"))
            case UInt8(ascii: "["): closers.append(UInt8(ascii: "]"))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard closers.last == byte else { throw FramingError.mismatchedBracket(byte) }
                closers.removeLast()
                if closers.isEmpty, let first = start {
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
