import Foundation
import GridwatchDomain
import PropertyBased
import Testing

/// Random event and time sequences, from random senders, with the machine's invariants checked
/// after every step.
@Suite("Properties")
struct PropertyTests {
    typealias Step = (action: Int, actor: Int, minutes: Int, parameter: Int)

    static let steps = zip(Gen.int(in: 0...17), Gen.int(in: 0...15), Gen.int(in: 0...600), Gen.int(in: 0...100))
        .map { Step(action: $0, actor: $1, minutes: $2, parameter: $3) }
        .array(of: 0...80)

    static let senders: [Sender] = [
        .person(Fixture.worker), .person(Fixture.leader), .person(Fixture.manager), .person(Fixture.supervisor),
        .person(Fixture.assistant), .person(Fixture.stationHead), .person(Fixture.secretary), .person(Fixture.dutyOfficer),
        .person(Fixture.commandCentre), .person(Fixture.captain), .person(Fixture.otherWorker),
        .department(Fixture.gas, contact: Fixture.gasContact), .department(Fixture.property, contact: Fixture.propertyContact),
        .department(Fixture.gas, contact: Fixture.propertyContact), .hotlineCallback, .person("stranger"),
    ]

    /// Drives one machine and checks every invariant as it goes; the daemon's view of scheduled
    /// deadlines is rebuilt purely from the actions, as the real outbox would.
    struct Run {
        var machine: CaseMachine
        var now = Fixture.t0
        var scheduled: [DeadlineID: Deadline] = [:]
        var ids: Set<String> = []
        var emitted: [CaseEvent] = []
        var merged = 0
        /// The last resolve deadline since the last dispatch: within one dispatch it only moves
        /// later. Reminders of an overdue resolve deadline at the top level are not deadlines and
        /// do not count: an extension approved after one may end before the next reminder.
        var lastResolve: Date?

        /// `skipping` uses a policy that starts at the community and stops at the street, the
        /// one way a level may legitimately be passed over.
        init(severity: Severity, alarm: Bool, skipping: Bool = false) {
            let report = alarm ? Fixture.alarm() : Fixture.hotline()
            let category = alarm ? Fixture.gasAlarm : Fixture.gasLeak
            var book = Fixture.policies
            if skipping { book.byCategory[category] = PolicyOverride(startLevel: .community, topLevel: .street) }
            let context = CaseContext.make(
                location: Location(grid: Fixture.gridCode, building: Fixture.building), category: category,
                hierarchy: Fixture.hierarchy, departments: Fixture.departments, policies: book)!
            let opened = CaseMachine.open(id: "C-P", report: report, category: category, severity: severity, context: context, now: now)
            machine = opened.machine
            absorb(opened.actions, before: machine)
            absorb(machine.dispatch(now: now), before: opened.machine)
        }

