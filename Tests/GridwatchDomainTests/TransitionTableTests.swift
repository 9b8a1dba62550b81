import Foundation
import GridwatchDomain
import Testing

/// Every phase × every input, one line each: the machine's whole transition table.
///
/// Each probe is sent by someone entitled to it, so a rejection here is about the phase; who may
/// do what is covered in `AuthorizationTests`. The case is a combustible-gas alarm at critical
/// severity, so the gas company is summoned at dispatch and can report in.
@Suite("Transition table")
struct TransitionTableTests {
    enum Probe: String, CaseIterable, Sendable {
        case dispatch, signFor, sendBack, redispatch, progress, askExtension, approveExtension, park, resume, handled
        case verifyPass, verifyFail, rateSatisfied, rateUnsatisfied, whistle, reportIn, phaseDeadline, staleDeadline
        case merge, alarmCancelled
    }

    enum Outcome: Equatable, Sendable, CustomStringConvertible {
        case rejected(Rejection.Code)
        /// No action at all (a stale or absent deadline).
        case ignored
        /// Accepted, same phase and level.
        case stays
        case to(CaseMachine.Phase, Level?)

        var description: String {
            switch self {
            case .rejected(let c): "rejected(\(c.rawValue))"
            case .ignored: "ignored"
            case .stays: "stays"
            case .to(let p, let l): "to(\(p.rawValue), \(l.map { "\($0)" } ?? "nil"))"
            }
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var phase: CaseMachine.Phase
        var probe: Probe
        var expected: Outcome
        init(_ phase: CaseMachine.Phase, _ probe: Probe, _ expected: Outcome) {
            self.phase = phase
            self.probe = probe
            self.expected = expected
        }
        var testDescription: String { "\(phase.rawValue) × \(probe.rawValue) → \(expected)" }
    }

