import CaseStore
import Foundation
import GridwatchDaemon
import GridwatchDomain
import GridwatchReports

/// What a simulation did: the fate of each event, the cases, notifications, escalations and
/// the assessment per street and community over the simulated period.
public struct SimulationReport: Sendable {
    /// What became of the file's events.
    public struct Events: Sendable, Codable, Equatable {
        /// Lines in the file that were not blank or comments.
        public var read = 0
        public var applied = 0
        public var duplicates = 0
        /// By reason, e.g. `not_actual` for a CAP exercise.
        public var ignored: [String: Int] = [:]
        /// By the reason the daemon would have put in `x-gridwatch-reason`.
        public var deadLettered: [String: Int] = [:]
        /// The first dead-lettered events with their line and detail, to find them in the file.
        public var deadLetterSamples: [Sample] = []
        /// Events after `until`, not replayed.
        public var afterEnd = 0
        public var unreadable: [UnreadableLine] = []

        public struct Sample: Sendable, Codable, Equatable {
            public var line: Int
            public var reason: String
            public var detail: String
        }

        mutating func count(_ disposition: Disposition, line: Int) {
            switch disposition {
            case .applied: applied += 1
            case .duplicate: duplicates += 1
            case .ignored(let reason): ignored[reason, default: 0] += 1
            case .deadLetter(let reason, let detail):
                deadLettered[reason, default: 0] += 1
                if deadLetterSamples.count < 20 { deadLetterSamples.append(Sample(line: line, reason: reason, detail: detail)) }
            }
        }
    }

    /// Notifications by reason and level (`department` for a summoned department).
    public struct NotificationCount: Sendable, Codable, Hashable {
        public var reason: String
        public var level: String
        /// Distinct notifications; each goes out once per channel of its recipients.
        public var notifications: Int
        public var messages: Int
    }

    public struct EscalationCount: Sendable, Codable, Hashable {
        public var from: Level
        public var to: Level
        public var count: Int
    }

    /// The simulated period: first event to `until`, half-open.
    public var period: Range<Date>
    public var events: Events
    public var deadlinesFired: Int
    public var casesOpened = 0
    public var notifications: [NotificationCount] = []
    /// Notification messages by channel (sms, app, voice).
    public var messagesByChannel: [String: Int] = [:]
    /// Case events published on `gridwatch.cases`, by routing key (`case.opened`, …).
    public var caseEvents: [String: Int] = [:]
    public var escalations: [EscalationCount] = []
    /// Cases still open at the end, by the level holding them (`none` before dispatch).
    public var openAtEnd: [String: Int] = [:]
    /// The assessment of the streets and of the communities over `period`.
    public var assessment: [AssessmentTable] = []
    /// The zone times are shown in.
    public var timeZone: TimeZone = .gmt

    init(period: Range<Date>, events: Events, deadlinesFired: Int) {
        self.period = period
        self.events = events
        self.deadlinesFired = deadlinesFired
    }

    /// Counts the store's cases opened since `start` and the outbox rows after `sequence`.
    mutating func collect(from store: any CaseStore, openedSince start: Date, outboxAfter sequence: Int64,
                          hierarchy: Hierarchy, timeZone: TimeZone) throws(StoreError) {
        var filter = CaseFilter()
        filter.openedAfter = start.addingTimeInterval(-0.001)
        filter.limit = Int(Int32.max)
        var records: [Assessment.CaseRecord] = []
        var escalated: [Pair: Int] = [:]
        for summary in try store.cases(filter) {
            guard let detail = try store.caseDetail(summary.id) else { continue }
            casesOpened += 1
            records.append(Assessment.CaseRecord(chain: detail.machine.context.chain, history: detail.history))
            if !detail.machine.isEnded { openAtEnd[detail.machine.level.map { "\($0)" } ?? "none", default: 0] += 1 }
            for event in detail.history {
                if case .escalated(let from, let to, _) = event.kind { escalated[Pair(from: from, to: to), default: 0] += 1 }
            }
        }
        escalations = escalated.map { EscalationCount(from: $0.key.from, to: $0.key.to, count: $0.value) }
            .sorted { ($0.from, $0.to) < ($1.from, $1.to) }
        try countOutbox(store, after: sequence)
        let cards = Assessment.compute(records, period: period)
        let names = Assessment.Unit.names(in: hierarchy)
        assessment = [Level.street, .community].map { AssessmentTable(cards, level: $0, period: period, names: names, timeZone: timeZone) }
        self.timeZone = timeZone
    }

    private mutating func countOutbox(_ store: any CaseStore, after start: Int64) throws(StoreError) {
        var byReason: [NotificationKey: (ids: Set<String>, messages: Int)] = [:]
        var last = start
        while true {
            let rows = try store.outbox(after: last, limit: 1000)
            guard let final = rows.last else { break }
            last = final.sequence
            for row in rows {
                if row.exchange == GridwatchTopology.casesExchange {
                    caseEvents[row.routingKey, default: 0] += 1
                    continue
                }
                // Routing key `<channel>.<level>`, type `notification.<reason>`, id `<notification id>.<channel>`.
                let parts = row.routingKey.split(separator: ".", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { continue }
                messagesByChannel[parts[0], default: 0] += 1
                let key = NotificationKey(reason: String(row.type.dropFirst("notification.".count)), level: parts[1])
                let notification = row.id.hasSuffix("." + parts[0]) ? String(row.id.dropLast(parts[0].count + 1)) : row.id
                byReason[key, default: ([], 0)].ids.insert(notification)
                byReason[key, default: ([], 0)].messages += 1
            }
        }
        notifications = byReason.map {
            NotificationCount(reason: $0.key.reason, level: $0.key.level, notifications: $0.value.ids.count, messages: $0.value.messages)
        }.sorted { ($0.reason, Self.levelOrder($0.level)) < ($1.reason, Self.levelOrder($1.level)) }
    }

    /// Levels bottom-up, departments last.
    static func levelOrder(_ name: String) -> Int { Level.allCases.first { "\($0)" == name }?.rawValue ?? Level.allCases.count }

    private struct Pair: Hashable {
        var from: Level
        var to: Level
    }

    private struct NotificationKey: Hashable {
        var reason: String
        var level: String
    }
}
