import Foundation
import GridwatchDomain
import Testing

@Suite("Escalation")
struct EscalationTests {
    let worker = Sender.person(Fixture.worker)

    @Test("dispatch notifies the grid, informs the building captain and schedules the sign-for deadline")
    func dispatch() {
        var m = Fixture.machine(dispatch: false)
        let actions = m.dispatch(now: Fixture.t0)
        #expect(actions.events == [.dispatched(level: .grid, signForBy: Fixture.t0.plus(hours: 1))])
        #expect(actions.notifications.map(\.reason) == [.dispatched, .informed])
        #expect(actions.notifications[0].recipients.map(\.person).contains(Fixture.worker))
        #expect(actions.notifications[1].recipients.map(\.person) == [Fixture.captain])
        #expect(actions.scheduled.map(\.kind) == [.signFor(.grid)])
        #expect(actions.scheduled.map(\.at) == [Fixture.t0.plus(hours: 1)])
    }

    @Test("a missed sign-for climbs one level at a time, keeping the level below informed, then reminds at the top")
    func climbsThenReminds() {
        var m = Fixture.machine()
        var now = Fixture.t0
        var levels: [Level] = []
        for _ in 0..<6 {
            let d = m.activeDeadlines[0]
            #expect(d.at > now)
            now = d.at
            let actions = m.deadlinePassed(d.id, now: now)
            #expect(actions.cancelled.isEmpty, "a fired deadline is not cancelled again")
            #expect(actions.scheduled.count == 1)
            levels.append(m.level!)
            if case .escalated(let from, let to, .signForOverdue) = actions.events.first {
                #expect(to == from.above)
                #expect(actions.notifications.map(\.reason) == [.escalated, .informed])
                #expect(actions.notifications.map(\.level) == [to, from])
            } else {
                #expect(actions.events == [.reminded(level: .district, because: .signForOverdue)])
                #expect(actions.notifications.map(\.reason) == [.reminder])
                #expect(actions.scheduled[0].at == now.addingTimeInterval(m.policy.reminderInterval))
            }
        }
        #expect(levels == [.community, .street, .district, .district, .district, .district])
    }

    @Test("a timely sign-for stops sign-for escalation and starts the resolve clock from dispatch")
    func signForStopsEscalation() {
        var m = Fixture.machine()
        let signForDeadline = m.activeDeadlines[0]
        let actions = m.apply(.signFor, from: worker, now: Fixture.t0.plus(minutes: 5))
        #expect(actions.cancelled == [signForDeadline.id])
        #expect(actions.scheduled.map(\.kind) == [.resolve(.grid)])
        #expect(actions.scheduled[0].at == Fixture.t0.plus(hours: 12))
        #expect(actions.events == [.signedFor(level: .grid, by: Fixture.worker, inTime: true)])
        #expect(m.deadlinePassed(signForDeadline.id, now: Fixture.t0.plus(hours: 2)) == [])
    }

    @Test("a missed resolve deadline moves the case to the community, which must sign for it")
    func resolveOverdue() {
        var m = Fixture.machine()
        _ = m.apply(.signFor, from: worker, now: Fixture.t0)
        let d = m.activeDeadlines[0]
        let actions = m.deadlinePassed(d.id, now: d.at)
        #expect(actions.events.first == .escalated(from: .grid, to: .community, because: .resolveOverdue))
        #expect(m.phase == .dispatched)
        #expect(m.level == .community)
    }

    @Test("a deadline fired early is ignored and stays scheduled")
    func earlyFire() {
        var m = Fixture.machine()
        let d = m.activeDeadlines[0]
        #expect(m.deadlinePassed(d.id, now: d.at.addingTimeInterval(-1)) == [])
        #expect(m.activeDeadlines == [d])
    }

    @Test("an emergency starts at grid, community and street at once and summons the owning department")
    func emergency() {
        var m = Fixture.machine(severity: .critical, dispatch: false)
        let actions = m.dispatch(now: Fixture.t0)
        #expect(actions.notifications.map(\.level) == [.grid, .community, .street, nil, nil])
        #expect(actions.notifications.map(\.reason) == [.dispatched, .informed, .informed, .informed, .summoned])
        #expect(actions.notifications[4].department == Fixture.gas)
        #expect(actions.scheduled.map(\.kind) == [.signFor(.grid), .reportIn(Fixture.gas)])
        #expect(actions.scheduled[1].at == Fixture.t0.plus(minutes: 30))
        #expect(m.summonedDepartments == [Fixture.gas: false])
    }

