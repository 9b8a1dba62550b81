import Foundation

/// Deadlines fired back by the daemon: escalation one level up, or reminders at the top.
extension CaseMachine {
    /// The deadline `deadlineID` has passed. A stale id (cancelled, already fired, or fired
    /// before its time) changes nothing, so the daemon may deliver timers at least once.
    public mutating func deadlinePassed(_ deadlineID: DeadlineID, now: Date) -> [CaseAction] {
        if let deadline = phaseDeadline, deadline.id == deadlineID {
            guard now >= deadline.at else { return [] }
            phaseDeadline = nil
            return phaseDeadlinePassed(deadline, now: now)
        }
        for department in summons.keys.sorted() {
            guard let deadline = summons[department]?.deadline, deadline.id == deadlineID else { continue }
            guard now >= deadline.at else { return [] }
            return reportInOverdue(department, now: now)
        }
        return []
    }

    private mutating func phaseDeadlinePassed(_ deadline: Deadline, now: Date) -> [CaseAction] {
        var actions: [CaseAction] = []
        switch state {
        case .dispatched(let level, _, _):
            escalateOrRemind(from: level, cause: .signForOverdue, reminder: .signFor(level), now: now, into: &actions)
        case .signedFor(let level, _, _):
            escalateOrRemind(from: level, cause: .resolveOverdue, reminder: .resolve(level), now: now, into: &actions)
        case .sentBack(let level, _):
            escalateOrRemind(from: level, cause: .redispatchOverdue, reminder: .redispatch(level), now: now, into: &actions)
        case .parked(let level, _, _):
            record(.reminded(level: level, because: .parked), now: now, into: &actions)
            notifyLevel(level, reason: .reminder, now: now, into: &actions)
            if let above = level.above { notifyLevel(above, reason: .informed, now: now, into: &actions) }
            setPhaseDeadline(.parkedReview(level), at: now.addingTimeInterval(policy.reminderInterval), into: &actions)
        case .handled(let level, _, _):
            record(.reminded(level: level, because: .verifyOverdue), now: now, into: &actions)
            notifyVerifiers(now: now, into: &actions)
            if let above = level.above { notifyLevel(above, reason: .informed, now: now, into: &actions) }
            setPhaseDeadline(.verify(level), at: now.addingTimeInterval(policy.reminderInterval), into: &actions)
        case .received, .closed, .falseAlarm, .rated:
            preconditionFailure("phase deadline \(deadline.kind) held while \(phase.rawValue)")
        }
        return actions
    }

    /// A summoned department missed its report-in: the whistle climbs to the district, and the
    /// department is summoned again at the reminder interval until it comes.
    private mutating func reportInOverdue(_ department: DepartmentID, now: Date) -> [CaseAction] {
        var actions: [CaseAction] = []
        record(.summonOverdue(department), now: now, into: &actions)
        notifyLevel(.district, reason: .summonOverdue, now: now, into: &actions)
        notify(context.departments[department]?.contacts ?? [], reason: .summoned, level: nil, department: department, into: &actions)
        let deadline = Deadline(id: DeadlineID(nextID("d")), kind: .reportIn(department), at: now.addingTimeInterval(policy.reminderInterval))
        summons[department] = Summon(deadline: deadline, reportedIn: false, overdue: true)
        actions.append(.scheduleDeadline(deadline))
        return actions
    }
}
