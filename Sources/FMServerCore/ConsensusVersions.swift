import FMCore
import FMStorage

/// Consensus versions (docs/decisions/0002-guardian-operations.md, "Consensus versions"): the core and each module
/// kind ("component") apply blocks by the rules of one version at a time. Every federation starts at
/// ``genesis``; a higher version becomes active only when every guardian announced that its binary supports it,
/// from the block after the one that applied the last announcement. A module that changes its consensus behaviour
/// asks ``active(of:db:)`` inside the block's transaction, so its rule is a function of applied blocks only and
/// every guardian switches at the same block.
public enum ConsensusVersions {
    /// The component name of the core (module kinds name the others).
    public static let core = "core"
    /// The version every component starts at.
    public static let genesis = SupportedConsensusVersions.firstVersion
    /// The guardian's table of activations (created by FMServer's processing schema): `(component, version, height)`,
    /// one row per activated version; a version applies to blocks at `height` and above.
    public static let activationsTable = "server_consensus_activations"

    /// The version of `component` that the block being applied runs under (read outside a block: the next block).
    /// A database without the guardian's tables (a module tested alone) is at ``genesis``.
    public static func active(of component: String, db: any StorageReading) throws -> UInt32 {
        guard try tableExists(activationsTable, db: db) else { return genesis }
        let row = try db.fetchOne(
            """
            SELECT max(version) AS version FROM \(activationsTable)
            WHERE component = ? AND height <= (SELECT next_height FROM server_cursor WHERE id = 0)
            """,
            [component])
        guard let stored = try row?.optionalInt64("version") else { return genesis }
        return try UInt32(storedInteger: stored, "version")
    }

    private static func tableExists(_ name: String, db: any StorageReading) throws -> Bool {
        let sql = switch db.dialect {
        case .sqlite: "SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = ?"
        case .postgres:
            "SELECT 1 AS present FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
        }
        return try db.fetchOne(sql, [name]) != nil
    }
}
