import FMCore

/// Internal failures of the node (files, peers, arithmetic); RPC callers see them as ``RPCError``s.
enum NodeError: Error, CustomStringConvertible {
    case badKeyFile(String)
    case peerProtocol(String)
    case overflow
    case cannotAfford(needed: UInt64, available: UInt64)
    case corrupt(String)

    var description: String {
        switch self {
        case .badKeyFile(let path): return "\(path) is not a 32-byte secret key"
        case .peerProtocol(let reason): return "peer protocol: \(reason)"
        case .overflow: return "amount overflow"
        case .cannotAfford(let needed, let available): return "Could not afford \(needed)sat: only \(available)sat available"
        case .corrupt(let what): return "corrupt database row: \(what)"
        }
    }
}

/// A JSON-RPC error as Core Lightning reports it: its numeric code, message and optional data.
public struct RPCError: Error, Sendable, CustomStringConvertible {
    public let code: Int
    public let message: String
    public let data: JSONValue?

    public init(_ code: Int, _ message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { "RPC error \(code): \(message)" }

    // Core Lightning's codes (common/jsonrpc_errors.h, v24.11).
    static let methodNotFound = -32601
    static let invalidParams = -32602
    static let lightningd = -1
    static let payInProgress = 200
    static let payRhashAlreadyUsed = 201
    static let payDestinationPermFail = 203
    static let payTryOtherRoute = 204
    static let payRouteNotFound = 205
    static let payInvoiceExpired = 207
    static let payStoppedRetrying = 210
    static let fundMaxExceeded = 300
    static let fundCannotAfford = 301
    static let fundUnknownPeer = 302
    static let fundPeerNotConnected = 303
    static let connectNoKnownAddress = 400
    static let connectAllAddressesFailed = 401
    static let invoiceLabelAlreadyExists = 900
    static let invoicePreimageAlreadyExists = 901
    static let invoiceExpiredDuringWait = 903
    static let invoiceWaitTimedOut = 904
    static let invoiceNotFound = 905
    static let invoiceStatusUnexpected = 906

    static func invalid(_ field: String, _ expected: String) -> RPCError {
        RPCError(invalidParams, "\(field): should be \(expected)")
    }
}
