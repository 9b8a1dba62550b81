import Foundation

/// The life of one case, from receipt to its end: "收、分、办、回" with escalation on deadlines.
///
/// A value type in the style of postgres-nio's state machines: each input is a `mutating func`
/// that takes the current time and returns the side effects as `CaseAction`s. It never reads a
/// clock, sleeps or performs I/O, so every path can be driven by tests, and the whole value is
/// `Codable` so the daemon can persist it after every step and restore it after a restart.
///
/// The machine keeps at most one *phase deadline* (sign for, resolve, re-dispatch, parked review
/// or verify, depending on the phase) plus one report-in deadline per summoned department.
/// Every transition cancels the phase deadline it leaves and schedules the one it enters, so a
/// deadline that fires with an id the machine no longer holds is simply stale and ignored.
public struct CaseMachine: Hashable, Sendable, Codable {
    enum State: Hashable, Sendable, Codable {
        case received
        case dispatched(level: Level, since: Date, signForBy: Date)
        case signedFor(level: Level, by: PersonID, resolveBy: Date)
        case sentBack(level: Level, by: PersonID)
        /// `resolveBy` is kept so resuming never brings the deadline earlier than it was.
        case parked(level: Level, by: PersonID, resolveBy: Date)
        /// `resolveBy` is kept so a failed verification never brings the deadline earlier.
        case handled(level: Level, by: PersonID, resolveBy: Date)
        case closed(level: Level, handler: PersonID)
        case falseAlarm
        case rated(level: Level, satisfied: Bool)
    }

    /// A department called to the scene, by emergency policy or by a street's whistle.
    struct Summon: Hashable, Sendable, Codable {
        var deadline: Deadline?
        var reportedIn: Bool
        /// Whether this summons has missed its report-in deadline (and climbed to the district).
        var overdue: Bool
    }

    /// A report folded into this case, kept with its source ("every merged report is kept").
    public struct MergedReport: Hashable, Sendable, Codable {
        public var report: Report
        public var category: CategoryID
        public var receivedAt: Date
    }

    public let id: CaseID
    public let context: CaseContext
    public internal(set) var severity: Severity
    public internal(set) var reports: [MergedReport]
    public internal(set) var history: [CaseEvent]
    /// Times the case came back after a failed verification or an unsatisfied citizen (返工).
    public internal(set) var reworkCount: Int
    var state: State
    var phaseDeadline: Deadline?
    var summons: [DepartmentID: Summon]
    var pendingExtension: Date?
    var repeatsSinceRaise: Int
    var sequence: Int
    /// The one deadline the case was given when dispatched (接诉即办: one ticket, one stated
    /// deadline): dispatch plus the resolve times of every level from the start to the top, which
    /// the policies set to 2 h, 24 h, 7 d or 15 d. Escalation does not move it; an approved
    /// extension does. "Handled in time" (按时结案率) is judged against it, not against the level's
    /// own resolve deadline, which escalation replaces whenever it passes.
    public internal(set) var statedDeadline: Date?

    /// Opens a case in `received` with its first report and returns the `opened` event. Nothing is
    /// sent to anyone until `dispatch(now:)`, so the daemon can persist the case first.
    public static func open(
        id: CaseID, report: Report, category: CategoryID, severity: Severity, context: CaseContext, now: Date
    ) -> (machine: CaseMachine, actions: [CaseAction]) {
        var machine = CaseMachine(id: id, report: report, category: category, severity: severity, context: context)
        var actions: [CaseAction] = []
        machine.record(.opened(source: report.sourceKey, severity: severity), now: now, into: &actions)
        machine.reports[0].receivedAt = now
        return (machine, actions)
    }

    private init(id: CaseID, report: Report, category: CategoryID, severity: Severity, context: CaseContext) {
        self.id = id
        self.context = context
        self.severity = severity
        self.reports = [MergedReport(report: report, category: category, receivedAt: report.occurredAt)]
        self.history = []
        self.reworkCount = 0
        self.state = .received
        self.phaseDeadline = nil
        self.summons = [:]
        self.pendingExtension = nil
        self.repeatsSinceRaise = 0
        self.sequence = 0
        self.statedDeadline = nil
    }

