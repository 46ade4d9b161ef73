import FMCore
import FMMintCommon

/// Which notes to spend for an amount (BRIEF §7): exactly the amount when the
/// wallet's notes allow it, otherwise the fewest notes the greedy rule finds
/// that cover it, leaving change to be reissued.
public struct NoteSelection<Item> {
    public let selected: [Item]
    /// The value of the selected notes.
    public let total: Amount
    public let target: Amount

    /// What the selected notes are worth beyond the target.
    public var change: Amount { Amount(msats: total.msats - target.msats) }
    /// True when the notes add up to exactly the target (no reissue needed).
    public var isExact: Bool { total == target }

    /// Selects from `items` (anything that carries a denomination: notes,
    /// database rows) notes worth at least `target`.
    ///
    /// Largest first, a note is taken while it fits in what is still missing;
    /// with power-of-two denominations this finds an exact selection whenever
    /// one exists. Otherwise the smallest remaining note that covers the rest
    /// is added, and notes made unnecessary by it are dropped again.
    ///
    /// - Throws: ``MintError/insufficientNotes(have:need:)``.
    public static func select(
        from items: [Item], target: Amount, denomination: (Item) -> Denomination
    ) throws(MintError) -> NoteSelection {
        let values = items.map { denomination($0).amount.msats }
        let available = values.reduce(into: UInt64(0)) { sum, value in
            sum = sum.addingReportingOverflow(value).overflow ? .max : sum + value
        }
        guard available >= target.msats else { throw .insufficientNotes(have: Amount(msats: available), need: target) }
        let order = items.indices.sorted { values[$0] > values[$1] }
        var taken: [Int] = []
        var untaken: [Int] = []
        var missing = target.msats
        for index in order {
            if values[index] <= missing {
                taken.append(index)
                missing -= values[index]
            } else {
                untaken.append(index)
            }
        }
        var total = target.msats - missing
        if missing > 0 {
            // Every untaken note is larger than what is missing (see above); take the smallest.
            let cover = untaken.min { values[$0] < values[$1] }!
            taken.append(cover)
            total += values[cover]
            taken.sort { values[$0] > values[$1] }
            taken.removeAll { index in
                guard total - values[index] >= target.msats else { return false }
                total -= values[index]
                return true
            }
        }
        return NoteSelection(selected: taken.map { items[$0] }, total: Amount(msats: total), target: target)
    }
}

extension NoteSelection where Item == SpendableNote {
    /// Selects from spendable notes.
    public static func select(from notes: [SpendableNote], target: Amount) throws(MintError) -> NoteSelection {
        try select(from: notes, target: target, denomination: \.denomination)
    }
}

/// The outputs of a reissue that spends `inputCount` notes worth `inputTotal`
/// to make notes worth exactly `target` plus change, paying the mint's fees.
///
/// A mint transaction must balance exactly: inputs = outputs + fees, where the
/// fee grows with the number of outputs. The plan uses the fewest change notes
/// c for which the rest, inputTotal − target − fee(c), can be paid in exactly c
/// notes (splitting a note into halves where needed).
public struct ReissuePlan: Hashable, Sendable {
    /// Notes worth exactly the target, largest first.
    public let targetOutputs: [Denomination]
    /// Notes worth the change, largest first.
    public let changeOutputs: [Denomination]
    /// The fee of the whole transaction.
    public let fee: Amount

    /// - Throws: ``MintError/insufficientNotes(have:need:)`` when the inputs do
    ///   not cover the target and the fees, ``MintError/tooManyNotes(count:limit:)``.
    public init(inputTotal: Amount, inputCount: Int, target: Amount, config: MintClientConfig) throws(MintError) {
        let targetOutputs = try config.split(target)
        let limit = UInt64(Transaction.maxItems - targetOutputs.count)
        for changeCount in 0...limit {
            let fee: Amount
            do { fee = try config.fees.fee(inputs: inputCount, outputs: targetOutputs.count + Int(changeCount)) } catch {
                throw .tooManyNotes(count: changeCount, limit: Int(limit))
            }
            guard let needed = try? target.adding(fee), needed <= inputTotal else {
                throw .insufficientNotes(have: inputTotal, need: (try? target.adding(fee)) ?? Amount(msats: .max))
            }
            let change = inputTotal.msats - needed.msats
            guard let notes = Self.exactly(changeCount, notesWorth: change, config: config) else { continue }
            self.targetOutputs = targetOutputs
            self.changeOutputs = notes
            self.fee = fee
            return
        }
        throw .tooManyNotes(count: limit + 1, limit: Int(limit))
    }

    /// `count` notes worth `amount` in total, or nil if impossible (fewer notes
    /// than set bits, more notes than msat).
    static func exactly(_ count: UInt64, notesWorth amount: UInt64, config: MintClientConfig) -> [Denomination]? {
        guard count <= amount, var notes = try? config.split(Amount(msats: amount)), UInt64(notes.count) <= count else {
            return nil
        }
        while UInt64(notes.count) < count {
            // Split the largest note above 1 msat into two halves: one note more, same value.
            guard let index = notes.firstIndex(where: { $0.exponent > 0 }) else { return nil }
            let half = Denomination(exponent: notes[index].exponent - 1)
            notes[index] = half
            notes.insert(half, at: index)
        }
        return notes.sorted(by: >)
    }
}
