import FMCore
import FMStorage

/// The server side of a module (BRIEF §2): how a guardian validates and
/// applies the module's transaction inputs, outputs and consensus items.
///
/// The guardian knows modules only through this protocol, and a module knows
/// its database only through the storage interface (FMStorage,
/// docs/decisions/0003-storage-interface.md): it is handed a `StorageWriting`
/// (or, for what must not change anything, a `StorageReading`) and writes its
/// SQL in the portable subset, never importing a backend. The guardian applies
/// each finalized block in one write transaction and every item of it in a
/// savepoint, so a module writes its state through the transaction it is
/// handed and never opens transactions of its own; when any input or output of
/// a transaction is rejected, the savepoint is rolled back and nothing the
/// module wrote for that transaction remains. A module's storage error must
/// propagate: a statement that failed aborts the transaction it was handed
/// (both backends), and a body that swallowed one aborts the block.
///
/// Checks run in three phases, cheapest first (docs/architecture.md,
/// "Processing"): ``inputMetas(_:)`` decodes the inputs and names their spend
/// keys (cheap, stateless); the guardian then verifies the transaction's
/// Schnorr signatures over the txid; ``verifyInputProofs(_:)`` does the
/// expensive stateless work (the mint's pairings). These run outside any
/// database transaction, except that a module may name, from committed state,
/// inputs whose proofs wait for their stateful check (``deferredProofs(_:committed:)``:
/// an input spending what is not there yet costs no pairing). Only then do the
/// stateful forms run: the read-only
/// ``verifyInputs(_:db:)``/``verifyOutput(_:outPoint:db:)`` for
/// `submit_transaction`, and ``processInputs(_:db:)``/``processOutput(_:outPoint:db:)``
/// inside the block's write transaction. A stateful form may assume that the
/// stateless phases accepted the same payloads.
///
/// Errors (``ProcessingFailure``): whatever a module throws while a
/// transaction or consensus item is applied is a deterministic rejection of
/// that transaction (the item is skipped), because every guardian runs the
/// same code on the same state and item, except an ``EnvironmentalError`` or
/// an environmental `StorageError` (I/O, disk full, a lost connection, a
/// serialization failure), for which the guardian aborts the block and
/// applies it again later. A
/// module whose answer depends on something outside the database (its bitcoin
/// node) must throw an ``EnvironmentalError`` when that is unavailable, never
/// a rejection.
///
/// - Important: the double-spend invariants live here. ``processInput(_:db:)``
///   must consume what the input spends (for the mint: insert the note's nonce
///   into the spent set) in the very transaction it is given, and
///   must reject an input whose spend was already recorded, including one
///   recorded earlier in the same transaction or block. State that decides
///   whether an input is spendable must live in the module's tables, never in
///   memory: every guardian must reach the same verdict from the same log,
///   including after a restart.
///
/// API endpoints: a module serves its own client API methods through
/// ``apiEndpoints``; the guardian registers each as `<kind>/<name>` (e.g.
/// `mint/spent_nonces`) in its JSON-RPC registry and answers it from committed
/// state in a read-only transaction (``ModuleEndpoint``). Generic methods stay
/// the guardian's (`await_output_outcome` calls ``outputOutcome(_:db:)``).
public protocol ServerModule: Sendable {
    /// What code interprets this module's items ("mint", "wallet", ...).
    var kind: ModuleKind { get }
    /// The instance number under which the federation's transactions address this module.
    var instance: ModuleInstanceID { get }
    /// The module's tables: prefixed with its kind (e.g. `mint_spent_nonces`)
    /// and evolved only by appending migrations. On SQLite they run through
    /// GRDB's migrator under the same `<prefix>/<name>` identifiers as before
    /// the storage interface (`SubsystemSchema(schema)`).
    var schema: StorageSchema { get }

    /// Decodes this module's inputs of one transaction and returns their
    /// metas (amount, fee, spend key) in order, checking only what is cheap
    /// and needs no state.
    ///
    /// Runs outside any database transaction and before the transaction's
    /// signatures are checked against the spend keys it returns, so its cost
    /// per input must be small: no pairings, and no point validation that
    /// ``verifyInputProofs(_:)`` can do later.
    func inputMetas(_ payloads: [[UInt8]]) throws -> [InputMeta]

    /// The expensive stateless checks of this module's inputs of one
    /// transaction (the mint: note signatures), run after ``inputMetas(_:)``
    /// and the transaction's signatures passed, outside any database
    /// transaction. Only a verdict is needed: stop at the first failure. The
    /// default checks nothing.
    func verifyInputProofs(_ payloads: [[UInt8]]) throws

    /// What the proofs of one input cost the guardian, in the units that choose a `submit_transaction`'s verification
    /// queue (1: an output, or a mint note's signature check, about 2 pairings). Read from the bytes without decoding
    /// (it runs before any check); the default is 1.
    func proofCost(ofInput payload: [UInt8]) -> Int