    // MARK: Public view

    /// The phase, without the details the machine keeps private.
    public enum Phase: String, CaseIterable, Hashable, Sendable, Codable {
        case received, dispatched, signedFor, sentBack, parked, handled, closed, falseAlarm, rated
    }

    public var phase: Phase {
        switch state {
        case .received: .received
        case .dispatched: .dispatched
        case .signedFor: .signedFor
        case .sentBack: .sentBack
        case .parked: .parked
        case .handled: .handled
        case .closed: .closed
        case .falseAlarm: .falseAlarm
        case .rated: .rated
        }
    }

    /// The level answering for the case now, or that last answered once it has ended.
    public var level: Level? {
        switch state {
        case .received, .falseAlarm: nil
        case .dispatched(let l, _, _), .signedFor(let l, _, _), .sentBack(let l, _), .parked(let l, _, _), .handled(let l, _, _),
            .closed(let l, _), .rated(let l, _):
            l
        }
    }

    /// Whether the case has ended. A closed case may still be reopened by an unsatisfied rating.
    public var isEnded: Bool {
        switch state {
        case .closed, .falseAlarm, .rated: true
        case .received, .dispatched, .signedFor, .sentBack, .parked, .handled: false
        }
    }

    /// The deadlines the daemon should currently hold for this case.
    public var activeDeadlines: [Deadline] {
        var all = phaseDeadline.map { [$0] } ?? []
        for key in summons.keys.sorted() { if let d = summons[key]?.deadline { all.append(d) } }
        return all
    }

    /// Departments summoned and whether each has reported in.
    public var summonedDepartments: [DepartmentID: Bool] { summons.mapValues(\.reportedIn) }

    /// The policy in force at the current severity.
    public var policy: EscalationPolicy { context.policy(at: severity) }

    // MARK: Dispatch

    /// 分: sends the case to the policy's start level, notifies the levels an emergency alerts at
    /// once, informs the building captain, and summons the policy's departments.
    public mutating func dispatch(now: Date) -> [CaseAction] {
        switch state {
        case .received:
            var actions: [CaseAction] = []
            let p = policy
            statedDeadline = now.addingTimeInterval(
                Level.allCases.filter { $0 >= p.startLevel && $0 <= p.topLevel }.reduce(0) { $0 + p.resolve(at: $1) })
            enterDispatched(p.startLevel, reason: .dispatched, now: now, into: &actions)
            for level in p.notifyAtOnce.sorted() where level != p.startLevel {
                notifyLevel(level, reason: .informed, now: now, into: &actions)
            }
            notify(context.buildingStaff.map { Recipient(person: $0.person, channels: $0.channels) }, reason: .informed, level: nil, into: &actions)
            summonPolicyDepartments(p, now: now, into: &actions)
            return actions
        case .dispatched, .signedFor, .sentBack, .parked, .handled:
            return [.reject(Rejection(.notInPhase, "case \(id) is already dispatched"))]
        case .closed, .falseAlarm, .rated:
            return [.reject(Rejection(.caseEnded, "case \(id) has ended"))]
        }
    }

    // MARK: Building blocks shared by the extensions

    mutating func nextID(_ prefix: String) -> String {
        sequence += 1
        return "\(id.rawValue)/\(prefix)\(sequence)"
    }

    mutating func record(_ kind: CaseEvent.Kind, now: Date, into actions: inout [CaseAction]) {
        let event = CaseEvent(id: nextID("e"), caseID: id, at: now, kind: kind)
        history.append(event)
        actions.append(.emit(event))
    }

    /// Replaces the phase deadline: cancels the old one, schedules the new one.
    mutating func setPhaseDeadline(_ kind: Deadline.Kind?, at: Date, into actions: inout [CaseAction]) {
        if let old = phaseDeadline { actions.append(.cancelDeadline(old.id)) }
        phaseDeadline = nil
        guard let kind else { return }
        let deadline = Deadline(id: DeadlineID(nextID("d")), kind: kind, at: at)
        phaseDeadline = deadline
        actions.append(.scheduleDeadline(deadline))
    }

