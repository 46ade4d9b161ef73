import FMCore
import Foundation

/// Where an operation stands, as `fm-mint list` and `fm-mint await` show it.
public enum OperationStatus: String, Codable, Sendable {
    case running
    case succeeded
    case failed
}

/// One row of the operation log.
public struct OperationRecord: Codable, Equatable, Sendable {
    public var id: OperationID
    public var kind: OperationKind
    public var status: OperationStatus
    /// The state machine's current state, as it is persisted.
    public var state: JSONValue
    /// What a succeeded operation produced (e.g. the note string of a spend).
    public var result: JSONValue?
    /// Why a failed operation failed.
    public var failure: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: OperationID, kind: OperationKind, status: OperationStatus, state: JSONValue, result: JSONValue?,
        failure: String?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.status = status
        self.state = state
        self.result = result
        self.failure = failure
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
