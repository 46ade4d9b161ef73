import FMCore
import FMEncoding
import FMMintCommon
import FMServerCore
import FMStorage

/// The mint's consensus version 2 (docs/decisions/0002-guardian-operations.md, "Consensus versions"): from the
/// block it activates at, every issued output extends a SHA-256 chain, `chain' = SHA-256(chain ‖ seq ‖ out point ‖
/// denomination ‖ blinded message)` from 32 zero bytes, kept in `mint_issuance_chain`. Version 1 digests only the
/// issuance log's length, so two guardians whose logs differ in content (a storage bug, a tampered row) agree; under
/// version 2 the chain is part of the mint's state digest, so the guardians cross-check the log's content every
/// block, and `mint/issuance_chain` serves it, one value a recovering client can require t guardians to agree on
/// before trusting pages of the log. Not released yet: only a dev build announces it
/// (`FM_TEST_SECOND_MODULE_VERSION=mint`), and it activates only when every guardian does.
enum MintIssuanceChain {
    /// Extends the chain with the output just logged at `seq` (under version 2 only).
    static func extend(with output: MintOutput, outPoint: OutPoint, seq: UInt64, db: any StorageWriting) throws {
        let stored = try db.fetchOne("SELECT chain, length, since_seq FROM mint_issuance_chain WHERE id = 0")
        let previous = try stored.map { try $0.blob("chain") } ?? [UInt8](repeating: 0, count: 32)
        let length: UInt64 = try stored.map { try $0.unsigned("length") } ?? 0
        let since: UInt64 = try stored.map { try $0.unsigned("since_seq") } ?? seq
        var encoder = CanonicalEncoder()
        encoder.writeFixed(previous)
        encoder.write(seq)
        encoder.write(outPoint)
        encoder.write(output.denomination.exponent)
        encoder.writeFixed(output.blindedMessage.canonicalBytes)
        let (next, overflow) = length.addingReportingOverflow(1)
        guard !overflow else { throw MintStorageError.malformedRow("mint_issuance_chain.length") }
        try db.execute(
            """
            INSERT INTO mint_issuance_chain (id, chain, length, since_seq) VALUES (0, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET chain = excluded.chain, length = excluded.length, since_seq = excluded.since_seq
            """,
            [Hash256.sha256(encoder.bytes).bytes, try next.storedInteger("length"), try since.storedInteger("since_seq")])
    }

    /// What `mint/issuance_chain` serves.
    static func status(db: any StorageReading) throws -> MintAPI.IssuanceChain {
        let version = try ConsensusVersions.active(of: MintKind.kind.rawValue, db: db)
        guard let row = try db.fetchOne("SELECT chain, length, since_seq FROM mint_issuance_chain WHERE id = 0") else {
            return MintAPI.IssuanceChain(consensusVersion: version, chain: nil, length: 0, sinceSeq: nil)
        }
        return MintAPI.IssuanceChain(
            consensusVersion: version, chain: Hex.encode(try row.blob("chain")),
            length: try row.unsigned("length"), sinceSeq: try row.unsigned("since_seq"))
    }
}
