import Foundation
import Logging

/// swift-log for the commands: everything to stderr, as `tool: message key=value`,
/// at the level named by `FM_LOG_LEVEL` (trace, debug, info, notice, warning, error; default info).
public enum LogSetup {
    private static let once: Void = {
        let level = ProcessInfo.processInfo.environment["FM_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StderrLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }()

    private static let toolName = LockedValue("fm")

    public static func bootstrap(tool: String) {
        toolName.set(tool)
        _ = once
    }

    /// The logger of the running command.
    public static func logger() -> Logger { Logger(label: toolName.get()) }
}

/// One line per record on stderr; secrets are never logged by the callers, so
/// the handler does no redaction of its own.
struct StderrLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let prefix = event.level >= .warning ? "\(event.level): " : ""
        StandardError.writeLine("\(label): \(prefix)\(event.message)\(fields)")
        RecentLogs.record(level: event.level, label: label, message: "\(event.message)\(fields)")
    }
}

/// A tiny lock-protected box (Swift 6 forbids unguarded mutable globals).
final class LockedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&value) } }
}
