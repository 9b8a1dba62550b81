import Foundation

/// The rates units are assessed on, computed from case history for one period.
///
/// 12345 assesses 响应率, 解决率 and 满意率; digital city management adds 按时结案率 and 返工率.
/// Each event counts for the unit at the level it names, in the case's chain, when its time
/// falls in the period. A rate with nothing to divide is `nil`, not zero or one: a unit that
/// received no cases has not failed, nor excelled.
public struct Assessment: Sendable {
    /// A unit of the hierarchy.
    public struct Unit: Hashable, Comparable, Sendable, Codable {
        public var level: Level
        public var code: String
        public init(level: Level, code: String) {
            self.level = level
            self.code = code
        }
        public static func < (a: Unit, b: Unit) -> Bool { a.level != b.level ? a.level < b.level : a.code < b.code }
    }

    /// Counts and rates for one unit.
    public struct Scorecard: Hashable, Sendable, Codable {
        /// Times a case was dispatched (or escalated, or reopened) to the unit.
        public var dispatched = 0
        /// Sign-fors before the sign-for deadline.
        public var signedForInTime = 0
        /// Cases the unit handled.
        public var handled = 0
        /// Handled before the resolve deadline.
        public var handledInTime = 0
        /// Cases closed after verification with the unit as the handling level.
        public var closed = 0
        public var rated = 0
        public var satisfied = 0
        /// Failed verifications and unsatisfied reopenings.
        public var reworked = 0
        /// Alarms cancelled before sign-for, counted at the grid: kept so a device that cries
        /// wolf shows up, but never counted against anyone's response.
        public var falseAlarms = 0

        public init() {}

        /// 响应率: signed for in time per dispatch.
        public var responseRate: Double? { ratio(signedForInTime, dispatched) }
        /// 解决率: closed per dispatch.
        public var resolutionRate: Double? { ratio(closed, dispatched) }
        /// 满意率: satisfied per rating.
        public var satisfactionRate: Double? { ratio(satisfied, rated) }
        /// 按时结案率: handled in time per handling.
        public var onTimeRate: Double? { ratio(handledInTime, handled) }
        /// 返工率: rework per handling.
        public var reworkRate: Double? { ratio(reworked, handled) }

        private func ratio(_ a: Int, _ b: Int) -> Double? { b == 0 ? nil : min(1, Double(a) / Double(b)) }
    }

    /// One case's history and chain.
    public struct CaseRecord: Sendable {
        public var chain: UnitChain
        public var history: [CaseEvent]
        public init(chain: UnitChain, history: [CaseEvent]) {
            self.chain = chain
            self.history = history
        }
    }

    /// Scorecards for every unit that appears in the period. `period` is half-open.
    public static func compute(_ cases: [CaseRecord], period: Range<Date>) -> [Unit: Scorecard] {
        var cards: [Unit: Scorecard] = [:]
        for record in cases { add(record, period: period, to: &cards) }
        return cards
    }

    /// The kinds of event a scorecard counts; the others change nothing in `add`. A store may
    /// leave them out of a record's history.
    public static let countedKinds: Set<String> = [
        "dispatched", "signedFor", "handled", "verificationFailed", "closed", "rated", "reopened", "closedAsFalseAlarm",
    ]

    /// Counts one case into `cards`, so that a store can stream its cases instead of holding
    /// every record at once.
    public static func add(_ record: CaseRecord, period: Range<Date>, to cards: inout [Unit: Scorecard]) {
        var handlingLevel: Level?
        // A false alarm was nobody's to answer: its dispatches do not count against response.
        let falseAlarm = record.history.contains { $0.kind == .closedAsFalseAlarm }
        for event in record.history {
            let inPeriod = period.contains(event.at)
            func bump(_ level: Level, _ change: (inout Scorecard) -> Void) {
                guard inPeriod else { return }
                change(&cards[Unit(level: level, code: record.chain.code(at: level)), default: Scorecard()])
            }
            switch event.kind {
            case .dispatched(let level, _):
                if !falseAlarm { bump(level) { $0.dispatched += 1 } }
            case .signedFor(let level, _, let inTime):
                if inTime { bump(level) { $0.signedForInTime += 1 } }
            case .handled(let level, _, let inTime, _):
                handlingLevel = level
                bump(level) {
                    $0.handled += 1
                    if inTime { $0.handledInTime += 1 }
                }
            case .verificationFailed:
                if let l = handlingLevel { bump(l) { $0.reworked += 1 } }
            case .closed(let level):
                handlingLevel = level
                bump(level) { $0.closed += 1 }
            case .rated(let satisfied):
                if let l = handlingLevel {
                    bump(l) {
                        $0.rated += 1
                        if satisfied { $0.satisfied += 1 }
                    }
                }
            case .reopened(let level):
                bump(level) { $0.reworked += 1 }
            case .closedAsFalseAlarm:
                bump(.grid) { $0.falseAlarms += 1 }
            case .opened, .escalated, .reminded, .sentBack, .redispatched, .progress, .extensionRequested,
                .extensionGranted, .parked, .resumed, .verified, .merged, .severityRaised,
                .whistle, .summoned, .reportedIn, .summonOverdue, .alarmCancelled:
                break
            }
        }
    }

    /// Grade bands used in digital city management: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else E.
    public static func grade(_ rate: Double) -> String {
        let score = rate * 100
        if score >= 90 { return "A" }
        if score >= 75 { return "B" }
        if score >= 60 { return "C" }
        if score >= 40 { return "D" }
        return "E"
    }
}
