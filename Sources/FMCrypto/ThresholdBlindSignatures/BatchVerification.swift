import FMBLS12381

extension AggregatePublicKey {
    /// Verifies many note signatures under this key with one multi-pairing
    /// (small-exponent batch verification):
    /// e(Σ c_i·σ_i, G2) = e(Σ c_i·M_i, pk) for random 64-bit c_i ≠ 0.
    ///
    /// Returns true only if every signature is valid, except with probability
    /// at most 2⁻⁶⁴ per call. The coefficients come from the system CSPRNG so
    /// that a signer cannot predict them.
    public func verifyBatch(_ notes: [(message: Message, signature: Signature)]) -> Bool {
        guard !point.isIdentity else { return false }
        if notes.contains(where: { $0.signature.point.isIdentity }) { return false }
        return batchEquationHolds(notes[...])
    }

    /// The indices (into `notes`) of the signatures that do not verify, in
    /// ascending order; empty if all are valid.
    ///
    /// Tries the whole batch first, then bisects failing halves, so k bad
    /// signatures among n cost about k·log₂(n) batch checks instead of n pairings.
    public func invalidSignatures(in notes: [(message: Message, signature: Signature)]) -> [Int] {
        guard !point.isIdentity else { return Array(notes.indices) }
        var bad: [Int] = []
        var candidates: [Int] = []
        for (index, note) in notes.enumerated() {
            if note.signature.point.isIdentity { bad.append(index) } else { candidates.append(index) }
        }
        bad += findInvalid(candidates[...], in: notes)
        return bad.sorted()
    }

    private func findInvalid(_ indices: ArraySlice<Int>, in notes: [(message: Message, signature: Signature)]) -> [Int] {
        if indices.isEmpty { return [] }
        if indices.count == 1 {
            let note = notes[indices.first!]
            return verify(note.signature, on: note.message) ? [] : [indices.first!]
        }
        if batchEquationHolds(indices.map { notes[$0] }[...]) { return [] }
        let middle = indices.startIndex + indices.count / 2
        return findInvalid(indices[..<middle], in: notes) + findInvalid(indices[middle...], in: notes)
    }

    private func batchEquationHolds(_ notes: ArraySlice<(message: Message, signature: Signature)>) -> Bool {
        if notes.isEmpty { return true }
        if notes.count == 1 { return verify(notes.first!.signature, on: notes.first!.message) }
        var rng = SystemRandomNumberGenerator()
        let coefficients = notes.map { _ in Scalar(UInt64.random(in: 1...UInt64.max, using: &rng)) }
        let signatureSum = G1Point.multiScalarMultiply(notes.map(\.signature.point), coefficients)
        let messageSum = G1Point.multiScalarMultiply(notes.map(\.message.point), coefficients)
        return PreparedKeys.productIsOne(messageSum, point, -signatureSum)
    }
}