    @Test("a street's whistle summons departments; a missed report-in climbs to the district and repeats")
    func whistle() {
        var m = Fixture.machine()
        let t = Fixture.t0.plus(minutes: 10)
        let actions = m.apply(.whistle(kind: .hardCase, departments: [Fixture.property]), from: .person(Fixture.dutyOfficer), now: t)
        #expect(actions.events == [.whistle(kind: .hardCase, by: Fixture.dutyOfficer, departments: [Fixture.property]), .summoned(Fixture.property)])
        let d = actions.scheduled[0]
        #expect(d.kind == .reportIn(Fixture.property))
        #expect(d.at == t.plus(minutes: 30))
        let overdue = m.deadlinePassed(d.id, now: d.at)
        #expect(overdue.events == [.summonOverdue(Fixture.property)])
        #expect(overdue.notifications.map(\.reason) == [.summonOverdue, .summoned])
        #expect(overdue.notifications[0].level == .district)
        let again = overdue.scheduled[0]
        let late = m.apply(.reportIn, from: .department(Fixture.property, contact: Fixture.propertyContact), now: again.at.addingTimeInterval(-60))
        #expect(late.cancelled == [again.id])
        #expect(late.events == [.reportedIn(Fixture.property, inTime: false)])
        #expect(m.summonedDepartments == [Fixture.property: true])
    }

    @Test("a department summoned again after a late report-in is judged afresh")
    func summonedAgain() {
        var m = Fixture.machine()
        let whistle = FieldUpdate.whistle(kind: .routine, departments: [Fixture.property])
        let contact = Sender.department(Fixture.property, contact: Fixture.propertyContact)
        let first = m.apply(whistle, from: .person(Fixture.dutyOfficer), now: Fixture.t0).scheduled[0]
        _ = m.deadlinePassed(first.id, now: first.at)
        #expect(m.apply(.reportIn, from: contact, now: first.at.plus(minutes: 5)).events == [.reportedIn(Fixture.property, inTime: false)])
        let t = first.at.plus(hours: 1)
        _ = m.apply(whistle, from: .person(Fixture.dutyOfficer), now: t)
        #expect(m.apply(.reportIn, from: contact, now: t.plus(minutes: 10)).events == [.reportedIn(Fixture.property, inTime: true)])
    }

    @Test("an emergency whistle makes the case critical and alerts the emergency levels; a routine one does not")
    func emergencyWhistle() {
        var m = Fixture.machine()
        let routine = m.apply(.whistle(kind: .routine, departments: [Fixture.property]), from: .person(Fixture.dutyOfficer), now: Fixture.t0)
        #expect(!routine.events.contains { if case .severityRaised = $0 { true } else { false } })
        let emergency = m.apply(.whistle(kind: .emergency, departments: [Fixture.property]), from: .person(Fixture.dutyOfficer), now: Fixture.t0)
        #expect(emergency.events.contains(.severityRaised(from: .normal, to: .critical)))
        #expect(emergency.events.contains(.summoned(Fixture.gas)), "the critical policy summons the owner")
        #expect(Set(emergency.notifications.compactMap(\.level)) == [.grid, .community, .street])
        #expect(m.severity == .critical)
    }

    @Test("a timely report-in cancels the deadline and counts as in time")
    func timelyReportIn() {
        var m = Fixture.machine(severity: .critical)
        let d = m.activeDeadlines.first { $0.kind == .reportIn(Fixture.gas) }!
        let actions = m.apply(.reportIn, from: .department(Fixture.gas, contact: Fixture.gasContact), now: Fixture.t0.plus(minutes: 20))
        #expect(actions.cancelled == [d.id])
        #expect(actions.events == [.reportedIn(Fixture.gas, inTime: true)])
    }