    /// Puts the case with `level`, starting its sign-for clock.
    mutating func enterDispatched(_ level: Level, reason: Notification.Reason, now: Date, into actions: inout [CaseAction]) {
        let by = now.addingTimeInterval(policy.signFor(at: level))
        state = .dispatched(level: level, since: now, signForBy: by)
        pendingExtension = nil
        setPhaseDeadline(.signFor(level), at: by, into: &actions)
        record(.dispatched(level: level, signForBy: by), now: now, into: &actions)
        notifyLevel(level, reason: reason, now: now, into: &actions)
    }

    /// Moves the case one level up after a missed deadline, keeping the level below informed;
    /// at the top level, reminds instead and keeps the same phase ("never silence").
    mutating func escalateOrRemind(
        from level: Level, cause: CaseEvent.EscalationCause, reminder: Deadline.Kind, now: Date, into actions: inout [CaseAction]
    ) {
        let p = policy
        if level < p.topLevel, let next = level.above {
            record(.escalated(from: level, to: next, because: cause), now: now, into: &actions)
            enterDispatched(next, reason: .escalated, now: now, into: &actions)
            notifyLevel(level, reason: .informed, now: now, into: &actions)
        } else {
            record(.reminded(level: level, because: cause), now: now, into: &actions)
            notifyLevel(level, reason: .reminder, now: now, into: &actions)
            setPhaseDeadline(reminder, at: now.addingTimeInterval(p.reminderInterval), into: &actions)
        }
    }

    /// Ends the case: every deadline goes, summons included ("事不完，人不撤" — and it is done).
    mutating func cancelAllDeadlines(into actions: inout [CaseAction]) {
        setPhaseDeadline(nil, at: .distantPast, into: &actions)
        for key in summons.keys.sorted() {
            if let d = summons[key]?.deadline {
                actions.append(.cancelDeadline(d.id))
                summons[key]?.deadline = nil
            }
        }
    }

    /// The staff at `level` on duty at `now`; everyone at the level if nobody is, because an
    /// unanswered case is worse than a call outside hours.
    func recipients(at level: Level, now: Date) -> [Recipient] {
        let members = context.staff[level] ?? []
        let onDuty = members.filter { $0.roster?.isOnDuty(at: now) ?? true }
        return (onDuty.isEmpty ? members : onDuty).map { Recipient(person: $0.person, channels: $0.channels) }
    }

    mutating func notifyLevel(_ level: Level, reason: Notification.Reason, now: Date, into actions: inout [CaseAction]) {
        notify(recipients(at: level, now: now), reason: reason, level: level, into: &actions)
    }

    mutating func notify(
        _ recipients: [Recipient], reason: Notification.Reason, level: Level?, department: DepartmentID? = nil,
        into actions: inout [CaseAction]
    ) {
        guard !recipients.isEmpty else { return }
        actions.append(.notify(Notification(id: nextID("n"), caseID: id, reason: reason, level: level, department: department, recipients: recipients)))
    }

    /// Summons a department: it must report in within the policy's time.
    mutating func summon(_ department: DepartmentID, now: Date, into actions: inout [CaseAction]) {
        if let existing = summons[department], !existing.reportedIn { return }
        let deadline = Deadline(id: DeadlineID(nextID("d")), kind: .reportIn(department), at: now.addingTimeInterval(policy.reportInWithin))
        summons[department] = Summon(deadline: deadline, reportedIn: false, overdue: false)
        record(.summoned(department), now: now, into: &actions)
        notify(context.departments[department]?.contacts ?? [], reason: .summoned, level: nil, department: department, into: &actions)
        actions.append(.scheduleDeadline(deadline))
    }

    mutating func summonPolicyDepartments(_ p: EscalationPolicy, now: Date, into actions: inout [CaseAction]) {
        var wanted = p.summon
        if p.summonOwners { wanted += context.owners }
        var seen: Set<DepartmentID> = []
        for department in wanted where seen.insert(department).inserted && context.departments[department] != nil {
            summon(department, now: now, into: &actions)
        }
    }
}
