public import GRDB
import FMCore

/// An operation as a persisted state machine (BRIEF §7, after Fedimint's client state machines).
///
/// The executor repeatedly runs ``trigger(in:)`` — which waits for the outside world (guardians,
/// time) and may be re-run any number of times after a crash, so it must not have effects that
/// matter when repeated — then applies ``transition(on:in:)`` to the event it returned. The
/// transition does no network I/O: it computes the next state and may write the module's own
/// tables through `database`, in the same write transaction that persists the new state, so a
/// process killed at any moment leaves either the old state or the new state with its effects.
public protocol OperationStateMachine: Codable, Sendable {
    /// What the trigger needs from outside (the federation API, module keys…).
    associatedtype Environment: Sendable
    associatedtype Event: Sendable

    static var kind: OperationKind { get }

    /// `nil` while the operation still has work to do; its ending once it has none.
    var ending: OperationEnding? { get }

    /// Waits for what the current state needs. Throwing means "not now" (e.g. the federation is
    /// unreachable): the state stays as it is and the operation can be resumed later.
    func trigger(in environment: Environment) async throws -> Event

    /// The next state after `event`. Pure apart from writes to the module's tables via `database`.
    func transition(on event: Event, in database: Database) throws -> Self

    /// Whether the transition on `event` must be on disk before the executor goes on (the default). A machine
    /// answers `false` for a step whose loss to a power cut costs only repeating it: the state before it is still
    /// stored, and its trigger reaches the same event again (e.g. "the federation accepted the transaction"). The
    /// next durable transition flushes it (commits reach the disk in order).
    static func transitionIsDurable(on event: Event) -> Bool
}

extension OperationStateMachine {
    public static func transitionIsDurable(on event: Event) -> Bool { true }
}

/// How an operation ended.
public enum OperationEnding: Sendable, Equatable {
    /// Done; `result` is what the command prints (e.g. the note string of a spend).
    case succeeded(result: JSONValue)
    /// It cannot succeed; `reason` says why, for the user.
    case failed(reason: String)
}