    /// The inputs (indices into `payloads`, this module's inputs of one transaction, which passed
    /// ``inputMetas(_:)``) whose ``verifyInputProofs(_:)`` waits until their stateful check passed, read from
    /// `committed` state (a read transaction, never the writer). The guardian checks the other inputs' proofs in the
    /// stateless phase, and these right after this module's ``verifyInputs(_:db:)``/``processInputs(_:db:)`` of the
    /// transaction accepted them (inside the block's write transaction when applying), so an input that spends what
    /// does not exist is rejected by a look-up, not by pairings. The verdict is the same either way (every check
    /// still runs before the transaction is accepted); for a block the guardian reads the state committed just before
    /// it, identical at every guardian. Defer only what is cheap to reject statefully: a deferred proof that runs
    /// holds the writer. The default defers nothing.
    func deferredProofs(_ payloads: [[UInt8]], committed: any StorageReading) throws -> Set<Int>

    /// Checks an output against committed state in a read-only transaction,
    /// without changing anything (`submit_transaction`); returns what
    /// ``processOutput(_:outPoint:db:)`` would.
    func verifyOutput(_ payload: [UInt8], outPoint: OutPoint, db: any StorageReading) throws -> OutputMeta

    /// Checks an input against committed state, without changing anything.
    ///
    /// Called before a transaction is proposed (`submit_transaction`), so that
    /// a client learns at once why an invalid transaction will not go through.
    /// Passing this check does not reserve anything: the input can still be
    /// rejected by ``processInput(_:db:)`` when the block is applied.
    func verifyInput(_ payload: [UInt8], db: any StorageReading) throws -> InputMeta

    /// Validates and applies one input inside the block's write transaction.
    ///
    /// - Important: must record the spend in `db` before returning, and reject
    ///   an input that is already spent (see the type's documentation).
    func processInput(_ payload: [UInt8], db: any StorageWriting) throws -> InputMeta

    /// Checks all of this module's inputs of one transaction against committed
    /// state, in order; returns their metas in the same order.
    ///
    /// The default calls ``verifyInput(_:db:)`` for each input; a module
    /// overrides it to check many inputs at once (the mint rejects a nonce
    /// repeated within the transaction). Guardians call this form, in a
    /// read-only transaction, after the stateless phases passed.
    func verifyInputs(_ payloads: [[UInt8]], db: any StorageReading) throws -> [InputMeta]

    /// Validates and applies all of this module's inputs of one transaction,
    /// in order; returns their metas in the same order.
    ///
    /// The default calls ``processInput(_:db:)`` for each input. Guardians
    /// call this form.
    func processInputs(_ payloads: [[UInt8]], db: any StorageWriting) throws -> [InputMeta]

    /// Validates and applies one output inside the block's write transaction.
    ///
    /// The module stores whatever outcome the output produces (the mint: this
    /// guardian's blind signature share) under `outPoint`.
    func processOutput(_ payload: [UInt8], outPoint: OutPoint, db: any StorageWriting) throws -> OutputMeta

    /// The canonical bytes of the outcome of an accepted output, or `nil` if
    /// this module holds no outcome at `outPoint` (not yet processed, or not
    /// its output).
    func outputOutcome(_ outPoint: OutPoint, db: any StorageReading) throws -> [UInt8]?

    /// The consensus items this guardian wants to propose now (block height
    /// and fee-rate votes of the wallet, for instance), canonically encoded.
    /// The default proposes nothing.
    func consensusProposal(db: any StorageReading) throws -> [[UInt8]]

    /// Applies a consensus item that `peer` proposed and consensus ordered.
    /// The default rejects every item (a module without consensus items).
    func processConsensusItem(_ payload: [UInt8], from peer: PeerID, db: any StorageWriting) throws

    /// The module's assets and liabilities in the committed (or current) state.
    func audit(db: any StorageReading) throws -> ModuleAudit

    /// The client API methods this module serves, served as `<kind>/<name>`. The default serves none.
    var apiEndpoints: [ModuleEndpoint] { get }

    /// This module's part of the guardian's state digest, computed after every block and chained into it
    /// (docs/architecture.md, "State digest"): a hash of what every honest guardian must hold identically (the
    /// mint: its totals and the sizes of its spent set and issuance log; the wallet: votes, consensus height and
    /// recent block hashes, unspent UTXOs, peg-outs). Cheap (it runs after every block), and without what differs
    /// legitimately between guardians (the mint's own signature shares). ``StateDigestBuilder`` builds it. The
    /// default contributes nothing.
    func stateDigest(db: any StorageReading) throws -> [UInt8]
}

extension ServerModule {
    public func verifyInputProofs(_ payloads: [[UInt8]]) throws {}

    public func deferredProofs(_ payloads: [[UInt8]], committed: any StorageReading) throws -> Set<Int> { [] }

    public func proofCost(ofInput payload: [UInt8]) -> Int { 1 }

    public func verifyInputs(_ payloads: [[UInt8]], db: any StorageReading) throws -> [InputMeta] {
        try payloads.map { try verifyInput($0, db: db) }
    }

    public func processInputs(_ payloads: [[UInt8]], db: any StorageWriting) throws -> [InputMeta] {
        try payloads.map { try processInput($0, db: db) }
    }

    public func consensusProposal(db: any StorageReading) throws -> [[UInt8]] { [] }

    public var apiEndpoints: [ModuleEndpoint] { [] }

    public func stateDigest(db: any StorageReading) throws -> [UInt8] { [] }

    public func processConsensusItem(_ payload: [UInt8], from peer: PeerID, db: any StorageWriting) throws {
        throw TransactionRejection.unsupported("consensus items", kind: kind)
    }
}
