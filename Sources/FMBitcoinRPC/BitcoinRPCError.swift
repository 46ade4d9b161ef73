import FMCore

/// A Bitcoin Core RPC error code (`src/rpc/protocol.h`), with names for the ones callers branch on.
public struct BitcoinRPCErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    // JSON-RPC 2.0 standard errors.
    public static let invalidRequest = Self(-32600)
    public static let methodNotFound = Self(-32601)
    public static let invalidParams = Self(-32602)
    public static let internalError = Self(-32603)
    public static let parseError = Self(-32700)

    // General application errors.
    /// `RPC_MISC_ERROR`: std::exception thrown in command handling.
    public static let miscError = Self(-1)
    /// `RPC_TYPE_ERROR`: unexpected type was passed as parameter.
    public static let typeError = Self(-3)
    /// `RPC_INVALID_ADDRESS_OR_KEY`: invalid address or key (also "No such mempool or blockchain transaction", "Block not found").
    public static let invalidAddressOrKey = Self(-5)
    /// `RPC_OUT_OF_MEMORY`.
    public static let outOfMemory = Self(-7)
    /// `RPC_INVALID_PARAMETER`: invalid, missing or duplicate parameter (e.g. "Block height out of range").
    public static let invalidParameter = Self(-8)
    /// `RPC_DATABASE_ERROR`.
    public static let databaseError = Self(-20)
    /// `RPC_DESERIALIZATION_ERROR`: error parsing or validating structure in raw format ("TX decode failed").
    public static let deserializationError = Self(-22)
    /// `RPC_VERIFY_ERROR`: general error during transaction or block submission.
    public static let verifyError = Self(-25)
    /// `RPC_VERIFY_REJECTED`: transaction or block was rejected by network rules.
    public static let verifyRejected = Self(-26)
    /// `RPC_VERIFY_ALREADY_IN_CHAIN`: "Transaction already in block chain".
    public static let verifyAlreadyInChain = Self(-27)
    /// `RPC_IN_WARMUP`: client still warming up.
    public static let inWarmup = Self(-28)
    /// `RPC_METHOD_DEPRECATED`.
    public static let methodDeprecated = Self(-32)

    // P2P client errors.
    public static let clientNotConnected = Self(-9)
    public static let clientInInitialDownload = Self(-10)

    // Wallet errors.
    /// `RPC_WALLET_ERROR`: unspecified problem with the wallet.
    public static let walletError = Self(-4)
    /// `RPC_WALLET_INSUFFICIENT_FUNDS`.
    public static let walletInsufficientFunds = Self(-6)
    /// `RPC_WALLET_NOT_FOUND`: no wallet loaded, or the named one does not exist.
    public static let walletNotFound = Self(-18)

    private static let names: [Int: String] = [
        -32600: "invalid request", -32601: "method not found", -32602: "invalid params", -32603: "internal error",
        -32700: "parse error", -1: "misc error", -3: "type error", -4: "wallet error", -5: "invalid address or key",
        -6: "insufficient funds", -7: "out of memory", -8: "invalid parameter", -9: "not connected",
        -10: "in initial download", -18: "wallet not found", -20: "database error", -22: "deserialization error",
        -25: "verify error", -26: "verify rejected", -27: "already in chain", -28: "in warmup", -32: "method deprecated",
    ]

    /// The number and, when known, its name: `-26 (verify rejected)`.
    public var description: String { Self.names[rawValue].map { "\(rawValue) (\($0))" } ?? "\(rawValue)" }
}

/// Why a Bitcoin Core JSON-RPC call failed.
public enum BitcoinRPCError: ReportableError, Equatable, Sendable {
    /// The node could not be reached or the connection failed mid-call: `reason` in words
    /// (``FMNetwork/NetworkFailure``), `detail` the transport's raw error (only for `--verbose` and JSON `detail`).
    case transport(url: String, reason: String, detail: String? = nil)
    /// HTTP 401/403: the credentials (cookie file or user/password) were refused.
    case unauthorized(url: String)
    /// The node answered with a JSON-RPC error object.
    case rpc(code: BitcoinRPCErrorCode, message: String)
    /// The reply was not what `method` returns (not JSON, wrong shape, unexpected HTTP status).
    case malformedReply(method: String, reason: String)
    /// The configured credentials could not be loaded (e.g. the cookie file is missing).
    case credentials(String)

    /// Unreachable (exit 3) when the node cannot be reached or logged into; failed (exit 1) when
    /// it answered with an error, whatever the code: the node judged the request, not fm.
    public var category: FailureCategory {
        switch self {
        case .transport, .unauthorized, .credentials: return .unreachable
        case .rpc, .malformedReply: return .failed
        }
    }

    public var code: String {
        switch self {
        case .transport: return "bitcoin_rpc_unreachable"
        case .unauthorized: return "bitcoin_rpc_unauthorized"
        case .rpc: return "bitcoin_rpc_error"
        case .malformedReply: return "bitcoin_rpc_malformed_reply"
        case .credentials: return "bitcoin_rpc_credentials"
        }
    }

    public var description: String {
        switch self {
        case let .transport(url, reason, _): return "bitcoin node at \(url) unreachable: \(reason)"
        case let .unauthorized(url): return "bitcoin node at \(url) refused the RPC credentials (HTTP 401)"
        case let .rpc(code, message): return "bitcoin RPC error \(code): \(message)"
        case let .malformedReply(method, reason): return "bitcoin RPC \(method): malformed reply: \(reason)"
        case let .credentials(reason): return "bitcoin RPC credentials: \(reason)"
        }
    }

    public var detail: String? {
        if case .transport(_, _, let detail) = self { detail } else { nil }
    }

    /// The RPC error code, when the node answered with one.
    public var rpcCode: BitcoinRPCErrorCode? {
        if case .rpc(let code, _) = self { return code }
        return nil
    }
}
