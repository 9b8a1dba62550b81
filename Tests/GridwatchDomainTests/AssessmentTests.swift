import Foundation
import GridwatchDomain
import Testing

@Suite("Assessment")
struct AssessmentTests {
    let worker = Sender.person(Fixture.worker)
    let t = Fixture.t0

    func closedCase(id: CaseID, signAfter: Double, handleAfter: Double, satisfied: Bool?) -> CaseMachine {
        var m = CaseMachine.open(id: id, report: Fixture.hotline("H-\(id)"), category: Fixture.gasLeak, severity: .normal, context: Fixture.context(), now: t).machine
        _ = m.dispatch(now: t)
        _ = m.apply(.signFor, from: worker, now: t.plus(hours: signAfter))
        _ = m.apply(.handled(note: ""), from: worker, now: t.plus(hours: handleAfter))
        _ = m.apply(.verify(passed: true, note: ""), from: .person(Fixture.supervisor), now: t.plus(hours: handleAfter + 1))
        if let satisfied { _ = m.apply(.rate(satisfied: satisfied), from: .hotlineCallback, now: t.plus(hours: handleAfter + 2)) }
        return m
    }

    @Test("the five rates for a grid over four cases")
    func rates() {
        let cases = [
            closedCase(id: "A", signAfter: 0.5, handleAfter: 2, satisfied: true),
            closedCase(id: "B", signAfter: 0.5, handleAfter: 30, satisfied: false),  // handled late; unsatisfied reopens
            closedCase(id: "C", signAfter: 0.9, handleAfter: 3, satisfied: nil),
            closedCase(id: "D", signAfter: 0.2, handleAfter: 4, satisfied: true),
        ]
        let cards = Assessment.compute(cases.map { .init(chain: $0.context.chain, history: $0.history) }, period: t..<t.plus(hours: 48))
        let grid = cards[.init(level: .grid, code: Fixture.gridCode.rawValue)]!
        #expect(grid.dispatched == 5, "B's reopening is a fifth dispatch")
        #expect(grid.signedForInTime == 4)
        #expect(grid.handled == 4)
        #expect(grid.handledInTime == 3)
        #expect(grid.closed == 4)
        #expect(grid.rated == 3)
        #expect(grid.satisfied == 2)
        #expect(grid.reworked == 1)
        #expect(grid.responseRate == 0.8)
        #expect(grid.onTimeRate == 0.75)
        #expect(grid.reworkRate == 0.25)
        #expect(Assessment.grade(grid.responseRate!) == "B")
    }

    @Test("a late sign-for after escalation counts against the grid and for the community")
    func escalatedCase() {
        var m = Fixture.machine()
        let d = m.activeDeadlines[0]
        _ = m.deadlinePassed(d.id, now: d.at)
        _ = m.apply(.signFor, from: .person(Fixture.stationHead), now: d.at.plus(minutes: 5))
        let cards = Assessment.compute([.init(chain: m.context.chain, history: m.history)], period: t..<t.plus(hours: 48))
        #expect(cards[.init(level: .grid, code: Fixture.gridCode.rawValue)]?.responseRate == 0)
        #expect(cards[.init(level: .community, code: "110101008005")]?.responseRate == 1)
    }

    @Test("events outside the period are not counted, and an idle unit has no rate rather than zero")
    func period() {
        let m = closedCase(id: "A", signAfter: 0.5, handleAfter: 2, satisfied: true)
        let later = Assessment.compute([.init(chain: m.context.chain, history: m.history)], period: t.plus(hours: 100)..<t.plus(hours: 200))
        #expect(later.isEmpty)
        #expect(Assessment.Scorecard().responseRate == nil)
    }

    @Test("false alarms are counted at the grid and not as failed responses")
    func falseAlarms() {
        var m = Fixture.machine(report: Fixture.alarm(), category: Fixture.gasAlarm)
        _ = m.alarmCancelled(now: t.plus(minutes: 1))
        let grid = Assessment.compute([.init(chain: m.context.chain, history: m.history)], period: t..<t.plus(hours: 1))[
            .init(level: .grid, code: Fixture.gridCode.rawValue)]
        #expect(grid?.falseAlarms == 1)
        #expect(grid?.dispatched == 0)
        #expect(grid?.responseRate == nil)
    }

    @Test("grade bands", arguments: [(0.95, "A"), (0.9, "A"), (0.8, "B"), (0.6, "C"), (0.45, "D"), (0.1, "E")])
    func grades(rate: Double, grade: String) {
        #expect(Assessment.grade(rate) == grade)
    }
}
