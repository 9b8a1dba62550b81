import Foundation
import GridwatchDomain

/// The assessment of one level's units over one period, ready to render as text, CSV or HTML.
///
/// Rows are the units `Assessment.compute` scored at `level`, ordered by code. Besides the five
/// rates each row carries a composite score, the mean of the rates it has, with 返工率 counted
/// as 1 − rate because less rework is better; the grade (A–E) is the score's band.
public struct AssessmentTable: Sendable {
    public struct Row: Hashable, Sendable {
        public var unit: Assessment.Unit
        /// The unit's name from the configuration, when known.
        public var name: String?
        public var card: Assessment.Scorecard

        public init(unit: Assessment.Unit, name: String?, card: Assessment.Scorecard) {
            self.unit = unit
            self.name = name
            self.card = card
        }

        /// The mean of the rates this unit has (返工率 as 1 − rate); nil when it has none.
        public var score: Double? {
            let values = Rate.allCases.compactMap { $0.merit(of: card) }
            return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }

        /// The score's grade band, or nil with no score.
        public var grade: String? { score.map(Assessment.grade) }

        /// The name when configured, else the code.
        public var label: String { name ?? unit.code }
    }

    /// The five rates, in the order 12345 and digital city management list them.
    public enum Rate: String, CaseIterable, Sendable {
        case response, resolution, satisfaction, onTime, rework

        /// 响应率, 解决率, 满意率, 按时结案率, 返工率.
        public var chineseName: String {
            switch self {
            case .response: "响应率"
            case .resolution: "解决率"
            case .satisfaction: "满意率"
            case .onTime: "按时结案率"
            case .rework: "返工率"
            }
        }

        public var englishName: String {
            switch self {
            case .response: "response rate"
            case .resolution: "resolution rate"
            case .satisfaction: "satisfaction rate"
            case .onTime: "on-time rate"
            case .rework: "rework rate"
            }
        }

        /// The CSV column name.
        public var key: String {
            switch self {
            case .response: "response_rate"
            case .resolution: "resolution_rate"
            case .satisfaction: "satisfaction_rate"
            case .onTime: "on_time_rate"
            case .rework: "rework_rate"
            }
        }

        public func value(of card: Assessment.Scorecard) -> Double? {
            switch self {
            case .response: card.responseRate
            case .resolution: card.resolutionRate
            case .satisfaction: card.satisfactionRate
            case .onTime: card.onTimeRate
            case .rework: card.reworkRate
            }
        }

        /// The rate turned so that higher is better: what grades and the score use.
        public func merit(of card: Assessment.Scorecard) -> Double? {
            guard let value = value(of: card) else { return nil }
            return self == .rework ? 1 - value : value
        }

        /// The grade of this rate for a unit (返工率 graded on 1 − rate).
        public func grade(of card: Assessment.Scorecard) -> String? { merit(of: card).map(Assessment.grade) }
    }

    public var level: Level
    /// Half-open, as `Assessment.compute` takes it.
    public var period: Range<Date>
    public var rows: [Row]
    /// The zone the period is shown in: a street office reads its own midnight.
    public var timeZone: TimeZone

    public init(level: Level, period: Range<Date>, rows: [Row], timeZone: TimeZone = .gmt) {
        self.level = level
        self.period = period
        self.rows = rows
        self.timeZone = timeZone
    }

    /// The table of `level`'s units from computed scorecards; names by unit where known.
    public init(_ cards: [Assessment.Unit: Assessment.Scorecard], level: Level, period: Range<Date>,
                names: [Assessment.Unit: String] = [:], timeZone: TimeZone = .gmt) {
        let rows = cards.filter { $0.key.level == level }
            .map { Row(unit: $0.key, name: names[$0.key], card: $0.value) }
            .sorted { $0.unit < $1.unit }
        self.init(level: level, period: period, rows: rows, timeZone: timeZone)
    }

    /// `2026-11-01 00:00 – 2026-12-01 00:00 Asia/Shanghai`: the end is exclusive.
    public var periodText: String {
        "\(stamp(period.lowerBound)) – \(stamp(period.upperBound)) \(timeZone.identifier)"
    }

    private func stamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }
}
