import Foundation
import GridwatchDomain
import Testing

/// 按时结案率 judges a case against the one deadline it was given at dispatch (接诉即办), which
/// escalation does not move: a case that climbed and was handled in time is on time.
@Suite("The stated deadline")
struct StatedDeadlineTests {
    /// The resolve times of every level the policy can reach, added up.
    func budget(_ m: CaseMachine) -> TimeInterval {
        Level.allCases.filter { $0 >= m.policy.startLevel && $0 <= m.policy.topLevel }.reduce(0) { $0 + m.policy.resolve(at: $1) }
    }

    @Test("set at dispatch to the sum of the levels' resolve times; 24 h for a utility case")
    func setAtDispatch() throws {
        let m = Fixture.machine()
        #expect(m.statedDeadline == Fixture.t0.addingTimeInterval(budget(m)))
        #expect(budget(m) == 24 * 3600, "utilities: 24 hours (12345)")
        #expect(Fixture.machine(dispatch: false).statedDeadline == nil)
    }

    @Test("a case that climbed past the grid's deadline but was handled before the stated one is on time")
    func escalatedButOnTime() throws {
        var m = Fixture.machine()
        _ = m.apply(.signFor, from: .person(Fixture.worker), now: Fixture.t0.plus(minutes: 5))
        // The grid's resolve deadline passes: the case moves to the community.
        let resolve = m.activeDeadlines[0]
        _ = m.deadlinePassed(resolve.id, now: resolve.at)
        #expect(m.level == .community)
        _ = m.apply(.signFor, from: .person(Fixture.stationHead), now: resolve.at.plus(minutes: 10))
        let handledAt = resolve.at.plus(hours: 1)
        #expect(handledAt < m.statedDeadline!)
        let events = m.apply(.handled(note: "已处置"), from: .person(Fixture.stationHead), now: handledAt).events
        #expect(events.contains(.handled(level: .community, by: Fixture.stationHead, inTime: true, note: "已处置")))
    }

    @Test("handled after the stated deadline is late; an extension asked for but not approved does not move it")
    func lateAgainstStated() throws {
        var m = Fixture.machine()
        _ = m.apply(.signFor, from: .person(Fixture.worker), now: Fixture.t0.plus(minutes: 5))
        _ = m.apply(.askExtension(until: m.statedDeadline!.plus(hours: 48), reason: "待换管"), from: .person(Fixture.worker), now: Fixture.t0.plus(hours: 1))
        let stated = m.statedDeadline!
        // Not approved: the stated deadline stays; handled past it is late.
        let late = stated.plus(minutes: 1)
        var copy = m
        let resolve = copy.activeDeadlines[0]
        #expect(resolve.at < late, "the grid's own deadline passed first")
        _ = copy.deadlinePassed(resolve.id, now: resolve.at)
        _ = copy.apply(.signFor, from: .person(Fixture.stationHead), now: resolve.at.plus(minutes: 1))
        let events = copy.apply(.handled(note: "晚了"), from: .person(Fixture.stationHead), now: late).events
        #expect(events.contains(.handled(level: .community, by: Fixture.stationHead, inTime: false, note: "晚了")))
    }

    @Test("an approved extension moves the stated deadline by as much as it moves the resolve deadline")
    func extensionMovesIt() throws {
        var m = Fixture.machine()
        _ = m.apply(.signFor, from: .person(Fixture.worker), now: Fixture.t0.plus(minutes: 5))
        let before = m.statedDeadline!
        let resolveBy = m.activeDeadlines[0].at
        _ = m.apply(.askExtension(until: resolveBy.plus(hours: 6), reason: "待换管"), from: .person(Fixture.worker), now: Fixture.t0.plus(hours: 1))
        let approved = m.apply(.approveExtension, from: .person(Fixture.stationHead), now: Fixture.t0.plus(hours: 2))
        #expect(approved.events.contains { if case .extensionGranted = $0 { true } else { false } })
        #expect(m.statedDeadline == before.plus(hours: 6))
    }
}
