public import GRDB

extension OperationLog {
    /// The current state of operation `id` as `Machine`, or `nil` if there is no such operation.
    public static func state<Machine: OperationStateMachine>(
        _ id: OperationID, as type: Machine.Type, in db: Database
    ) throws -> Machine? {
        try stateText(id, in: db).map { try decodeState($0, as: Machine.self) }
    }

    /// Replaces the state of operation `id` from outside its state machine (e.g. a hint the user gives, such as the
    /// transaction of a deposit), inside the caller's write transaction.
    public static func replaceState<Machine: OperationStateMachine>(_ id: OperationID, with machine: Machine, in db: Database) throws {
        try update(id, to: machine, in: db)
    }
}