    @Test("an extension moves the resolve deadline later, never earlier")
    func extensionFlow() {
        var m = Fixture.machine()
        _ = m.apply(.signFor, from: worker, now: Fixture.t0)
        let original = m.activeDeadlines[0]
        let early = m.apply(.askExtension(until: original.at.addingTimeInterval(-1), reason: "x"), from: worker, now: Fixture.t0)
        #expect(early.rejection == .invalidExtension)
        let until = original.at.plus(hours: 48)
        _ = m.apply(.askExtension(until: until, reason: "parts on order"), from: worker, now: Fixture.t0.plus(hours: 1))
        #expect(m.apply(.approveExtension, from: worker, now: Fixture.t0.plus(hours: 2)).rejection == .notEntitled)
        let approved = m.apply(.approveExtension, from: .person(Fixture.stationHead), now: Fixture.t0.plus(hours: 2))
        #expect(approved.cancelled == [original.id])
        #expect(approved.scheduled.map(\.at) == [until])
        #expect(approved.events == [.extensionGranted(by: Fixture.stationHead, until: until)])
    }

    @Test("resuming a parked case or failing verification never brings an extended deadline earlier")
    func extendedDeadlineHolds() {
        for rework in [false, true] {
            var m = Fixture.machine()
            _ = m.apply(.signFor, from: worker, now: Fixture.t0)
            let until = Fixture.t0.plus(hours: 240)
            _ = m.apply(.askExtension(until: until, reason: "parts"), from: worker, now: Fixture.t0)
            _ = m.apply(.approveExtension, from: .person(Fixture.stationHead), now: Fixture.t0)
            let later = Fixture.t0.plus(hours: 2)
            let actions: [CaseAction]
            if rework {
                _ = m.apply(.handled(note: "done"), from: worker, now: Fixture.t0.plus(hours: 1))
                actions = m.apply(.verify(passed: false, note: "still leaking"), from: .person(Fixture.supervisor), now: later)
                #expect(m.reworkCount == 1)
            } else {
                _ = m.apply(.park(reason: "waiting"), from: worker, now: Fixture.t0.plus(hours: 1))
                actions = m.apply(.resume, from: worker, now: later)
            }
            #expect(actions.scheduled.map(\.at) == [until])
        }
    }

    @Test("a sent-back case not re-dispatched in time is taken by the level above")
    func sentBackTimeout() {
        var m = Fixture.machine()
        let back = m.apply(.sendBack(reason: "belongs to the water company"), from: worker, now: Fixture.t0)
        #expect(back.notifications.map(\.reason) == [.sentBack])
        #expect(back.notifications[0].level == .community)
        let d = back.scheduled[0]
        let actions = m.deadlinePassed(d.id, now: d.at)
        #expect(actions.events.first == .escalated(from: .grid, to: .community, because: .redispatchOverdue))
        #expect(m.phase == .dispatched)
        #expect(m.level == .community)
    }

    @Test("a parked case is reviewed at the reminder interval until resumed")
    func parked() {
        var m = Fixture.machine()
        _ = m.apply(.signFor, from: worker, now: Fixture.t0)
        _ = m.apply(.park(reason: "awaiting renovation funds"), from: worker, now: Fixture.t0)
        for _ in 0..<3 {
            let d = m.activeDeadlines[0]
            let actions = m.deadlinePassed(d.id, now: d.at)
            #expect(actions.events == [.reminded(level: .grid, because: .parked)])
            #expect(actions.scheduled.map(\.kind) == [.parkedReview(.grid)])
        }
        _ = m.apply(.resume, from: worker, now: Fixture.t0.plus(hours: 20))
        #expect(m.phase == .signedFor)
    }

    @Test("an unsatisfied citizen reopens the case at the level that handled it, counted as rework")
    func unsatisfied() {
        var m = Fixture.machine()
        _ = m.apply(.signFor, from: worker, now: Fixture.t0)
        _ = m.apply(.handled(note: "valve closed"), from: worker, now: Fixture.t0.plus(hours: 1))
        _ = m.apply(.verify(passed: true, note: "ok"), from: .person(Fixture.supervisor), now: Fixture.t0.plus(hours: 2))
        #expect(m.apply(.rate(satisfied: false), from: worker, now: Fixture.t0.plus(hours: 3)).rejection == .notEntitled)
        let actions = m.apply(.rate(satisfied: false), from: .hotlineCallback, now: Fixture.t0.plus(hours: 3))
        #expect(actions.events.prefix(2) == [.rated(satisfied: false), .reopened(level: .grid)])
        #expect(actions.notifications.map(\.reason) == [.reopened])
        #expect(m.phase == .dispatched)
        #expect(m.level == .grid)
        #expect(m.reworkCount == 1)
    }

