import Dispatch
import FMCore
import FMServerCore
import Synchronization

/// Where the CPU-heavy stateless checks of transactions run (Schnorr signatures, the mint's pairings): on a serial
/// dispatch queue of its own, never on Swift's cooperative thread pool (whose few threads also run consensus and
/// the API) and never inside a database transaction (whose writer the consensus checkpoint needs).
///
/// A queue admits at most `capacity` jobs (running or waiting); beyond that ``run(_:)`` refuses at once with
/// ``ProcessingError/busy(_:)``, which a client retries. The guardian has one queue for blocks (never refused) and
/// two for `submit_transaction`: small transactions and large ones, so a flood of large transactions delays only
/// other large ones.
final class VerificationQueue: Sendable {
    let name: String
    let capacity: Int
    private let queue: DispatchQueue
    private let admitted = Mutex(0)

    init(name: String, capacity: Int) {
        self.name = name
        self.capacity = capacity
        queue = DispatchQueue(label: "fm.verify.\(name)", qos: .utility)
    }

    /// Runs `body` on the queue once earlier jobs are done; throws ``ProcessingError/busy(_:)`` if the queue is full.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let capacity = capacity
        guard admitted.withLock({ count in
            guard count < capacity else { return false }
            count += 1
            return true
        }) else { throw ProcessingError.busy(name) }
        defer { admitted.withLock { $0 -= 1 } }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}

/// The guardian's verification queues and the per-transaction cost that chooses between the API's two.
struct VerificationQueues: Sendable {
    /// Transactions costing at most this much take the small-transaction queue: each output costs 1, each input what
    /// its module says (``ServerModule/proofCost(ofInput:)``: a mint note 1, an incoming Lightning input t + 1).
    static let smallTransactionCost = 32

    let blocks = VerificationQueue(name: "blocks", capacity: .max)
    let small = VerificationQueue(name: "small-transactions", capacity: 256)
    let large = VerificationQueue(name: "large-transactions", capacity: 4)

    func forSubmission(_ transaction: Transaction, modules: [ModuleInstanceID: any ServerModule]) -> VerificationQueue {
        Self.cost(of: transaction, modules: modules) <= Self.smallTransactionCost ? small : large
    }

    /// The transaction's verification cost (an input of an unknown module costs 1: the checks refuse it cheaply).
    static func cost(of transaction: Transaction, modules: [ModuleInstanceID: any ServerModule]) -> Int {
        // Inputs and outputs are bounded by ``Transaction/maxItems`` each and a module's cost is small: no overflow.
        transaction.inputs.reduce(transaction.outputs.count) { total, input in
            total + max(1, modules[input.module]?.proofCost(ofInput: input.payload) ?? 1)
        }
    }
}
