import FMCore
import FMServerCore
import FMStorage

/// A guardian's module that does exactly what `wrapped` does, every requirement passed on, except that its stateless
/// proof checks (``ServerModule/verifyInputProofs(_:)``) first call `beforeProofs` with the same payloads: tests count
/// those checks, or hold a guardian inside one, without a copy of the forwarding for each purpose.
public struct ProofObservedModule: ServerModule {
    public let wrapped: any ServerModule
    private let beforeProofs: @Sendable ([[UInt8]]) throws -> Void

    public init(_ wrapped: any ServerModule, beforeProofs: @escaping @Sendable ([[UInt8]]) throws -> Void) {
        self.wrapped = wrapped
        self.beforeProofs = beforeProofs
    }

    public var kind: ModuleKind { wrapped.kind }
    public var instance: ModuleInstanceID { wrapped.instance }
    public var schema: StorageSchema { wrapped.schema }
    public var apiEndpoints: [ModuleEndpoint] { wrapped.apiEndpoints }

    public func verifyInputProofs(_ payloads: [[UInt8]]) throws {
        try beforeProofs(payloads)
        try wrapped.verifyInputProofs(payloads)
    }

    public func inputMetas(_ payloads: [[UInt8]]) throws -> [InputMeta] { try wrapped.inputMetas(payloads) }
    public func proofCost(ofInput payload: [UInt8]) -> Int { wrapped.proofCost(ofInput: payload) }
    public func deferredProofs(_ payloads: [[UInt8]], committed: any StorageReading) throws -> Set<Int> {
        try wrapped.deferredProofs(payloads, committed: committed)
    }
    public func verifyOutput(_ payload: [UInt8], outPoint: OutPoint, db: any StorageReading) throws -> OutputMeta {
        try wrapped.verifyOutput(payload, outPoint: outPoint, db: db)
    }
    public func verifyInput(_ payload: [UInt8], db: any StorageReading) throws -> InputMeta {
        try wrapped.verifyInput(payload, db: db)
    }
    public func processInput(_ payload: [UInt8], db: any StorageWriting) throws -> InputMeta {
        try wrapped.processInput(payload, db: db)
    }
    public func verifyInputs(_ payloads: [[UInt8]], db: any StorageReading) throws -> [InputMeta] {
        try wrapped.verifyInputs(payloads, db: db)
    }
    public func processInputs(_ payloads: [[UInt8]], db: any StorageWriting) throws -> [InputMeta] {
        try wrapped.processInputs(payloads, db: db)
    }
    public func processOutput(_ payload: [UInt8], outPoint: OutPoint, db: any StorageWriting) throws -> OutputMeta {
        try wrapped.processOutput(payload, outPoint: outPoint, db: db)
    }
    public func outputOutcome(_ outPoint: OutPoint, db: any StorageReading) throws -> [UInt8]? {
        try wrapped.outputOutcome(outPoint, db: db)
    }
    public func consensusProposal(db: any StorageReading) throws -> [[UInt8]] { try wrapped.consensusProposal(db: db) }
    public func processConsensusItem(_ payload: [UInt8], from peer: PeerID, db: any StorageWriting) throws {
        try wrapped.processConsensusItem(payload, from: peer, db: db)
    }
    public func audit(db: any StorageReading) throws -> ModuleAudit { try wrapped.audit(db: db) }
    public func stateDigest(db: any StorageReading) throws -> [UInt8] { try wrapped.stateDigest(db: db) }
}
