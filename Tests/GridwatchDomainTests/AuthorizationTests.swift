import Foundation
import GridwatchDomain
import Testing

/// Who may do what: decided from the authenticated sender, never from the message.
@Suite("Authorization")
struct AuthorizationTests {
    @Test("sign-for comes from the level holding the case or above", arguments: [
        (Fixture.worker, true), (Fixture.leader, true), (Fixture.stationHead, true), (Fixture.dutyOfficer, true),
        (Fixture.commandCentre, true), (Fixture.supervisor, false), (Fixture.captain, false), (Fixture.otherWorker, false),
        (PersonID("stranger"), false),
    ])
    func signFor(person: PersonID, allowed: Bool) {
        var m = Fixture.machine()
        let actions = m.apply(.signFor, from: .person(person), now: Fixture.t0)
        #expect((actions.rejection == nil) == allowed)
        if !allowed { #expect(actions.rejection == .notEntitled) }
    }

    @Test("once the case is at the community, the grid may no longer sign for it")
    func gridBelowHolder() {
        var m = Fixture.machine()
        let d = m.activeDeadlines[0]
        _ = m.deadlinePassed(d.id, now: d.at)
        #expect(m.apply(.signFor, from: .person(Fixture.worker), now: d.at).rejection == .notEntitled)
        #expect(m.apply(.signFor, from: .person(Fixture.secretary), now: d.at).rejection == nil)
    }

    @Test("verification comes from the grid's supervisor or above, never from the handler")
    func verify() {
        func handled(by person: PersonID) -> CaseMachine {
            var m = Fixture.machine()
            _ = m.apply(.signFor, from: .person(person), now: Fixture.t0)
            _ = m.apply(.handled(note: "done"), from: .person(person), now: Fixture.t0)
            return m
        }
        var m = handled(by: Fixture.worker)
        #expect(m.apply(.verify(passed: true, note: ""), from: .person(Fixture.leader), now: Fixture.t0).rejection == .notEntitled)
        #expect(m.apply(.verify(passed: true, note: ""), from: .person(Fixture.worker), now: Fixture.t0).rejection == .handlerCannotVerify)
        #expect(m.apply(.verify(passed: true, note: ""), from: .hotlineCallback, now: Fixture.t0).rejection == .notEntitled)
        #expect(m.apply(.verify(passed: true, note: ""), from: .person(Fixture.supervisor), now: Fixture.t0).rejection == nil)
        var byHead = handled(by: Fixture.stationHead)
        #expect(byHead.apply(.verify(passed: true, note: ""), from: .person(Fixture.stationHead), now: Fixture.t0).rejection == .handlerCannotVerify)
        #expect(byHead.apply(.verify(passed: true, note: ""), from: .person(Fixture.secretary), now: Fixture.t0).rejection == nil)
    }

    @Test("a whistle comes only from the street")
    func whistle() {
        var m = Fixture.machine()
        let w = FieldUpdate.whistle(kind: .routine, departments: [Fixture.gas])
        #expect(m.apply(w, from: .person(Fixture.stationHead), now: Fixture.t0).rejection == .notEntitled)
        #expect(m.apply(w, from: .person(Fixture.commandCentre), now: Fixture.t0).rejection == .notEntitled)
        #expect(m.apply(.whistle(kind: .routine, departments: ["unknown"]), from: .person(Fixture.dutyOfficer), now: Fixture.t0).rejection == .invalidDepartment)
        #expect(m.apply(.whistle(kind: .routine, departments: []), from: .person(Fixture.dutyOfficer), now: Fixture.t0).rejection == .invalidDepartment)
        #expect(m.apply(w, from: .person(Fixture.dutyOfficer), now: Fixture.t0).rejection == nil)
    }

    @Test("report-in comes from a contact of the summoned department")
    func reportIn() {
        var m = Fixture.machine(severity: .critical)
        #expect(m.apply(.reportIn, from: .department(Fixture.property, contact: Fixture.propertyContact), now: Fixture.t0).rejection == .invalidDepartment)
        #expect(m.apply(.reportIn, from: .department(Fixture.gas, contact: Fixture.propertyContact), now: Fixture.t0).rejection == .notEntitled)
        #expect(m.apply(.reportIn, from: .person(Fixture.gasContact), now: Fixture.t0).rejection == .notEntitled)
        #expect(m.apply(.reportIn, from: .department(Fixture.gas, contact: Fixture.gasContact), now: Fixture.t0).rejection == nil)
        #expect(m.apply(.reportIn, from: .department(Fixture.gas, contact: Fixture.gasContact), now: Fixture.t0).rejection == .invalidDepartment)
    }

    @Test("the top level cannot send a case back; re-dispatch is by the level above")
    func sendBackAndRedispatch() {
        var m = Fixture.machine()
        _ = m.apply(.sendBack(reason: "not ours"), from: .person(Fixture.worker), now: Fixture.t0)
        #expect(m.apply(.redispatch(to: .grid), from: .person(Fixture.leader), now: Fixture.t0).rejection == .notEntitled)
        #expect(m.apply(.redispatch(to: .street), from: .person(Fixture.stationHead), now: Fixture.t0).rejection == .invalidLevel)
        #expect(m.apply(.redispatch(to: .community), from: .person(Fixture.stationHead), now: Fixture.t0).rejection == nil)
        #expect(m.level == .community)

        var top = Fixture.machine()
        for _ in 0..<3 {
            let d = top.activeDeadlines[0]
            _ = top.deadlinePassed(d.id, now: d.at)
        }
        #expect(top.level == .district)
        #expect(top.apply(.sendBack(reason: "x"), from: .person(Fixture.commandCentre), now: Fixture.t0.plus(hours: 9)).rejection == .invalidLevel)
    }
}
