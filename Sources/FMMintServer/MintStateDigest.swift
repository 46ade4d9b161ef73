import FMServerCore
import FMStorage

extension MintServerModule {
    /// The totals and the sizes of the spent set and the issuance log. Which nonces and outputs they hold follows
    /// from the accepted transactions, which the guardian's digest chains in itself; the signature shares in
    /// `mint_output_outcomes` are this guardian's own and stay out.
    public func stateDigest(db: any StorageReading) throws -> [UInt8] {
        var builder = StateDigestBuilder()
        try builder.add("totals", rowsOf: "SELECT name, msats FROM mint_totals ORDER BY name", db: db)
        try builder.add("spent", rowsOf: "SELECT count(*) FROM mint_spent_nonces", db: db)
        try builder.add("issued", rowsOf: "SELECT count(*), coalesce(max(seq), -1) FROM mint_issued_outputs", db: db)
        if try ConsensusVersions.active(of: kind.rawValue, db: db) >= Self.issuanceChainVersion {
            // Version 2: the log's content too (``MintIssuanceChain``); absent under version 1, as before.
            try builder.add("issuance_chain", rowsOf: "SELECT chain, length, since_seq FROM mint_issuance_chain", db: db)
        }
        return builder.digest
    }
}
