import Foundation

/// Cheapest route over the known channel graph (Dijkstra from the destination back to us, so each hop's amount
/// includes the fees of the hops after it). Our own channels count with their real spendable balance and only
/// while their peer is connected; other channels with their announced capacity.
struct Router {
    struct Edge {
        var shortChannelId: String
        var source: NodeID
        var destination: NodeID
        /// The most this edge can carry, in msat.
        var limitMsat: UInt64
        var feeBaseMsat: UInt64
        var feePpm: UInt64
        var cltvDelta: UInt64
    }

    struct Hop: Equatable {
        var shortChannelId: String
        var node: NodeID
        var amountMsat: UInt64
        var cltvExpiry: UInt64
    }

    var edges: [Edge]

    /// The hops from `source` to `destination`, each with the amount and expiry the HTLC to that hop carries.
    func route(
        from source: NodeID, to destination: NodeID, amountMsat: UInt64, finalExpiry: UInt64, excluding: Set<String>
    ) -> [Hop]? {
        // best[node] = (amount the HTLC arriving at node must carry, its expiry, the edge it leaves by, total fee)
        var best: [NodeID: (amount: UInt64, expiry: UInt64, next: Edge?)] = [destination: (amountMsat, finalExpiry, nil)]
        var done: Set<NodeID> = []
        while let (node, entry) = best.filter({ !done.contains($0.key) }).min(by: { $0.value.amount < $1.value.amount }) {
            done.insert(node)
            if node == source { break }
            for edge in edges where edge.destination == node && !excluding.contains(edge.shortChannelId) && !done.contains(edge.source) {
                guard entry.amount <= edge.limitMsat else { continue }
                // The source pays no fee to itself; every other hop charges for forwarding over `edge`.
                var amount = entry.amount
                var expiry = entry.expiry
                if edge.source != source {
                    let fee = edge.feePpm.multipliedReportingOverflow(by: entry.amount)
                    guard !fee.overflow else { continue }
                    let (withBase, o1) = entry.amount.addingReportingOverflow(edge.feeBaseMsat)
                    let (total, o2) = withBase.addingReportingOverflow(fee.partialValue / 1_000_000)
                    let (later, o3) = entry.expiry.addingReportingOverflow(edge.cltvDelta)
                    guard !o1, !o2, !o3 else { continue }
                    amount = total
                    expiry = later
                }
                if let existing = best[edge.source], existing.amount <= amount { continue }
                best[edge.source] = (amount, expiry, edge)
            }
        }
        guard best[source] != nil else { return nil }
        var hops: [Hop] = []
        var node = source
        while let edge = best[node]?.next {
            let next = edge.destination
            guard let arriving = best[next] else { return nil }
            hops.append(Hop(shortChannelId: edge.shortChannelId, node: next, amountMsat: arriving.amount, cltvExpiry: arriving.expiry))
            node = next
            if hops.count > 20 { return nil }
        }
        return hops.isEmpty ? nil : hops
    }
}
