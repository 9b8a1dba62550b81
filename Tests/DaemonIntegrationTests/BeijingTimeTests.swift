import Foundation
@testable import GridwatchDaemon
import Testing

@Suite struct BeijingTimeTests {
    /// The computed deadline text is what the zh_CN DateFormatter in Asia/Shanghai writes.
    @Test func matchesTheFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "zh_CN")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "M月d日 HH:mm"
        var rng = SystemRandomNumberGenerator()
        var dates = (0..<2000).map { _ in Date(timeIntervalSince1970: Double.random(in: 694_224_000...4_102_444_800, using: &rng)) }
        // Midnight and year ends in Beijing, and leap days.
        dates += ["2024-02-28T16:00:00Z", "2024-02-29T15:59:59Z", "2026-12-31T16:00:00Z", "2026-12-31T15:59:00Z", "1991-12-31T16:00:00Z"]
            .map { ISO8601DateFormatter().date(from: $0)! }
        for date in dates {
            #expect(OutboxEncoder.beijingTime(date) == formatter.string(from: date), "\(date)")
        }
    }
}
