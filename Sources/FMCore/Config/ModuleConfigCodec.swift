/// What both a guardian and a client must know about a module kind's consensus config: its canonical encoding
/// (hashed into the federation id) and the part of it that clients use.
///
/// Each module's Common target ships one codec, so the guardian (through its `ServerModuleInit`) and the client
/// (through its module list) use the very same encoding.
public protocol ModuleConfigCodec: Sendable {
    /// The module kind whose configs this codec reads.
    var kind: ModuleKind { get }

    /// The canonical encoding of a consensus config, from which the federation id is hashed.
    /// Throws if `consensus` is not a valid consensus config of this kind.
    func canonicalConsensusBytes(_ consensus: JSONValue) throws -> [UInt8]

    /// The part of the consensus config that clients need, as served in `client_config`.
    func clientConfig(fromConsensus consensus: JSONValue) throws -> JSONValue
}

/// The module config codecs one program knows, by kind.
public struct ModuleConfigCodecs: Sendable {
    private let codecs: [ModuleKind: any ModuleConfigCodec]

    /// The first codec of each kind wins.
    public init(_ codecs: [any ModuleConfigCodec]) {
        self.codecs = Dictionary(codecs.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func codec(for kind: ModuleKind) -> (any ModuleConfigCodec)? { codecs[kind] }
}