    static let table: [Row] = [
        // received
        Row(.received, .dispatch, .to(.dispatched, .grid)),
        Row(.received, .signFor, .rejected(.notInPhase)),
        Row(.received, .sendBack, .rejected(.notInPhase)),
        Row(.received, .redispatch, .rejected(.notInPhase)),
        Row(.received, .progress, .rejected(.notInPhase)),
        Row(.received, .askExtension, .rejected(.notInPhase)),
        Row(.received, .approveExtension, .rejected(.notInPhase)),
        Row(.received, .park, .rejected(.notInPhase)),
        Row(.received, .resume, .rejected(.notInPhase)),
        Row(.received, .handled, .rejected(.notInPhase)),
        Row(.received, .verifyPass, .rejected(.notInPhase)),
        Row(.received, .verifyFail, .rejected(.notInPhase)),
        Row(.received, .rateSatisfied, .rejected(.notInPhase)),
        Row(.received, .rateUnsatisfied, .rejected(.notInPhase)),
        Row(.received, .whistle, .stays),
        Row(.received, .reportIn, .rejected(.invalidDepartment)),
        Row(.received, .phaseDeadline, .ignored),
        Row(.received, .staleDeadline, .ignored),
        Row(.received, .merge, .stays),
        Row(.received, .alarmCancelled, .to(.falseAlarm, nil)),
        // dispatched
        Row(.dispatched, .dispatch, .rejected(.notInPhase)),
        Row(.dispatched, .signFor, .to(.signedFor, .grid)),
        Row(.dispatched, .sendBack, .to(.sentBack, .grid)),
        Row(.dispatched, .redispatch, .rejected(.notInPhase)),
        Row(.dispatched, .progress, .rejected(.notInPhase)),
        Row(.dispatched, .askExtension, .rejected(.notInPhase)),
        Row(.dispatched, .approveExtension, .rejected(.notInPhase)),
        Row(.dispatched, .park, .rejected(.notInPhase)),
        Row(.dispatched, .resume, .rejected(.notInPhase)),
        Row(.dispatched, .handled, .rejected(.notInPhase)),
        Row(.dispatched, .verifyPass, .rejected(.notInPhase)),
        Row(.dispatched, .verifyFail, .rejected(.notInPhase)),
        Row(.dispatched, .rateSatisfied, .rejected(.notInPhase)),
        Row(.dispatched, .rateUnsatisfied, .rejected(.notInPhase)),
        Row(.dispatched, .whistle, .stays),
        Row(.dispatched, .reportIn, .stays),
        Row(.dispatched, .phaseDeadline, .to(.dispatched, .community)),
        Row(.dispatched, .staleDeadline, .ignored),
        Row(.dispatched, .merge, .stays),
        Row(.dispatched, .alarmCancelled, .to(.falseAlarm, nil)),
        // signedFor
        Row(.signedFor, .dispatch, .rejected(.notInPhase)),
        Row(.signedFor, .signFor, .rejected(.notInPhase)),
        Row(.signedFor, .sendBack, .rejected(.notInPhase)),
        Row(.signedFor, .redispatch, .rejected(.notInPhase)),
        Row(.signedFor, .progress, .stays),
        Row(.signedFor, .askExtension, .stays),
        Row(.signedFor, .approveExtension, .rejected(.invalidExtension)),
        Row(.signedFor, .park, .to(.parked, .grid)),
        Row(.signedFor, .resume, .rejected(.notInPhase)),
        Row(.signedFor, .handled, .to(.handled, .grid)),
        Row(.signedFor, .verifyPass, .rejected(.notInPhase)),
        Row(.signedFor, .verifyFail, .rejected(.notInPhase)),
        Row(.signedFor, .rateSatisfied, .rejected(.notInPhase)),
        Row(.signedFor, .rateUnsatisfied, .rejected(.notInPhase)),
        Row(.signedFor, .whistle, .stays),
        Row(.signedFor, .reportIn, .stays),
        Row(.signedFor, .phaseDeadline, .to(.dispatched, .community)),
        Row(.signedFor, .staleDeadline, .ignored),
        Row(.signedFor, .merge, .stays),
        Row(.signedFor, .alarmCancelled, .stays),
        // sentBack
        Row(.sentBack, .dispatch, .rejected(.notInPhase)),
        Row(.sentBack, .signFor, .rejected(.notInPhase)),
        Row(.sentBack, .sendBack, .rejected(.notInPhase)),
        Row(.sentBack, .redispatch, .to(.dispatched, .grid)),
        Row(.sentBack, .progress, .rejected(.notInPhase)),
        Row(.sentBack, .askExtension, .rejected(.notInPhase)),
        Row(.sentBack, .approveExtension, .rejected(.notInPhase)),
        Row(.sentBack, .park, .rejected(.notInPhase)),
        Row(.sentBack, .resume, .rejected(.notInPhase)),
        Row(.sentBack, .handled, .rejected(.notInPhase)),
        Row(.sentBack, .verifyPass, .rejected(.notInPhase)),
        Row(.sentBack, .verifyFail, .rejected(.notInPhase)),
        Row(.sentBack, .rateSatisfied, .rejected(.notInPhase)),
        Row(.sentBack, .rateUnsatisfied, .rejected(.notInPhase)),
        Row(.sentBack, .whistle, .stays),
        Row(.sentBack, .reportIn, .stays),
        Row(.sentBack, .phaseDeadline, .to(.dispatched, .community)),
        Row(.sentBack, .staleDeadline, .ignored),
        Row(.sentBack, .merge, .stays),
        Row(.sentBack, .alarmCancelled, .to(.falseAlarm, nil)),
        // parked
        Row(.parked, .dispatch, .rejected(.notInPhase)),
        Row(.parked, .signFor, .rejected(.notInPhase)),
        Row(.parked, .sendBack, .rejected(.notInPhase)),
        Row(.parked, .redispatch, .rejected(.notInPhase)),
        Row(.parked, .progress, .stays),
        Row(.parked, .askExtension, .rejected(.notInPhase)),
        Row(.parked, .approveExtension, .rejected(.notInPhase)),
        Row(.parked, .park, .rejected(.notInPhase)),
        Row(.parked, .resume, .to(.signedFor, .grid)),
        Row(.parked, .handled, .rejected(.notInPhase)),
        Row(.parked, .verifyPass, .rejected(.notInPhase)),
        Row(.parked, .verifyFail, .rejected(.notInPhase)),
        Row(.parked, .rateSatisfied, .rejected(.notInPhase)),
        Row(.parked, .rateUnsatisfied, .rejected(.notInPhase)),
        Row(.parked, .whistle, .stays),
        Row(.parked, .reportIn, .stays),
        Row(.parked, .phaseDeadline, .stays),
        Row(.parked, .staleDeadline, .ignored),
        Row(.parked, .merge, .stays),
        Row(.parked, .alarmCancelled, .stays),
        // handled
        Row(.handled, .dispatch, .rejected(.notInPhase)),
        Row(.handled, .signFor, .rejected(.notInPhase)),
        Row(.handled, .sendBack, .rejected(.notInPhase)),
        Row(.handled, .redispatch, .rejected(.notInPhase)),
        Row(.handled, .progress, .rejected(.notInPhase)),
        Row(.handled, .askExtension, .rejected(.notInPhase)),
        Row(.handled, .approveExtension, .rejected(.notInPhase)),
        Row(.handled, .park, .rejected(.notInPhase)),
        Row(.handled, .resume, .rejected(.notInPhase)),
        Row(.handled, .handled, .rejected(.notInPhase)),
        Row(.handled, .verifyPass, .to(.closed, .grid)),
        Row(.handled, .verifyFail, .to(.signedFor, .grid)),
        Row(.handled, .rateSatisfied, .rejected(.notInPhase)),
        Row(.handled, .rateUnsatisfied, .rejected(.notInPhase)),
        Row(.handled, .whistle, .stays),
        Row(.handled, .reportIn, .stays),
        Row(.handled, .phaseDeadline, .stays),
        Row(.handled, .staleDeadline, .ignored),
        Row(.handled, .merge, .stays),
        Row(.handled, .alarmCancelled, .stays),
        // closed
        Row(.closed, .dispatch, .rejected(.caseEnded)),
        Row(.closed, .signFor, .rejected(.caseEnded)),
        Row(.closed, .sendBack, .rejected(.caseEnded)),
        Row(.closed, .redispatch, .rejected(.caseEnded)),
        Row(.closed, .progress, .rejected(.caseEnded)),
        Row(.closed, .askExtension, .rejected(.caseEnded)),
        Row(.closed, .approveExtension, .rejected(.caseEnded)),
        Row(.closed, .park, .rejected(.caseEnded)),
        Row(.closed, .resume, .rejected(.caseEnded)),
        Row(.closed, .handled, .rejected(.caseEnded)),
        Row(.closed, .verifyPass, .rejected(.caseEnded)),
        Row(.closed, .verifyFail, .rejected(.caseEnded)),
        Row(.closed, .rateSatisfied, .to(.rated, .grid)),
        Row(.closed, .rateUnsatisfied, .to(.dispatched, .grid)),
        Row(.closed, .whistle, .rejected(.caseEnded)),
        Row(.closed, .reportIn, .rejected(.caseEnded)),
        Row(.closed, .phaseDeadline, .ignored),
        Row(.closed, .staleDeadline, .ignored),
        Row(.closed, .merge, .rejected(.caseEnded)),
        Row(.closed, .alarmCancelled, .rejected(.caseEnded)),
        // falseAlarm
        Row(.falseAlarm, .dispatch, .rejected(.caseEnded)),
        Row(.falseAlarm, .signFor, .rejected(.caseEnded)),
        Row(.falseAlarm, .sendBack, .rejected(.caseEnded)),
        Row(.falseAlarm, .redispatch, .rejected(.caseEnded)),
        Row(.falseAlarm, .progress, .rejected(.caseEnded)),
        Row(.falseAlarm, .askExtension, .rejected(.caseEnded)),
        Row(.falseAlarm, .approveExtension, .rejected(.caseEnded)),
        Row(.falseAlarm, .park, .rejected(.caseEnded)),
        Row(.falseAlarm, .resume, .rejected(.caseEnded)),
        Row(.falseAlarm, .handled, .rejected(.caseEnded)),
        Row(.falseAlarm, .verifyPass, .rejected(.caseEnded)),
        Row(.falseAlarm, .verifyFail, .rejected(.caseEnded)),
        Row(.falseAlarm, .rateSatisfied, .rejected(.caseEnded)),
        Row(.falseAlarm, .rateUnsatisfied, .rejected(.caseEnded)),
        Row(.falseAlarm, .whistle, .rejected(.caseEnded)),
        Row(.falseAlarm, .reportIn, .rejected(.caseEnded)),
        Row(.falseAlarm, .phaseDeadline, .ignored),
        Row(.falseAlarm, .staleDeadline, .ignored),
        Row(.falseAlarm, .merge, .rejected(.caseEnded)),
        Row(.falseAlarm, .alarmCancelled, .rejected(.caseEnded)),
        // rated
        Row(.rated, .dispatch, .rejected(.caseEnded)),
        Row(.rated, .signFor, .rejected(.caseEnded)),
        Row(.rated, .sendBack, .rejected(.caseEnded)),
        Row(.rated, .redispatch, .rejected(.caseEnded)),
        Row(.rated, .progress, .rejected(.caseEnded)),
        Row(.rated, .askExtension, .rejected(.caseEnded)),
        Row(.rated, .approveExtension, .rejected(.caseEnded)),
        Row(.rated, .park, .rejected(.caseEnded)),
        Row(.rated, .resume, .rejected(.caseEnded)),
        Row(.rated, .handled, .rejected(.caseEnded)),
        Row(.rated, .verifyPass, .rejected(.caseEnded)),
        Row(.rated, .verifyFail, .rejected(.caseEnded)),
        Row(.rated, .rateSatisfied, .rejected(.caseEnded)),
        Row(.rated, .rateUnsatisfied, .rejected(.caseEnded)),
        Row(.rated, .whistle, .rejected(.caseEnded)),
        Row(.rated, .reportIn, .rejected(.caseEnded)),
        Row(.rated, .phaseDeadline, .ignored),
        Row(.rated, .staleDeadline, .ignored),
        Row(.rated, .merge, .rejected(.caseEnded)),
        Row(.rated, .alarmCancelled, .rejected(.caseEnded)),
    ]

