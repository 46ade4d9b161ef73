import FMCore
import FMStorage
import FMServerCore

/// The checks of a transaction that need no state, in order of cost, cheapest first (docs/architecture.md,
/// "Processing"). They run on a ``VerificationQueue``, outside any database transaction.
///
/// 1. Shape: at least one input, one signature per input, every module known (the decoder already bounds inputs
///    and outputs to ``Transaction/maxItems`` each: the per-transaction cost budget).
/// 2. ``ServerModule/inputMetas(_:)``: each input's amount, fee and spend key, decoded cheaply.
/// 3. One BIP-340 signature per input over the txid (tens of microseconds each).
/// 4. ``ServerModule/deferredProofs(_:committed:)``: one short read of committed state, in which a module names the
///    inputs whose proofs wait for their stateful check (an incoming Lightning input whose contract is not funded).
/// 5. ``ServerModule/verifyInputProofs(_:)`` of the other inputs: the costly proofs (the mint's pairings), stopping at
///    the first failure. The deferred ones run in ``TransactionProcessor/checkStateful(_:verified:modules:db:applying:)``.
///
/// The txid covers everything but the signatures, so a failure in step 1's signature count or in step 3 is the only
/// one that another copy of the same txid might not have: it is an ``UnauthorizedCopy``, which the guardian reports
/// but never records as the txid's outcome (a leader could otherwise censor a transaction by proposing a copy with
/// garbage signatures first).
enum StatelessChecks {
    /// A copy of a transaction whose signatures do not authorize it.
    struct UnauthorizedCopy: Error {
        let rejection: TransactionRejection
    }

    /// What the checks accepted: the input metas in input order, and per module instance the payloads whose proofs
    /// still have to be checked after the module's stateful check of the transaction's inputs.
    struct Verified: Sendable {
        let metas: [InputMeta]
        let deferredProofs: [ModuleInstanceID: [[UInt8]]]
    }

    /// Where step 4 reads committed state. For a block, `height` is the block's: the read must see the state
    /// committed just before it (the processing cursor at `height`), which every guardian holds identically, so every
    /// guardian defers the same proofs; otherwise it throws ``SnapshotMoved`` and the block is applied again later.
    struct CommittedState: Sendable {
        let database: any Storage
        let height: UInt64?

        func deferredProofs(_ groups: [InputGroup]) throws -> [Set<Int>] {
            try database.readNow { db in
                if let height {
                    let next = try TransactionProcessor.cursor(db).nextHeight
                    guard next == height else { throw SnapshotMoved(height: height, cursor: next) }
                }
                return try groups.map { try $0.module.deferredProofs($0.payloads, committed: db) }
            }
        }
    }

    /// The committed state is not the one a block applies to (another block was applied meanwhile): abort the block.
    struct SnapshotMoved: EnvironmentalError, CustomStringConvertible {
        let height: UInt64
        let cursor: UInt64
        var description: String { "block \(height) was checked against the state before block \(cursor)" }
    }

    /// Runs the checks. Throws ``UnauthorizedCopy``, a ``TransactionRejection``, or whatever a module throws
    /// (classified by ``ProcessingFailure``).
    static func verify(
        _ transaction: Transaction, modules: [ModuleInstanceID: any ServerModule], committed: CommittedState
    ) throws -> Verified {
        guard !transaction.inputs.isEmpty else { throw TransactionCheck.empty }
        guard transaction.signatures.count == transaction.inputs.count else {
            throw UnauthorizedCopy(
                rejection: TransactionCheck.signatureCountMismatch(transaction.signatures.count, inputs: transaction.inputs.count))
        }
        for output in transaction.outputs where modules[output.module] == nil {
            throw TransactionCheck.unknownModule(output.module)
        }
        let groups = try inputGroups(transaction, modules: modules)
        var metas = [InputMeta?](repeating: nil, count: transaction.inputs.count)
        for group in groups {
            for (index, meta) in zip(group.indices, try group.module.inputMetas(group.payloads)) { metas[index] = meta }
        }
        let message = transaction.txid.hash.bytes
        var checked: [InputMeta] = []
        for (index, meta) in metas.enumerated() {
            guard let meta else { throw TransactionCheck.missingMeta(input: index) }
            guard meta.spendKey.isValidSchnorrSignature(transaction.signatures[index], for: message) else {
                throw UnauthorizedCopy(rejection: TransactionCheck.invalidSignature(input: index))
            }
            checked.append(meta)
        }
        var deferred: [ModuleInstanceID: [[UInt8]]] = [:]
        for (group, indices) in zip(groups, try committed.deferredProofs(groups)) {
            let payloads = group.payloads.indices.filter { !indices.contains($0) }.map { group.payloads[$0] }
            if !payloads.isEmpty { try group.module.verifyInputProofs(payloads) }
            if !indices.isEmpty { deferred[group.module.instance] = group.payloads.indices.filter(indices.contains).map { group.payloads[$0] } }
        }
        return Verified(metas: checked, deferredProofs: deferred)
    }

    /// A transaction's inputs of one module, in input order.
    struct InputGroup {
        let module: any ServerModule
        let indices: [Int]
        var payloads: [[UInt8]]
    }

    /// The inputs grouped by module instance (so a module can batch its work), in instance order.
    static func inputGroups(
        _ transaction: Transaction, modules: [ModuleInstanceID: any ServerModule]
    ) throws(TransactionRejection) -> [InputGroup] {
        var indicesByModule: [ModuleInstanceID: [Int]] = [:]
        for (index, input) in transaction.inputs.enumerated() { indicesByModule[input.module, default: []].append(index) }
        return try indicesByModule.keys.sorted().map { instance throws(TransactionRejection) in
            guard let module = modules[instance] else { throw TransactionCheck.unknownModule(instance) }
            let indices = indicesByModule[instance] ?? []
            return InputGroup(module: module, indices: indices, payloads: indices.map { transaction.inputs[$0].payload })
        }
    }
}
