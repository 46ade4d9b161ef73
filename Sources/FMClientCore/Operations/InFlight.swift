import FMCore
public import GRDB

/// Money an unfinished operation is moving into or out of the wallet: what `fm-mint balance` lists beside the
/// spendable notes, so that a pending reissue or peg-in never looks like money that vanished.
public struct InFlight: Sendable, Equatable, Encodable {
    public enum Direction: String, Sendable, Encodable {
        /// Notes on their way in (change, a reissue, a peg-in claim): counted in the wallet's total.
        case incoming
        /// Value on its way out (a peg-out): no longer the wallet's, shown until it has left.
        case outgoing
    }

    public var operationId: OperationID
    public var kind: OperationKind
    public var direction: Direction
    public var amountMsat: Amount
    /// The operation's stage, in its own words (e.g. `awaiting_shares`, `waiting_for_finality`).
    public var stage: String

    public init(operationId: OperationID, kind: OperationKind, direction: Direction, amountMsat: Amount, stage: String) {
        self.operationId = operationId
        self.kind = kind
        self.direction = direction
        self.amountMsat = amountMsat
        self.stage = stage
    }
}

extension OperationLog {
    /// The operations that have not ended, oldest first, inside the caller's transaction.
    public static func running(in db: Database) throws -> [OperationRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM client_operations WHERE status = 'running' ORDER BY created_at, id")
            .map(record(from:))
    }

    /// Whether operation `id` exists, inside the caller's transaction.
    public static func exists(_ id: OperationID, in db: Database) throws -> Bool {
        try record(id, in: db) != nil
    }
}
