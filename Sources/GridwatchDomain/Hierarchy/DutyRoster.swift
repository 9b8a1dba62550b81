import Foundation

/// When a person is on duty, as weekly windows in Beijing time (UTC+8, no daylight saving).
///
/// Computed with plain arithmetic on the instant rather than a `Calendar`, so it is the same on
/// every machine regardless of its time zone settings.
public struct DutyRoster: Hashable, Sendable, Codable {
    /// One weekly window. `from` may be later than `to` for a night shift that crosses midnight.
    public struct Window: Hashable, Sendable, Codable {
        /// ISO weekdays, 1 = Monday … 7 = Sunday, on which the window *starts*.
        public var weekdays: Set<Int>
        /// Minutes after midnight, 0..<1440.
        public var fromMinute: Int
        /// Minutes after midnight, 0...1440.
        public var toMinute: Int

        public init(weekdays: Set<Int>, fromMinute: Int, toMinute: Int) {
            self.weekdays = weekdays
            self.fromMinute = fromMinute
            self.toMinute = toMinute
        }
    }

    public var windows: [Window]

    public init(windows: [Window]) { self.windows = windows }

    /// The offset of Beijing time from UTC in seconds.
    static let beijingOffset: TimeInterval = 8 * 3600

    /// Whether any window covers `instant`.
    public func isOnDuty(at instant: Date) -> Bool {
        let local = instant.timeIntervalSince1970 + Self.beijingOffset
        let days = Int((local / 86400).rounded(.down))
        let minute = Int((local - Double(days) * 86400) / 60)
        // 1970-01-01 was a Thursday (ISO 4).
        let weekday = ((days % 7 + 7) % 7 + 3) % 7 + 1
        let yesterday = (weekday + 5) % 7 + 1
        for window in windows {
            if window.fromMinute <= window.toMinute {
                if window.weekdays.contains(weekday), minute >= window.fromMinute, minute < window.toMinute {
                    return true
                }
            } else {
                if window.weekdays.contains(weekday), minute >= window.fromMinute { return true }
                if window.weekdays.contains(yesterday), minute < window.toMinute { return true }
            }
        }
        return false
    }
}
