import CaseStore
import Foundation
import GridwatchDomain

/// A time the deadline timer could not run: the daemon killed until it answered again, or the
/// broker restarting. One line of the windows file: `daemon|broker START END` (Unix seconds).
struct Downtime {
    var what: String
    var start: Double
    var end: Double

    static func load(_ path: String) throws -> [Downtime] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try lines(of: path).compactMap { line in
            let f = line.split(separator: " ")
            guard f.count == 3, let start = Double(f[1]), let end = Double(f[2]) else { return nil }
            return Downtime(what: String(f[0]), start: start, end: end)
        }.sorted { $0.start < $1.start }
    }

    /// The first moment at or after `time` outside every window.
    static func upAgain(after time: Double, in windows: [Downtime]) -> Double {
        var t = time
        var moved = true
        while moved {
            moved = false
            for window in windows where window.start <= t && t < window.end {
                t = window.end
                moved = true
            }
        }
        return t
    }
}

extension SoakCheck {
    /// (c) Every deadline that fired did so within the margin after the daemon could have fired
    /// it; none due before the daemon stopped (less the margin) is still pending.
    ///
    /// A deadline's due time is not in the event that records its firing, so each case's history
    /// is walked in order: a dispatch states its sign-for time; a missed sign-for escalates (or, at
    /// the top, reminds and sets the next reminder one policy interval later); a summons gives
    /// the department the policy's report-in time, and a missed report-in summons again one
    /// interval later. The policy is the case's own at its severity of that moment.
    func checkDeadlines(_ events: [StoredEvent], pending: [(id: String, caseID: String, due: Double, kind: String)],
                        store: SQLiteCaseStore, into report: inout Report) throws {
        let windows = try Downtime.load(self.windows)
        var fired = 0
        var latenesses: [Double] = []
        var unchecked = 0
        var worst: (lateness: Double, beyond: Double, id: String)?
        func judge(due: Date, event: CaseEvent, report: inout Report) {
            fired += 1
            latenesses.append(event.at.timeIntervalSince(due))
            let at = event.at.timeIntervalSince1970
            let lateness = at - due.timeIntervalSince1970
            let beyond = at - Downtime.upAgain(after: due.timeIntervalSince1970, in: windows)
            if lateness < -0.001 { report.violate("deadlines fired early", "\(event.id): \(lateness) s") }
            if beyond > margin {
                report.violate("deadlines fired later than the downtime explains",
                               String(format: "%@: %.1f s late, %.1f s beyond downtime", event.id, lateness, beyond))
            }
            report.maxLateness = max(report.maxLateness, lateness)
            report.maxLatenessBeyondDowntime = max(report.maxLatenessBeyondDowntime, beyond)
            if lateness > (worst?.lateness ?? -1) { worst = (lateness, beyond, event.id) }
        }

        var histories: [CaseID: [CaseEvent]] = [:]
        for stored in events { histories[stored.event.caseID, default: []].append(stored.event) }
        for (caseID, history) in histories {
            guard history.contains(where: { event in
                switch event.kind {
                case .escalated, .reminded, .summonOverdue: true
                default: false
                }
            }) else { continue }
            var machine: CaseMachine?
            func policy(_ severity: Severity) throws -> EscalationPolicy {
                if machine == nil { machine = try store.load(caseID) }
                guard let machine else { throw SoakFailure("case \(caseID) has history but no state") }
                return machine.context.policy(at: severity)
            }
            var severity = Severity.normal
            var due: Date?
            var summons: [DepartmentID: Date] = [:]
            for event in history {
                switch event.kind {
                case .opened(_, let s): severity = s
                case .severityRaised(_, let to): severity = to
                case .dispatched(_, let signForBy): due = signForBy
                case .escalated(_, _, let cause):
                    if cause == .signForOverdue, let due { judge(due: due, event: event, report: &report) } else { unchecked += 1 }
                    due = nil
                case .reminded(_, let cause):
                    if cause == .signForOverdue, let previous = due {
                        judge(due: previous, event: event, report: &report)
                        due = event.at.addingTimeInterval(try policy(severity).reminderInterval)
                    } else {
                        unchecked += 1
                        due = nil
                    }
                case .summoned(let department):
                    summons[department] = event.at.addingTimeInterval(try policy(severity).reportInWithin)
                case .summonOverdue(let department):
                    if let previous = summons[department] { judge(due: previous, event: event, report: &report) } else { unchecked += 1 }
                    summons[department] = event.at.addingTimeInterval(try policy(severity).reminderInterval)
                case .reportedIn(let department, _):
                    summons[department] = nil
                case .signedFor, .sentBack, .parked, .handled, .verified, .verificationFailed, .rated, .reopened:
                    due = nil
                case .closed, .closedAsFalseAlarm:
                    due = nil
                    summons = [:]
                default:
                    break
                }
            }
        }
        let stopped = stoppedAt.timeIntervalSince1970
        var overdue = 0
        for deadline in pending where Downtime.upAgain(after: deadline.due, in: windows) + margin < stopped {
            overdue += 1
            report.lose("deadlines overdue and never fired", String(format: "%@ (%@) due %.0f s before the daemon stopped",
                                                                     deadline.id, deadline.kind, stopped - deadline.due))
        }
        if fired == 0 { report.violate("no deadline fired during the soak: lateness was not tested", "configure short deadlines") }
        let downtime = windows.reduce(0) { $0 + ($1.end - $1.start) }
        var line = String(format: "deadlines: %d fired (%d of other kinds not timed), %d pending, %d overdue; %d downtime windows (%.0f s); "
                          + "lateness at most %.1f s, at most %.1f s beyond downtime (margin %.0f s)",
                          fired, unchecked, pending.count, overdue, windows.count, downtime, report.maxLateness,
                          report.maxLatenessBeyondDowntime, margin)
        if let worst { line += String(format: "; latest: %@ (%.1f s, %.1f s beyond downtime)", worst.id, worst.lateness, worst.beyond) }
        latenesses.sort()
        if !latenesses.isEmpty {
            func percentile(_ p: Double) -> Double { latenesses[min(latenesses.count - 1, Int(p * Double(latenesses.count)))] }
            line += String(format: "; lateness p50 %.2f s, p99 %.2f s, %d over 1 s, %d over 5 s", percentile(0.5), percentile(0.99),
                           latenesses.filter { $0 > 1 }.count, latenesses.filter { $0 > 5 }.count)
        }
        report.lines.append(line)
    }
}
