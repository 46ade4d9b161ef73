import FMCore

/// The mint's own client API methods (served by every guardian as `mint/<name>`) and their wire shapes.
/// Both answers are functions of the committed state only, so honest guardians that applied the same
/// blocks give identical answers and a client can require t of them to agree (docs/rpc.md).
public enum MintAPI {
    /// `mint/spent_nonces {nonces: [hex]}` → `{spent: [bool]}`, one flag per nonce, in order.
    public static let spentNonces = "spent_nonces"
    /// `mint/issued_outputs {from, limit?}` → `{outputs: [...], next}`: the accepted mint outputs in the
    /// order the federation issued them, from sequence number `from` on; `next` is where the next page starts.
    public static let issuedOutputs = "issued_outputs"
    /// `mint/issuance_chain {}` → `{consensus_version, chain?, length, since_seq?}`: the mint's active consensus version
    /// and, under version 2, the SHA-256 chain over every output issued since it activated (docs/rpc.md).
    public static let issuanceChain = "issuance_chain"

    /// The most nonces one `spent_nonces` call may ask about.
    public static let maxNoncesPerCall = 1_000
    /// The largest (and default) page of `issued_outputs`.
    public static let maxOutputsPerPage: UInt32 = 1_000

    /// The full method name a client calls.
    public static func method(_ name: String) -> String { "\(MintKind.kind)/\(name)" }

    public struct SpentNoncesParams: Codable, Sendable, Equatable {
        /// Hex of each 32-byte x-only nonce.
        public var nonces: [String]
        public init(nonces: [String]) { self.nonces = nonces }
    }

    public struct SpentNoncesResult: Codable, Sendable, Equatable {
        public var spent: [Bool]
        public init(spent: [Bool]) { self.spent = spent }
    }

    public struct IssuedOutputsParams: Codable, Sendable, Equatable {
        /// The first sequence number wanted (0 for the start of history).
        public var from: UInt64
        /// At most this many outputs (default and cap ``MintAPI/maxOutputsPerPage``).
        public var limit: UInt32?
        public init(from: UInt64, limit: UInt32? = nil) {
            self.from = from
            self.limit = limit
        }
    }

    /// One accepted mint output.
    public struct IssuedOutput: Codable, Sendable, Equatable {
        /// Its position in the order of issuance: 0, 1, 2, … with no gaps, the same at every honest guardian.
        public var seq: UInt64
        public var outPoint: OutPoint
        public var denomination: Denomination
        /// Hex of the 48-byte blinded message B.
        public var blindedMessage: String
        public init(seq: UInt64, outPoint: OutPoint, denomination: Denomination, blindedMessage: String) {
            self.seq = seq
            self.outPoint = outPoint
            self.denomination = denomination
            self.blindedMessage = blindedMessage
        }
    }

    public struct IssuanceChainParams: Codable, Sendable, Equatable {
        public init() {}
    }

    public struct IssuanceChain: Codable, Sendable, Equatable {
        /// The mint's consensus version for the next block.
        public var consensusVersion: UInt32
        /// Hex of the chain after the last output issued under version 2; absent before any.
        public var chain: String?
        /// How many outputs the chain covers.
        public var length: UInt64
        /// The sequence number of the first output it covers.
        public var sinceSeq: UInt64?
        public init(consensusVersion: UInt32, chain: String?, length: UInt64, sinceSeq: UInt64?) {
            self.consensusVersion = consensusVersion
            self.chain = chain
            self.length = length
            self.sinceSeq = sinceSeq
        }
    }

    public struct IssuedOutputsResult: Codable, Sendable, Equatable {
        public var outputs: [IssuedOutput]
        /// The sequence number after the last output returned (`from` when there are none yet).
        public var next: UInt64
        public init(outputs: [IssuedOutput], next: UInt64) {
            self.outputs = outputs
            self.next = next
        }
    }
}
