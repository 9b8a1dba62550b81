import Foundation
import GridwatchDomain
import GridwatchReports

extension SimulationReport {
    /// The report for a reader: counts first, then the assessment tables.
    public func text() -> String {
        var out = "Simulated \(AssessmentTable(level: .street, period: period, rows: [], timeZone: timeZone).periodText)\n\n"
        out += "events: \(events.read) read, \(events.applied) applied, \(events.duplicates) duplicates, "
        out += "\(events.deadLettered.values.reduce(0, +)) dead-lettered, \(events.ignored.values.reduce(0, +)) ignored"
        if !events.unreadable.isEmpty { out += ", \(events.unreadable.count) unreadable" }
        if events.afterEnd > 0 { out += ", \(events.afterEnd) after the end" }
        out += "\n"
        out += Self.list("  dead-lettered", events.deadLettered)
        out += Self.list("  ignored", events.ignored)
        for sample in events.deadLetterSamples.prefix(10) { out += "    line \(sample.line): \(sample.reason): \(sample.detail)\n" }
        for line in events.unreadable.prefix(10) { out += "    line \(line.line): unreadable: \(line.reason)\n" }
        out += "cases opened: \(casesOpened); deadlines fired: \(deadlinesFired)\n"
        out += "still open at the end: " + Self.byLevel(openAtEnd) + "\n\n"

        out += "notifications (reason, level: notifications / messages):\n"
        if notifications.isEmpty { out += "  none\n" }
        for count in notifications { out += "  \(count.reason), \(count.level): \(count.notifications) / \(count.messages)\n" }
        out += Self.list("messages by channel", messagesByChannel)
        out += "escalations:" + (escalations.isEmpty ? " none" : "") + "\n"
        for count in escalations { out += "  \(count.from) → \(count.to): \(count.count)\n" }
        out += Self.list("case events", caseEvents) + "\n"
        for table in assessment { out += table.text() + "\n" }
        return out
    }

    /// The same as JSON, for scripts comparing two policies.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(Document(self))
    }

    private struct Document: Encodable {
        var from: Date
        var until: Date
        var events: Events
        var casesOpened: Int
        var deadlinesFired: Int
        var openAtEnd: [String: Int]
        var notifications: [NotificationCount]
        var messagesByChannel: [String: Int]
        var caseEvents: [String: Int]
        var escalations: [Escalation]
        var assessment: [Unit]

        struct Escalation: Encodable {
            var from: String
            var to: String
            var count: Int
        }

        struct Unit: Encodable {
            var level: String
            var code: String
            var name: String?
            var counts: Assessment.Scorecard
            var responseRate: Double?
            var resolutionRate: Double?
            var satisfactionRate: Double?
            var onTimeRate: Double?
            var reworkRate: Double?
            var score: Double?
            var grade: String?
        }

        init(_ report: SimulationReport) {
            from = report.period.lowerBound
            until = report.period.upperBound
            events = report.events
            casesOpened = report.casesOpened
            deadlinesFired = report.deadlinesFired
            openAtEnd = report.openAtEnd
            notifications = report.notifications
            messagesByChannel = report.messagesByChannel
            caseEvents = report.caseEvents
            escalations = report.escalations.map { Escalation(from: "\($0.from)", to: "\($0.to)", count: $0.count) }
            assessment = report.assessment.flatMap(\.rows).map { row in
                let card = row.card
                return Unit(level: "\(row.unit.level)", code: row.unit.code, name: row.name, counts: card,
                            responseRate: card.responseRate, resolutionRate: card.resolutionRate,
                            satisfactionRate: card.satisfactionRate, onTimeRate: card.onTimeRate,
                            reworkRate: card.reworkRate, score: row.score, grade: row.grade)
            }
        }
    }

    private static func list(_ title: String, _ counts: [String: Int]) -> String {
        guard !counts.isEmpty else { return "" }
        return title + ": " + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
    }

    private static func byLevel(_ counts: [String: Int]) -> String {
        guard !counts.isEmpty else { return "none" }
        return counts.sorted { levelOrder($0.key) < levelOrder($1.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