        mutating func absorb(_ actions: [CaseAction], before: CaseMachine) {
            if actions.rejection != nil {
                #expect(machine == before, "a rejection changed the case")
                return
            }
            if actions.isEmpty { #expect(machine == before, "an ignored input changed the case") }
            for action in actions {
                switch action {
                case .notify(let n):
                    #expect(ids.insert(n.id).inserted, "notification id \(n.id) reused")
                    #expect(!n.recipients.isEmpty)
                case .scheduleDeadline(let d):
                    #expect(ids.insert(d.id.rawValue).inserted, "deadline id \(d.id) reused")
                    #expect(d.at >= now, "deadline \(d.kind) scheduled in the past")
                    if case .resolve = d.kind, !actions.reminds {
                        if let last = lastResolve { #expect(d.at >= last, "the resolve deadline moved earlier") }
                        lastResolve = d.at
                    }
                    scheduled[d.id] = d
                case .cancelDeadline(let id):
                    #expect(scheduled.removeValue(forKey: id) != nil, "cancelled an unknown deadline")
                case .emit(let e):
                    #expect(ids.insert(e.id).inserted, "event id \(e.id) reused")
                    #expect(e.at == now)
                    if case .dispatched = e.kind { lastResolve = nil }
                    emitted.append(e)
                case .reject:
                    Issue.record("a rejection mixed with other actions")
                }
            }
            checkInvariants(before: before)
        }

        func checkInvariants(before: CaseMachine) {
            // The daemon holds exactly the deadlines the machine holds.
            #expect(Set(scheduled.keys) == Set(machine.activeDeadlines.map(\.id)))
            // No case is forgotten: an open case always has a phase deadline that will wake it; an ended one has none.
            let phaseDeadlines = machine.activeDeadlines.filter { if case .reportIn = $0.kind { false } else { true } }
            if machine.isEnded {
                #expect(machine.activeDeadlines.isEmpty, "an ended case still holds deadlines")
            } else if machine.phase != .received {
                // `received` lasts only until the daemon dispatches, in the same step that opened the case.
                #expect(phaseDeadlines.count == 1, "open case in \(machine.phase) without a phase deadline")
            }
            #expect(machine.severity >= before.severity, "severity went down")
            #expect(machine.history == emitted, "history differs from the events emitted")
            #expect(machine.reports.count == 1 + merged)
        }

        func plausibleSender(for action: Int) -> Sender {
            let level = machine.level
            switch action {
            case 5, 8: return .person(PropertyTests.holder(level?.above ?? .district))
            case 12: return .person(Fixture.supervisor)
            case 13: return .hotlineCallback
            case 14: return .person(Fixture.dutyOfficer)
            case 15: return .department(Fixture.gas, contact: Fixture.gasContact)
            default: return .person(PropertyTests.holder(level))
            }
        }

        mutating func step(_ s: Step) {
            now = now.addingTimeInterval(Double(s.minutes) * 60)
            let before = machine
            // Half the time a sender who may plausibly act, so sequences get far; otherwise anyone.
            let sender = s.parameter < 50 ? plausibleSender(for: s.action) : PropertyTests.senders[s.actor]
            let actions: [CaseAction]
            switch s.action {
            case 0, 1, 2:
                // Deadlines are the most common input: fire the earliest, on time or late.
                guard let d = machine.activeDeadlines.min(by: { $0.at < $1.at }) else { return }
                now = max(now, d.at)
                actions = machine.deadlinePassed(d.id, now: now)
                scheduled.removeValue(forKey: d.id)
                if !actions.isEmpty { #expect(!actions.notifications.isEmpty, "a deadline passed in silence") }
            case 3: actions = machine.apply(.signFor, from: sender, now: now)
            case 4: actions = machine.apply(.sendBack(reason: "not ours"), from: sender, now: now)
            case 5: actions = machine.apply(.redispatch(to: Level(rawValue: s.parameter % 4)!), from: sender, now: now)
            case 6: actions = machine.apply(.progress(note: "n"), from: sender, now: now)
            case 7: actions = machine.apply(.askExtension(until: now.plus(hours: Double(s.parameter)), reason: "r"), from: sender, now: now)
            case 8: actions = machine.apply(.approveExtension, from: sender, now: now)
            case 9: actions = machine.apply(.park(reason: "p"), from: sender, now: now)
            case 10: actions = machine.apply(.resume, from: sender, now: now)
            case 11: actions = machine.apply(.handled(note: "h"), from: sender, now: now)
            case 12: actions = machine.apply(.verify(passed: s.parameter % 3 != 0, note: ""), from: sender, now: now)
            case 13: actions = machine.apply(.rate(satisfied: s.parameter % 2 == 0), from: sender, now: now)
            case 14:
                let departments: [DepartmentID] = s.parameter % 2 == 0 ? [Fixture.gas] : [Fixture.property, Fixture.gas]
                actions = machine.apply(.whistle(kind: .routine, departments: departments), from: sender, now: now)
            case 15: actions = machine.apply(.reportIn, from: sender, now: now)
            case 16:
                actions = machine.merge(Fixture.hotline("R-\(ids.count)", at: now), category: Fixture.gasLeak, now: now)
                if actions.rejection == nil, !actions.isEmpty { merged += 1 }
            default:
                if s.parameter % 2 == 0 {
                    actions = machine.alarmCancelled(now: now)
                } else if let d = machine.activeDeadlines.first, d.at > now {
                    actions = machine.deadlinePassed(d.id, now: now)
                    #expect(actions.isEmpty, "a deadline fired early was acted on")
                } else {
                    actions = machine.deadlinePassed(DeadlineID("C-P/stale"), now: now)
                    #expect(actions.isEmpty)
                }
            }
            absorb(actions, before: before)
        }
    }

    /// An overdue resolve deadline at the top level: the case is reminded, and the next reminder
    /// is scheduled as a resolve deadline.
    @Test("an extension approved after a reminder at the top level ends when asked, even before the next reminder")
    func extensionAfterReminder() throws {
        var run = Run(severity: .normal, alarm: false, skipping: true)  // community, then street at the top
        run.step((action: 0, actor: 0, minutes: 0, parameter: 0))  // sign-for missed: up to the street
        run.step((action: 3, actor: 0, minutes: 0, parameter: 0))  // the duty officer signs for it
        run.step((action: 0, actor: 0, minutes: 0, parameter: 0))  // resolve missed at the top: reminded
        let reminder = try #require(run.machine.activeDeadlines.first)
        let until = run.now.plus(hours: 1)
        #expect(reminder.at > until, "the next reminder comes after the extension would end")
        run.step((action: 7, actor: 0, minutes: 0, parameter: 1))  // an extension until an hour from now
        run.step((action: 8, actor: 0, minutes: 0, parameter: 0))  // approved by the district
        #expect(run.machine.history.last.map { if case .extensionGranted = $0.kind { true } else { false } } == true)
        #expect(run.machine.activeDeadlines.map(\.at) == [until], "the extended deadline, not the later reminder, is what wakes the case")
    }

    /// Someone entitled to `action` on the fixture's case as it stands, where there is one.
    static func holder(_ level: Level?) -> PersonID {
        switch level {
        case .grid, nil: Fixture.worker
        case .community: Fixture.stationHead
        case .street: Fixture.dutyOfficer
        case .district: Fixture.commandCentre
        }
    }

    /// Checks the escalation rules over the whole history: one level at a time, never on a
    /// missed sign-for after a timely one, and every dispatch accounted for.
    static func checkHistory(_ history: [CaseEvent], policy: EscalationPolicy) {
        var holding: Level?
        var signedSinceDispatch = false
        var pendingTarget: Level?
        for event in history {
            switch event.kind {
            case .dispatched(let level, _):
                if let expected = pendingTarget {
                    #expect(level == expected, "dispatched to \(level), expected \(expected)")
                } else {
                    #expect(holding == nil && level == policy.startLevel, "an unexplained dispatch to \(level)")
                }
                pendingTarget = nil
                holding = level
                signedSinceDispatch = false
            case .escalated(let from, let to, let cause):
                #expect(to == from.above, "level skipped: \(from) → \(to)")
                #expect(from == holding)
                if cause == .signForOverdue { #expect(!signedSinceDispatch, "escalated for sign-for after a sign-for") }
                pendingTarget = to
            case .redispatched(let level, _): pendingTarget = level
            case .reopened(let level): pendingTarget = level
            case .signedFor: signedSinceDispatch = true
            case .opened, .reminded, .sentBack, .progress, .extensionRequested, .extensionGranted, .parked, .resumed,
                .handled, .verified, .verificationFailed, .closed, .closedAsFalseAlarm, .rated, .merged, .severityRaised,
                .whistle, .summoned, .reportedIn, .summonOverdue, .alarmCancelled:
                break
            }
        }
        #expect(pendingTarget == nil, "an escalation or re-dispatch without its dispatch")
    }

    @Test("random sequences: no case lost, deadlines consistent and never in the past, ids unique, rejections harmless")
    func randomSequences() async {
        await propertyCheck(count: 300, input: Self.steps, Gen<Severity>.case, Gen.bool, Gen.bool) { steps, severity, alarm, skipping in
            var run = Run(severity: severity, alarm: alarm, skipping: skipping)
            for s in steps { run.step(s) }
            #expect(run.machine.history.allSatisfy { event in
                if case .dispatched(let level, _) = event.kind { level <= run.machine.policy.topLevel } else { true }
            }, "dispatched above the policy's top level")
            Self.checkHistory(run.machine.history, policy: run.machine.context.policy(at: severity))
            let restored = try? JSONDecoder().decode(CaseMachine.self, from: JSONEncoder().encode(run.machine))
            #expect(restored == run.machine)
        }
    }

    @Test("the random sequences reach every phase and every kind of escalation, so the properties are not vacuous")
    func generatorReach() async {
        var phases: Set<CaseMachine.Phase> = []
        var escalations: Set<CaseEvent.EscalationCause> = []
        await propertyCheck(count: 300, input: Self.steps, Gen<Severity>.case, Gen.bool) { steps, severity, alarm in
            var run = Run(severity: severity, alarm: alarm)
            for s in steps {
                run.step(s)
                phases.insert(run.machine.phase)
            }
            for event in run.machine.history {
                if case .escalated(_, _, let cause) = event.kind { escalations.insert(cause) }
                if case .reminded(_, let cause) = event.kind { escalations.insert(cause) }
            }
        }
        #expect(phases == Set(CaseMachine.Phase.allCases).subtracting([.received]))
        #expect(escalations == Set(CaseEvent.EscalationCause.allCases))
    }

    @Test("when everyone falls silent, an open case climbs to the top level and is reminded at every deadline, forever")
    func silenceEndsAtTheTop() async {
        await propertyCheck(count: 200, input: Self.steps, Gen<Severity>.case, Gen.bool) { steps, severity, skipping in
            var run = Run(severity: severity, alarm: false, skipping: skipping)
            for s in steps { run.step(s) }
            guard !run.machine.isEnded else { return }
            let phase = run.machine.phase
            for _ in 0..<12 {
                guard let d = run.machine.activeDeadlines.filter({ if case .reportIn = $0.kind { false } else { true } }).first else {
                    Issue.record("open case without a phase deadline")
                    return
                }
                run.now = max(run.now, d.at)
                let before = run.machine
                let actions = run.machine.deadlinePassed(d.id, now: run.now)
                run.scheduled.removeValue(forKey: d.id)
                #expect(!actions.notifications.isEmpty, "a deadline passed in silence")
                run.absorb(actions, before: before)
            }
            switch phase {
            case .dispatched, .signedFor, .sentBack:
                #expect(run.machine.level == run.machine.policy.topLevel)
            case .parked, .handled:
                #expect(run.machine.phase == phase, "waiting cases keep reminding")
            case .received, .closed, .falseAlarm, .rated:
                Issue.record("unexpected phase \(phase)")
            }
        }
    }
}
