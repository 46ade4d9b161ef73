import Synchronization

/// What a guardian's costly checks of a mint payload found, remembered by the payload's bytes: the checks are pure
/// functions of those bytes (and the fixed config), and every transaction is checked twice, when it is submitted and
/// again when a block orders it. So the block reuses the submission's result: a note whose signature verified (a
/// pairing) and an output whose blinded message decoded (a square root and a subgroup check), instead of paying for
/// them again inside block processing. Consensus cannot differ from the uncached checks, since a hit returns exactly
/// what the check returned for the same bytes.
///
/// Bounded: when `capacity` entries are held it starts over (a miss only costs the check again), so a flood of
/// submissions cannot grow it.
final class CheckedPayloads<Value: Sendable>: Sendable {
    private let entries = Mutex<[[UInt8]: Value]>([:])
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func value(for payload: [UInt8]) -> Value? { entries.withLock { $0[payload] } }

    /// Removes and returns the entry (an output is processed once).
    func take(_ payload: [UInt8]) -> Value? { entries.withLock { $0.removeValue(forKey: payload) } }

    func remember(_ value: Value, for payload: [UInt8]) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[payload] = value
        }
    }
}
