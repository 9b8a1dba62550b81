import Foundation
@testable import Intake
import Testing

@Suite struct TimestampTests {
    /// The computed fast path gives exactly what ISO8601DateFormatter gives, for the forms it takes.
    @Test func fastPathMatchesTheFormatter() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var rng = SystemRandomNumberGenerator()
        let offsets = ["Z", "+08:00", "-05:30", "+00:00", "-00:00", "+14:00", "-11:45", "+23:59"]
        for _ in 0..<2000 {
            let year = Int.random(in: 1900...2199, using: &rng)
            let month = Int.random(in: 1...12, using: &rng)
            let day = Int.random(in: 1...28, using: &rng)
            let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day,
                              Int.random(in: 0...23, using: &rng), Int.random(in: 0...59, using: &rng), Int.random(in: 0...59, using: &rng))
                + offsets.randomElement(using: &rng)!
            #expect(ObjectReader.offsetSeconds(Array(text.utf8)) != nil, "\(text)")
            #expect(ObjectReader.parseTimestamp(text) == formatter.date(from: text), "\(text)")
        }
        for leap in ["2024-02-29T12:00:00Z", "2000-02-29T00:00:00+08:00", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z"] {
            #expect(ObjectReader.parseTimestamp(leap) == formatter.date(from: leap), "\(leap)")
        }
    }

    @Test func otherFormsAreLeftToTheFormatter() {
        for text in ["2026-11-22T09:30:00.250Z", "2026-11-22T09:30:00+0800", "+026-11-22T09:30:00Z", "2026-11-22T09:30:00+24:00"] {
            #expect(ObjectReader.offsetSeconds(Array(text.utf8)) == nil, "\(text)")
        }
        #expect(ObjectReader.parseTimestamp("2026-02-30T09:30:00Z") == nil)
        #expect(ObjectReader.parseTimestamp("2026-11-22T09:30:00.250Z") != nil)
    }
}
