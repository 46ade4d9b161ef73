import Foundation
import Logging

/// The last warnings and errors this process logged, newest last, for the guardian dashboard's logs page.
/// Bounded (``capacity`` records, each message cut at ``maxMessageBytes``), so a flood of warnings costs a fixed
/// amount of memory. Callers never log secrets (see ``StderrLogHandler``), so the ring holds none either.
public enum RecentLogs {
    public struct Record: Sendable, Hashable {
        public var date: Date
        public var level: Logger.Level
        public var label: String
        public var message: String
    }

    public static let capacity = 200
    static let maxMessageBytes = 2_000

    private static let ring = LockedValue<[Record]>([])

    /// Keeps `message` if it is a warning or worse.
    static func record(level: Logger.Level, label: String, message: String) {
        guard level >= .warning else { return }
        let text = message.utf8.count > maxMessageBytes ? String(message.utf8.prefix(maxMessageBytes)) ?? "" : message
        ring.update { records in
            records.append(Record(date: Date(), level: level, label: label, message: text))
            if records.count > capacity { records.removeFirst(records.count - capacity) }
        }
    }

    /// The kept records, oldest first.
    public static func records() -> [Record] { ring.get() }
}