    @Test("an alarm cancelled before sign-for closes as a false alarm; after sign-for it stays with the worker")
    func alarmCancel() {
        var early = Fixture.machine(report: Fixture.alarm(), category: Fixture.gasAlarm)
        let actions = early.alarmCancelled(now: Fixture.t0.plus(minutes: 2))
        #expect(actions.events == [.alarmCancelled(afterSignFor: false), .closedAsFalseAlarm])
        #expect(early.phase == .falseAlarm)
        #expect(early.activeDeadlines.isEmpty)

        var late = Fixture.machine(report: Fixture.alarm(), category: Fixture.gasAlarm)
        _ = late.apply(.signFor, from: worker, now: Fixture.t0)
        let after = late.alarmCancelled(now: Fixture.t0.plus(minutes: 2))
        #expect(after.events == [.alarmCancelled(afterSignFor: true)])
        #expect(after.notifications.map(\.reason) == [.alarmCancelled])
        #expect(late.phase == .signedFor)

        var mixed = Fixture.machine(report: Fixture.alarm(), category: Fixture.gasAlarm)
        _ = mixed.merge(Fixture.hotline(), category: Fixture.gasLeak, now: Fixture.t0)
        _ = mixed.alarmCancelled(now: Fixture.t0.plus(minutes: 2))
        #expect(mixed.phase == .dispatched, "a citizen also reported it, so it is not a false alarm")
    }

    @Test("merging keeps every report, ignores redelivery and raises severity after enough repeats")
    func merging() {
        var m = Fixture.machine(category: Fixture.gasLeak)
        let threshold = m.policy.raiseSeverityAfter
        #expect(m.merge(Fixture.hotline(), category: Fixture.gasLeak, now: Fixture.t0) == [], "the first report again is a redelivery")
        for i in 1...threshold {
            let actions = m.merge(Fixture.hotline("12345-1\(i)"), category: Fixture.gasLeak, now: Fixture.t0.plus(minutes: Double(i)))
            if i == threshold {
                #expect(actions.events.contains(.severityRaised(from: .normal, to: .high)))
                #expect(actions.notifications.map(\.reason).contains(.severityRaised))
            } else {
                #expect(actions.events == [.merged(source: "hotline:12345-1\(i)")])
            }
        }
        #expect(m.reports.count == threshold + 1)
        #expect(m.severity == .high)
        let critical = m.merge(Fixture.alarm(), category: Fixture.gasAlarm, severity: .critical, now: Fixture.t0.plus(hours: 1))
        #expect(critical.events.contains(.severityRaised(from: .high, to: .critical)))
        #expect(critical.events.contains(.summoned(Fixture.gas)), "the emergency policy summons the owner")
    }

    @Test("identifiers are deterministic: the same inputs give the same actions")
    func deterministic() {
        func run() -> [CaseAction] {
            var m = Fixture.machine(dispatch: false)
            var all = m.dispatch(now: Fixture.t0)
            all += m.apply(.signFor, from: worker, now: Fixture.t0.plus(minutes: 3))
            all += m.apply(.handled(note: "ok"), from: worker, now: Fixture.t0.plus(hours: 3))
            return all
        }
        #expect(run() == run())
        let ids = run().compactMap { a -> String? in
            switch a {
            case .notify(let n): n.id
            case .scheduleDeadline(let d): d.id.rawValue
            case .emit(let e): e.id
            case .cancelDeadline, .reject: nil
            }
        }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.hasPrefix("C-1/") })
    }

    @Test("the machine survives a JSON round trip mid-escalation and carries on identically")
    func codable() throws {
        var m = Fixture.machine(severity: .critical)
        _ = m.apply(.signFor, from: worker, now: Fixture.t0.plus(minutes: 1))
        let data = try JSONEncoder().encode(m)
        var restored = try JSONDecoder().decode(CaseMachine.self, from: data)
        #expect(restored == m)
        let d = m.activeDeadlines[0]
        #expect(restored.deadlinePassed(d.id, now: d.at) == m.deadlinePassed(d.id, now: d.at))
    }
}
