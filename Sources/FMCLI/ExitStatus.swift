import FMCore

/// The exit codes of every fm command (documented in docs/commands.md).
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// The command did what was asked.
    case ok = 0
    /// The operation was attempted and failed.
    case failed = 1
    /// Usage error or bad input; nothing was changed.
    case badInput = 2
    /// The federation or a backend was unreachable, or too few guardians answered.
    case unreachable = 3

    public init(_ category: FailureCategory) {
        switch category {
        case .failed: self = .failed
        case .badInput: self = .badInput
        case .unreachable: self = .unreachable
        }
    }
}
