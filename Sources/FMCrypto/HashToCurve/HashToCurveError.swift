/// Failures of the hash-to-curve primitives.
public enum HashToCurveError: Error, Equatable, CustomStringConvertible {
    /// `expand_message_xmd` was asked for more than 255 · 32 bytes.
    case outputTooLong(Int)

    public var description: String {
        switch self {
        case .outputTooLong(let length):
            "expand_message_xmd: requested \(length) bytes, more than the 8160 that SHA-256 can expand to"
        }
    }
}