    @Test("the table covers every phase × input pair exactly once")
    func coverage() {
        let pairs = Self.table.map { "\($0.phase.rawValue)/\($0.probe.rawValue)" }
        #expect(Set(pairs).count == pairs.count)
        #expect(pairs.count == CaseMachine.Phase.allCases.count * Probe.allCases.count)
    }

    @Test(arguments: table)
    func transition(_ row: Row) {
        var machine = Self.machine(in: row.phase)
        #expect(machine.phase == row.phase)
        let before = machine
        let actions = Self.send(row.probe, to: &machine)
        let outcome: Outcome
        if let code = actions.rejection {
            outcome = .rejected(code)
            #expect(machine == before, "a rejection must leave the case unchanged")
        } else if actions.isEmpty {
            outcome = .ignored
            #expect(machine == before, "an ignored input must leave the case unchanged")
        } else if machine.phase == before.phase, machine.level == before.level {
            outcome = .stays
        } else {
            outcome = .to(machine.phase, machine.level)
        }
        #expect(outcome == row.expected)
    }

    static let now = Fixture.t0.plus(minutes: 1)

    static func machine(in phase: CaseMachine.Phase) -> CaseMachine {
        var m = Fixture.machine(report: Fixture.alarm(), category: Fixture.gasAlarm, severity: .critical, dispatch: phase != .received)
        let worker = Sender.person(Fixture.worker)
        switch phase {
        case .received, .dispatched: break
        case .signedFor: _ = m.apply(.signFor, from: worker, now: Fixture.t0)
        case .sentBack: _ = m.apply(.sendBack(reason: "not ours"), from: worker, now: Fixture.t0)
        case .parked:
            _ = m.apply(.signFor, from: worker, now: Fixture.t0)
            _ = m.apply(.park(reason: "waiting for parts"), from: worker, now: Fixture.t0)
        case .handled:
            _ = m.apply(.signFor, from: worker, now: Fixture.t0)
            _ = m.apply(.handled(note: "done"), from: worker, now: Fixture.t0)
        case .closed, .rated:
            _ = m.apply(.signFor, from: worker, now: Fixture.t0)
            _ = m.apply(.handled(note: "done"), from: worker, now: Fixture.t0)
            _ = m.apply(.verify(passed: true, note: "ok"), from: .person(Fixture.supervisor), now: Fixture.t0)
            if phase == .rated { _ = m.apply(.rate(satisfied: true), from: .hotlineCallback, now: Fixture.t0) }
        case .falseAlarm: _ = m.alarmCancelled(now: Fixture.t0)
        }
        return m
    }

