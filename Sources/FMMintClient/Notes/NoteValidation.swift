import FMCore
import FMCrypto
import FMMintCommon

/// Offline verification of note signatures against a mint config.
public enum NoteValidation {
    /// The positions of the notes that are invalid (unknown denomination or a
    /// signature that does not verify), ascending; empty if all are valid.
    ///
    /// Notes are batch-verified per denomination with one multi-pairing
    /// (small-exponent batch verification); only a failing batch is bisected
    /// to find its bad notes.
    ///
    /// - Throws: ``MintError/invalidConfig(_:)`` when a denomination's stored key does not decode.
    public static func invalidNotes(_ notes: [Note], config: MintClientConfig) throws(MintError) -> [Int] {
        var invalid: [Int] = []
        var positionsByDenomination: [Denomination: [Int]] = [:]
        for (position, note) in notes.enumerated() {
            if config.keys(for: note.denomination) == nil {
                invalid.append(position)
            } else {
                positionsByDenomination[note.denomination, default: []].append(position)
            }
        }
        for (denomination, positions) in positionsByDenomination {
            guard let key = try config.keys(for: denomination)?.aggregatePublicKey else { continue }  // checked above
            let batch = positions.map { (message: notes[$0].message, signature: notes[$0].signature) }
            invalid += key.invalidSignatures(in: batch).map { positions[$0] }
        }
        return invalid.sorted()
    }
}
