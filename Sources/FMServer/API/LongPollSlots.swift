import NIOConcurrencyHelpers

/// The long polls (`await_*`, module waits such as `ln/await_decryption_share`) one guardian keeps waiting at once,
/// over all clients. Each waiting poll re-reads the database after every commit and every 250 ms, and every commit
/// wakes all of them, so their number must not grow with the number of client addresses. A poll that finds every
/// slot taken checks once and answers at once: the value if it exists, else the retryable answer a poll that waited
/// its full time gives (`not_yet_processed`, or the module's "not yet" error), which clients ask again after a pause.
public final class LongPollSlots: Sendable {
    /// The default ``limit``; `local.json` `api_limits.max_long_polls` overrides it.
    public static let defaultLimit = 1_024

    public let limit: Int
    private let held = NIOLockedValueBox(0)

    public init(limit: Int = LongPollSlots.defaultLimit) {
        self.limit = max(1, limit)
    }

    /// The polls waiting now.
    public var inUse: Int { held.withLockedValue { $0 } }

    /// Takes a slot; `false` (nothing taken) when all ``limit`` are held.
    func acquire() -> Bool {
        held.withLockedValue { held in
            guard held < limit else { return false }
            held += 1
            return true
        }
    }

    func release() {
        held.withLockedValue { $0 = max(0, $0 - 1) }
    }
}
