import Foundation
import GridwatchDomain
import Testing

/// The seed's story: "网格员毕琳报告:工体北路38号楼602室发生燃气泄漏。站长赵慧兰带领网格长等人
/// 立即赶赴现场疏散居民,协助物业和燃气公司排除险情" — driven through the machine step by step.
@Suite("Gas leak at building 38, flat 602")
struct GasLeakScenarioTests {
    static let policies = PolicyBook(
        base: PolicyBook.generalDefault,
        bySeverity: [.critical: PolicyBook.emergencyOverride],
        byCategory: [Fixture.gasLeak: PolicyBook.utilityOverride, Fixture.gasAlarm: PolicyBook.utilityOverride],
        byCategoryAndSeverity: [
            .init(category: Fixture.gasLeak, severity: .critical): {
                var o = PolicyBook.emergencyOverride
                o.summon = [Fixture.property]
                return o
            }()
        ])

    static let t = Fixture.t0

    static func open() -> (CaseMachine, [CaseAction]) {
        let context = CaseContext.make(
            location: Location(grid: Fixture.gridCode, building: Fixture.building, detail: "602室"), category: Fixture.gasLeak,
            hierarchy: Fixture.hierarchy, departments: Fixture.departments, policies: policies)!
        let report = Report.hotline(HotlineRequest(
            serviceRequestID: "station-65955678-0001", serviceCode: "gas-leak", requestedAt: t,
            text: "网格员毕琳报告：38号楼602室燃气泄漏", addressString: "工体北路38号楼602室"))
        var (machine, actions) = CaseMachine.open(id: "C-gas", report: report, category: Fixture.gasLeak, severity: .critical, context: context, now: t)
        actions += machine.dispatch(now: t)
        return (machine, actions)
    }

    @Test("reported, several levels at once, departments report in, handled, verified, rated — with no escalation")
    func story() {
        var (m, opened) = Self.open()
        // Grid, community and street hear of it at once; the building captain is told; gas company and property are summoned.
        #expect(opened.notifications.map(\.reason) == [.dispatched, .informed, .informed, .informed, .summoned, .summoned])
        #expect(opened.notifications.map(\.level) == [.grid, .community, .street, nil, nil, nil])
        #expect(opened.notifications.compactMap(\.department) == [Fixture.property, Fixture.gas])
        #expect(opened.notifications[1].recipients.map(\.person).contains(Fixture.stationHead))
        #expect(opened.scheduled.map(\.kind) == [.signFor(.grid), .reportIn(Fixture.property), .reportIn(Fixture.gas)])
        #expect(opened.scheduled[0].at == Self.t.plus(minutes: 10))

        // A minute later the flat's gas detector fires: the correlator folds it into this case.
        let alarm = Fixture.alarm("GAS-602-1", device: "gas-38-602", at: Self.t.plus(minutes: 1))
        let correlator = Correlator(window: 1800)
        let decision = correlator.decide(
            sourceKey: alarm.sourceKey, device: alarm.deviceID, family: "gas-leak",
            location: Location(grid: Fixture.gridCode, building: Fixture.building), at: Self.t.plus(minutes: 1),
            openCases: [m.correlationKey(family: "gas-leak")])
        #expect(decision == .fold(into: "C-gas"))
        #expect(m.merge(alarm, category: Fixture.gasAlarm, severity: .critical, now: Self.t.plus(minutes: 1)).events == [.merged(source: alarm.sourceKey)])

        // Station head 赵慧兰 takes it; the grid leader reports residents evacuated.
        let signed = m.apply(.signFor, from: .person(Fixture.stationHead), now: Self.t.plus(minutes: 3))
        #expect(signed.events == [.signedFor(level: .grid, by: Fixture.stationHead, inTime: true)])
        #expect(signed.scheduled.map(\.at) == [Self.t.plus(hours: 1)])
        #expect(m.apply(.progress(note: "已到场，疏散居民"), from: .person(Fixture.leader), now: Self.t.plus(minutes: 8)).events.count == 1)

        // Property management and the gas company report in within 30 minutes.
        #expect(m.apply(.reportIn, from: .department(Fixture.gas, contact: Fixture.gasContact), now: Self.t.plus(minutes: 20)).events
            == [.reportedIn(Fixture.gas, inTime: true)])
        #expect(m.apply(.reportIn, from: .department(Fixture.property, contact: Fixture.propertyContact), now: Self.t.plus(minutes: 25)).events
            == [.reportedIn(Fixture.property, inTime: true)])
        #expect(m.activeDeadlines.map(\.kind) == [.resolve(.grid)])

        // Handled by the grid leader, verified by the supervisor, and the caller is satisfied.
        #expect(m.apply(.handled(note: "险情排除，阀门已更换"), from: .person(Fixture.leader), now: Self.t.plus(minutes: 50)).events
            == [.handled(level: .grid, by: Fixture.leader, inTime: true, note: "险情排除，阀门已更换")])
        #expect(m.apply(.verify(passed: true, note: "复测无泄漏"), from: .person(Fixture.leader), now: Self.t.plus(minutes: 60)).rejection == .handlerCannotVerify)
        #expect(m.apply(.verify(passed: true, note: "复测无泄漏"), from: .person(Fixture.supervisor), now: Self.t.plus(minutes: 70)).events
            == [.verified(by: Fixture.supervisor, note: "复测无泄漏"), .closed(level: .grid)])
        #expect(m.activeDeadlines.isEmpty)
        _ = m.apply(.rate(satisfied: true), from: .hotlineCallback, now: Self.t.plus(hours: 3))
        #expect(m.phase == .rated)
        #expect(m.reports.count == 2)
        #expect(!m.history.contains { if case .escalated = $0.kind { true } else { false } })

        // The grid's scorecard for the day.
        let card = Assessment.compute([.init(chain: m.context.chain, history: m.history)], period: Self.t..<Self.t.plus(hours: 24))
        let grid = card[.init(level: .grid, code: Fixture.gridCode.rawValue)]
        #expect(grid?.responseRate == 1)
        #expect(grid?.resolutionRate == 1)
        #expect(grid?.satisfactionRate == 1)
        #expect(grid?.onTimeRate == 1)
        #expect(grid?.reworkRate == 0)
    }

    @Test("if nobody signs for it in ten minutes it climbs, and a gas company that does not come is reported to the district")
    func nobodyComes() {
        var (m, _) = Self.open()
        let signFor = m.activeDeadlines.first { $0.kind == .signFor(.grid) }!
        let climbed = m.deadlinePassed(signFor.id, now: signFor.at)
        #expect(climbed.events.first == .escalated(from: .grid, to: .community, because: .signForOverdue))
        let gas = m.activeDeadlines.first { $0.kind == .reportIn(Fixture.gas) }!
        #expect(gas.at == Self.t.plus(minutes: 30))
        let overdue = m.deadlinePassed(gas.id, now: gas.at)
        #expect(overdue.events == [.summonOverdue(Fixture.gas)])
        #expect(overdue.notifications.first?.level == .district)
        #expect(overdue.notifications.first?.recipients.map(\.person) == [Fixture.commandCentre])
    }
}