    static func send(_ probe: Probe, to m: inout CaseMachine) -> [CaseAction] {
        let worker = Sender.person(Fixture.worker)
        switch probe {
        case .dispatch: return m.dispatch(now: now)
        case .signFor: return m.apply(.signFor, from: worker, now: now)
        case .sendBack: return m.apply(.sendBack(reason: "not ours"), from: worker, now: now)
        case .redispatch: return m.apply(.redispatch(to: .grid), from: .person(Fixture.stationHead), now: now)
        case .progress: return m.apply(.progress(note: "on site"), from: worker, now: now)
        case .askExtension: return m.apply(.askExtension(until: Fixture.t0.plus(hours: 240), reason: "parts"), from: worker, now: now)
        case .approveExtension: return m.apply(.approveExtension, from: .person(Fixture.stationHead), now: now)
        case .park: return m.apply(.park(reason: "waiting"), from: worker, now: now)
        case .resume: return m.apply(.resume, from: worker, now: now)
        case .handled: return m.apply(.handled(note: "fixed"), from: worker, now: now)
        case .verifyPass: return m.apply(.verify(passed: true, note: "ok"), from: .person(Fixture.supervisor), now: now)
        case .verifyFail: return m.apply(.verify(passed: false, note: "still smells"), from: .person(Fixture.supervisor), now: now)
        case .rateSatisfied: return m.apply(.rate(satisfied: true), from: .hotlineCallback, now: now)
        case .rateUnsatisfied: return m.apply(.rate(satisfied: false), from: .hotlineCallback, now: now)
        case .whistle:
            return m.apply(.whistle(kind: .emergency, departments: [Fixture.property]), from: .person(Fixture.dutyOfficer), now: now)
        case .reportIn: return m.apply(.reportIn, from: .department(Fixture.gas, contact: Fixture.gasContact), now: now)
        case .phaseDeadline:
            guard let d = m.activeDeadlines.first(where: { if case .reportIn = $0.kind { false } else { true } }) else {
                return m.deadlinePassed(DeadlineID("C-1/none"), now: now)
            }
            return m.deadlinePassed(d.id, now: d.at)
        case .staleDeadline: return m.deadlinePassed(DeadlineID("C-1/d999"), now: now)
        case .merge: return m.merge(Fixture.hotline("12345-0099", at: now), category: Fixture.gasLeak, now: now)
        case .alarmCancelled: return m.alarmCancelled(now: now)
        }
    }
}
