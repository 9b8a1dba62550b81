import Foundation

/// Reports that arrive for an open case: repeats folded in, and alarms cancelled by their device.
extension CaseMachine {
    /// Folds another report into the case. The same source twice is a redelivery and changes
    /// nothing. Enough repeats raise the severity one step, and a report of a higher severity
    /// raises it to that; a raise alerts the levels and departments the stricter policy names
    /// but never moves a deadline that is already set.
    public mutating func merge(_ report: Report, category: CategoryID, severity reported: Severity? = nil, now: Date) -> [CaseAction] {
        switch state {
        case .received, .dispatched, .signedFor, .sentBack, .parked, .handled:
            guard !reports.contains(where: { $0.report.sourceKey == report.sourceKey }) else { return [] }
            var actions: [CaseAction] = []
            reports.append(MergedReport(report: report, category: category, receivedAt: now))
            record(.merged(source: report.sourceKey), now: now, into: &actions)
            repeatsSinceRaise += 1
            var target = severity
            let threshold = policy.raiseSeverityAfter
            if threshold > 0, repeatsSinceRaise >= threshold { target = max(target, severity.raised) }
            if let reported { target = max(target, reported) }
            if target > severity { raiseSeverity(to: target, now: now, into: &actions) }
            return actions
        case .closed, .falseAlarm, .rated:
            return ended()
        }
    }

    /// Raises the severity and alerts what the stricter policy names; deadlines already set stay.
    mutating func raiseSeverity(to target: Severity, now: Date, into actions: inout [CaseAction]) {
        let old = severity
        severity = target
        repeatsSinceRaise = 0
        record(.severityRaised(from: old, to: target), now: now, into: &actions)
        guard case .received = state else {
            let p = policy
            var levels = Set(p.notifyAtOnce)
            if let level { levels.insert(level) }
            for l in levels.sorted() { notifyLevel(l, reason: .severityRaised, now: now, into: &actions) }
            summonPolicyDepartments(p, now: now, into: &actions)
            return
        }
    }

    /// The alarm that opened the case was cancelled by its device. Before anyone signed for it,
    /// a case made only of alarms closes as a false alarm (kept, and counted); once signed for,
    /// or when people also reported it, it stays with whoever holds it and they are told.
    public mutating func alarmCancelled(now: Date) -> [CaseAction] {
        var actions: [CaseAction] = []
        let onlyAlarms = reports.allSatisfy { if case .alarm = $0.report { true } else { false } }
        switch state {
        case .received, .dispatched, .sentBack:
            record(.alarmCancelled(afterSignFor: false), now: now, into: &actions)
            if onlyAlarms {
                state = .falseAlarm
                cancelAllDeadlines(into: &actions)
                record(.closedAsFalseAlarm, now: now, into: &actions)
            } else if let level {
                notifyLevel(level, reason: .alarmCancelled, now: now, into: &actions)
            }
            return actions
        case .signedFor(let level, _, _), .parked(let level, _, _), .handled(let level, _, _):
            record(.alarmCancelled(afterSignFor: true), now: now, into: &actions)
            notifyLevel(level, reason: .alarmCancelled, now: now, into: &actions)
            return actions
        case .closed, .falseAlarm, .rated:
            return ended()
        }
    }
}
