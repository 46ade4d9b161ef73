import FMEncoding

/// The steps of the protocol, in the order they run for one operation (docs/dkg.md).
public enum DKGStep: UInt64, Sendable, CustomStringConvertible, CaseIterable {
    /// Everyone shows the digest of its setup codes and parameters.
    case hello = 0
    /// Signed broadcast of a hash of this guardian's Feldman commitments for a key batch.
    case commit = 1
    /// Echo of every signed commit received, to catch equivocation.
    case commitEcho = 2
    /// Broadcast of the Feldman commitments themselves, checked against the committed hash.
    case reveal = 3
    /// Each peer's Shamir shares, sent privately to it alone.
    case shares = 4
    /// Signed broadcast of a public value (`exchangePublicValues`).
    case publicValue = 5
    /// Echo of every signed public value received.
    case publicValueEcho = 6
    /// This guardian has everything it needs and is about to leave.
    case done = 7
    /// Everyone shows the session id it derived from the hello nonces (right after `hello`).
    case session = 8

    public var description: String {
        switch self {
        case .hello: "hello"
        case .commit: "commit"
        case .commitEcho: "commit-echo"
        case .reveal: "reveal"
        case .shares: "shares"
        case .publicValue: "public-value"
        case .publicValueEcho: "public-value-echo"
        case .done: "done"
        case .session: "session"
        }
    }
}

/// One frame on a DKG link.
///
/// Encoding: `varint version (2)`, then an enum: variant 0 `message` with body
/// `varint round, varint step, bytes payload`; variant 1 `abort` with body `bytes code, bytes reason` (UTF-8: the
/// sender's error code, e.g. `dkg_invalid_share`, and its message).
public enum DKGFrame: Equatable, Sendable {
    /// This guardian's message to one peer for protocol round `round` (0, 1, 2, …), which runs `step`.
    case message(round: UInt64, step: DKGStep, payload: [UInt8])
    /// The sender stops the DKG with the error `code` (a ``DKGError`` code or another stable code), for `reason`.
    case abort(code: String, reason: String)

    /// 2: hello carries a nonce, the `session` step exists and every signed statement names the session id.
    public static let version: UInt64 = 2
    /// The longest abort reason accepted (longer ones are malformed).
    static let maxReasonBytes = 1024
    static let maxCodeBytes = 64

    public var canonicalBytes: [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.writeVarint(Self.version)
        switch self {
        case .message(let round, let step, let payload):
            encoder.writeVariant(0) { body in
                body.writeVarint(round)
                body.writeVarint(step.rawValue)
                body.writeBytes(payload)
            }
        case .abort(let code, let reason):
            encoder.writeVariant(1) { body in
                body.writeBytes(Self.utf8Prefix(code, maxBytes: Self.maxCodeBytes))
                body.writeBytes(Self.utf8Prefix(reason, maxBytes: Self.maxReasonBytes))
            }
        }
        return encoder.bytes
    }

    /// The longest prefix of `text` whose UTF-8 fits `maxBytes`, cut between characters (never inside one).
    static func utf8Prefix(_ text: String, maxBytes: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for character in text {
            let encoded = Array(String(character).utf8)
            guard bytes.count + encoded.count <= maxBytes else { break }
            bytes += encoded
        }
        return bytes
    }

    public init(canonicalBytes bytes: [UInt8]) throws(DKGWireError) {
        var decoder = CanonicalDecoder(bytes)
        do {
            let version = try decoder.readVarint()
            guard version == Self.version else { throw DKGWireError("frame version \(version), expected \(Self.version)") }
            var (variant, body) = try decoder.readVariant()
            try decoder.finish()
            switch variant {
            case 0:
                let round = try body.readVarint()
                let rawStep = try body.readVarint()
                guard let step = DKGStep(rawValue: rawStep) else { throw DKGWireError("unknown step \(rawStep)") }
                let payload = try body.readBytes()
                try body.finish()
                self = .message(round: round, step: step, payload: payload)
            case 1:
                let code = try body.readBytes(maxLength: Self.maxCodeBytes)
                let reason = try body.readBytes(maxLength: Self.maxReasonBytes)
                try body.finish()
                // Strict UTF-8: a lossy decoding would map different frames to one value (not canonical).
                guard let codeText = String(validating: code, as: UTF8.self),
                      let reasonText = String(validating: reason, as: UTF8.self)
                else { throw DKGWireError("abort code or reason is not UTF-8") }
                self = .abort(code: codeText, reason: reasonText)
            default:
                throw DKGWireError("unknown frame variant \(variant)")
            }
        } catch let error as DKGWireError {
            throw error
        } catch {
            throw DKGWireError("\(error)")
        }
    }
}

/// Why bytes from a peer are not a valid DKG message.
public struct DKGWireError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
