import FMCore

/// Items submitted to this guardian and not finalized yet, in submission order, bounded.
struct ItemPool: Sendable {
    private var order: [Hash256] = []
    private var start = 0
    private(set) var items: [Hash256: [UInt8]] = [:]

    var count: Int { items.count }

    func contains(_ hash: Hash256) -> Bool { items[hash] != nil }

    mutating func insert(_ item: [UInt8], hash: Hash256) {
        items[hash] = item
        order.append(hash)
    }

    mutating func remove(_ hash: Hash256) {
        items[hash] = nil
        compactIfSparse()
    }

    /// Oldest pending items not in `excluded`, within the count and byte limits.
    func oldest(maxCount: Int, maxBytes: Int, excluding excluded: Set<Hash256>) -> [(Hash256, [UInt8])] {
        var chosen: [(Hash256, [UInt8])] = []
        var seen = Set<Hash256>()
        var bytes = 0
        for hash in order[start...] where chosen.count < maxCount {
            guard let item = items[hash], !excluded.contains(hash), seen.insert(hash).inserted else { continue }
            guard bytes + item.count <= maxBytes else { break }
            bytes += item.count
            chosen.append((hash, item))
        }
        return chosen
    }

    /// Drops order entries of removed items once they dominate, keeping memory proportional to `count`.
    private mutating func compactIfSparse() {
        while start < order.count, items[order[start]] == nil { start += 1 }
        if start > 64, start * 2 > order.count {
            order = order[start...].filter { items[$0] != nil }
            start = 0
        } else if order.count > 2 * items.count + 64 {
            order = order[start...].filter { items[$0] != nil }
            start = 0
        }
    }
}

/// A bounded first-in-first-out set of recently finalized item hashes.
struct RecentItems: Sendable {
    private var order: [Hash256] = []
    private var start = 0
    private var members = Set<Hash256>()
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func contains(_ hash: Hash256) -> Bool { members.contains(hash) }

    mutating func insert(_ hash: Hash256) {
        guard capacity > 0, members.insert(hash).inserted else { return }
        order.append(hash)
        if members.count > capacity {
            members.remove(order[start])
            start += 1
            if start * 2 > order.count {
                order.removeFirst(start)
                start = 0
            }
        }
    }
}
