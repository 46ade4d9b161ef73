import FMCore
import FMDatabase
import FMStorage
import Foundation
import GRDB

/// Drives persisted operations to their end: trigger (may wait on the network, safe to repeat),
/// then transition (committed with the new state in one write transaction, durably unless the
/// machine says the step is only repeated if lost), until the state machine reports an ending.
/// A process killed at any point resumes from the last committed state the next time the
/// operation is driven.
public struct OperationExecutor: Sendable {
    public let log: OperationLog

    public init(log: OperationLog) { self.log = log }

    /// Runs operation `id` (of state machine type `Machine`) until it ends and returns its final record.
    ///
    /// - Throws: what the trigger throws (e.g. the federation is unreachable); the operation then
    ///   stays `running` at its last state, to be resumed by a later call.
    @discardableResult
    public func drive<Machine: OperationStateMachine>(
        _ type: Machine.Type, id: OperationID, environment: Machine.Environment
    ) async throws -> OperationRecord {
        while true {
            guard let stateText = try await log.database.read({ db in try OperationLog.stateText(id, in: db) }) else {
                throw OperationError.unknown(id)
            }
            let machine = try OperationLog.decodeState(stateText, as: Machine.self)
            if machine.ending != nil {
                guard let record = try await log.record(id) else { throw OperationError.unknown(id) }
                return record
            }
            let event = try await machine.trigger(in: environment)
            let durability: CommitDurability = Machine.transitionIsDurable(on: event) ? .immediate : .deferred
            try await log.database.write(durability: durability) { db in
                // Another process may have moved the operation on meanwhile; its transition wins.
                guard try OperationLog.stateText(id, in: db) == stateText else { return }
                try OperationLog.update(id, to: try machine.transition(on: event, in: db), in: db)
            }
        }
    }
}

/// Errors of the operation log itself.
public enum OperationError: ReportableError, Equatable {
    case unknown(OperationID)
    case unsupportedKind(OperationKind)

    public var category: FailureCategory { .badInput }
    public var code: String {
        switch self {
        case .unknown: "unknown_operation"
        case .unsupportedKind: "unsupported_operation"
        }
    }
    public var field: String? { "operation_id" }
    public var description: String {
        switch self {
        case .unknown(let id): "no operation \(id) in this client's database"
        case .unsupportedKind(let kind): "operation kind '\(kind)' is not known to this client"
        }
    }
}
