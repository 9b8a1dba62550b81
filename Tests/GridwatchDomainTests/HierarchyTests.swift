import Foundation
import GridwatchDomain
import Testing

@Suite("Hierarchy and placement")
struct HierarchyTests {
    @Test("grid codes: 15 and 14 digits, split into their parts", arguments: [
        ("110101008005003", true), ("11010100800503", true), ("1101010080050031", false), ("11010100800500X", false), ("", false),
    ])
    func gridCodes(raw: String, valid: Bool) {
        #expect((GridCode(raw) != nil) == valid)
    }

    @Test("a code's parts")
    func parts() {
        let code = GridCode("110101008005003")!
        #expect(code.districtCode == "110101")
        #expect(code.streetCode == "110101008")
        #expect(code.communityCode == "110101008005")
        #expect(code.gridSequence == "003")
    }

    @Test("the chain and the staff at each level")
    func chain() {
        let h = Fixture.hierarchy
        let chain = h.chain(for: Fixture.gridCode)
        #expect(chain?.code(at: .street) == "110101008")
        #expect(h.staff(at: .community, for: Fixture.gridCode).map(\.person) == [Fixture.stationHead, Fixture.secretary])
        #expect(h.staff(at: .district, for: Fixture.gridCode).map(\.person) == [Fixture.commandCentre])
        #expect(h.chain(for: GridCode("999999999999999")!) == nil)
    }

    @Test("triage places reports by device, grid code, coordinates or address")
    func triage() throws {
        let categories = [
            Category(id: Fixture.gasLeak, name: "燃气泄漏", kind: .hotline, sourceCode: "gas-leak", defaultSeverity: .critical, incident: "gas-leak"),
            Category(id: Fixture.gasAlarm, name: "可燃气体", kind: .alarm, sourceCode: "combustible-gas", defaultSeverity: .high, incident: "gas-leak"),
        ]
        let devices = [Device(id: "gas-38-602", kind: .alarm, grid: Fixture.gridCode, building: Fixture.building)]
        let triage = Triage(hierarchy: Fixture.hierarchy, devices: devices, categories: categories)
        let alarm = try triage.triage(Fixture.alarm()).get()
        #expect(alarm.location == Location(grid: Fixture.gridCode, building: Fixture.building))
        #expect(alarm.severity == .high, "CAP Severe maps to high")
        let byAddress = try triage.triage(Fixture.hotline()).get()
        #expect(byAddress.location.building == Fixture.building)
        let byPoint = HotlineRequest(serviceRequestID: "p", serviceCode: "gas-leak", requestedAt: Fixture.t0, coordinate: Coordinate(latitude: 39.935, longitude: 116.445))
        #expect(try triage.triage(.hotline(byPoint)).get().location.grid == Fixture.gridCode)
        let byCode = HotlineRequest(serviceRequestID: "c", serviceCode: "gas-leak", requestedAt: Fixture.t0, gridCode: Fixture.otherGridCode)
        #expect(try triage.triage(.hotline(byCode)).get().location.grid == Fixture.otherGridCode)
        var both = byPoint
        both.gridCode = Fixture.otherGridCode
        #expect(try triage.triage(.hotline(both)).get().location.grid == Fixture.gridCode, "coordinates win over a typed code")
        let nowhere = HotlineRequest(serviceRequestID: "n", serviceCode: "gas-leak", requestedAt: Fixture.t0, addressString: "火星")
        #expect(triage.triage(.hotline(nowhere)) == .failure(.unplaced))
        let unknown = HotlineRequest(serviceRequestID: "u", serviceCode: "karaoke", requestedAt: Fixture.t0)
        #expect(triage.triage(.hotline(unknown)) == .failure(.unknownCategory(kind: .hotline, code: "karaoke")))
        #expect(triage.triage(Fixture.alarm(device: "ghost")) == .failure(.unknownDevice("ghost")))
        let drill = Report.alarm(Alarm(identifier: "X", sender: "gw", sent: Fixture.t0, status: .exercise, event: "combustible-gas", deviceID: "gas-38-602"))
        #expect(triage.triage(drill) == .failure(.notActual))
    }

    @Test("duty rosters in Beijing time, including a night shift across midnight")
    func rosters() {
        // 2027-01-15 is a Friday. 01:00 UTC is 09:00 in Beijing.
        let friday0900 = Date(timeIntervalSince1970: 1_800_000_000 - 1_800_000_000.truncatingRemainder(dividingBy: 86400) + 3600)
        let weekdays = DutyRoster(windows: [.init(weekdays: [1, 2, 3, 4, 5], fromMinute: 8 * 60, toMinute: 18 * 60)])
        let nights = DutyRoster(windows: [.init(weekdays: [5], fromMinute: 20 * 60, toMinute: 8 * 60)])
        let weekday = isoWeekday(friday0900)
        #expect(weekdays.isOnDuty(at: friday0900) == (1...5).contains(weekday))
        #expect(!weekdays.isOnDuty(at: friday0900.plus(hours: 10)))
        let nightStart = friday0900.plus(hours: 11)   // 20:00 the same day
        #expect(nights.isOnDuty(at: nightStart) == (weekday == 5))
        #expect(nights.isOnDuty(at: nightStart.plus(hours: 11)) == (weekday == 5), "07:00 the next morning belongs to the night that started the day before")
        #expect(!nights.isOnDuty(at: nightStart.plus(hours: 12.5)))
    }

    /// ISO weekday in Beijing via Foundation's calendar, as an independent check of the roster's arithmetic.
    func isoWeekday(_ date: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let sundayFirst = calendar.component(.weekday, from: date)
        return sundayFirst == 1 ? 7 : sundayFirst - 1
    }

    @Test("notifications go to the staff on duty, or to everyone when nobody is")
    func dutyFiltering() {
        var context = Fixture.context()
        let offDuty = DutyRoster(windows: [.init(weekdays: [], fromMinute: 0, toMinute: 1)])
        context.staff[.grid] = context.staff[.grid]!.map { member in
            var m = member
            if m.person != Fixture.leader { m.roster = offDuty }
            return m
        }
        var m = CaseMachine.open(id: "C-d", report: Fixture.hotline(), category: Fixture.gasLeak, severity: .normal, context: context, now: Fixture.t0).machine
        #expect(m.dispatch(now: Fixture.t0).notifications.first?.recipients.map(\.person) == [Fixture.leader])
        var all = context
        all.staff[.grid] = all.staff[.grid]!.map { member in
            var m = member
            m.roster = offDuty
            return m
        }
        var n = CaseMachine.open(id: "C-e", report: Fixture.hotline(), category: Fixture.gasLeak, severity: .normal, context: all, now: Fixture.t0).machine
        #expect(n.dispatch(now: Fixture.t0).notifications.first?.recipients.count == 5)
    }

    @Test("policy inheritance: each layer overrides only what it sets")
    func inheritance() {
        let book = Fixture.policies
        let general = book.policy(for: Fixture.noise, severity: .normal)
        #expect(general == PolicyBook.generalDefault)
        let gas = book.policy(for: Fixture.gasLeak, severity: .normal)
        #expect(gas.resolve(at: .grid) == 12 * 3600)
        func total(_ p: EscalationPolicy) -> TimeInterval { Level.allCases.map { p.resolve(at: $0) }.reduce(0, +) }
        #expect(total(PolicyBook.generalDefault) == 7 * 86400)
        #expect(total(PolicyBook.emergencyOverride.applied(to: PolicyBook.generalDefault)) == 2 * 3600)
        #expect(total(PolicyBook.utilityOverride.applied(to: PolicyBook.generalDefault)) == 24 * 3600)
        #expect(total(PolicyBook.complexOverride.applied(to: PolicyBook.generalDefault)) == 15 * 86400)
        #expect(gas.verifyWithin == PolicyBook.generalDefault.verifyWithin)
        let critical = book.policy(for: Fixture.noise, severity: .critical)
        #expect(critical.notifyAtOnce == [.community, .street])
        #expect(critical.topLevel == .district)
        #expect(PolicyOverride(startLevel: .district).applied(to: PolicyBook.generalDefault).problems.isEmpty)
        #expect(!PolicyOverride(startLevel: .district, topLevel: .street).applied(to: PolicyBook.generalDefault).problems.isEmpty)
    }
}

/// Placing a hotline request by its typed address.
@Suite struct AddressMatchingTests {
    static let grid = GridCode("110101008005003")!
    static let other = GridCode("110101008005004")!

    static var hierarchy: Hierarchy {
        let grids = [
            Grid(code: grid, name: "甲", staff: [], buildings: [
                Building(id: "b-38", name: "38号楼", addresses: ["工体北路38号楼", ""]),
                Building(id: "b-gate", name: "北门", addresses: ["工体北路"]),
            ]),
            Grid(code: other, name: "乙", staff: [], buildings: [Building(id: "b-138", name: "138号楼", addresses: ["工体北路138号楼"])]),
        ]
        let community = Community(code: "110101008005", name: "社区", staff: [], grids: grids)
        let street = Street(code: "110101008", name: "街道", staff: [], communities: [community])
        return Hierarchy(districts: [District(code: "110101", name: "区", staff: [], streets: [street])], people: [])
    }

    @Test func theLongestFragmentWins() {
        let h = Self.hierarchy
        #expect(h.building(matching: "工体北路38号楼602室")! == (Self.grid, "b-38"))
        #expect(h.building(matching: "工体北路138号楼2单元")! == (Self.other, "b-138"))
        #expect(h.building(matching: "工体北路路口")! == (Self.grid, "b-gate"))
    }

    @Test func noFragmentNoBuilding() {
        let h = Self.hierarchy
        #expect(h.building(matching: "东四十条") == nil)
        #expect(h.building(matching: "") == nil)
        #expect(h.building(matching: "工体北") == nil)
    }

    /// The byte search answers as `String.contains` does, for addresses made of the fragments.
    @Test func agreesWithStringContains() {
        let h = Self.hierarchy
        let pieces = ["工体北路", "38号楼", "138号楼", "1", "3", "8", "号", "楼", "东四", " ", "é"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let address = (0..<Int.random(in: 0...5, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            var expected: (GridCode, BuildingID, Int)?
            for (grid, building, fragment) in [(Self.grid, BuildingID("b-38"), "工体北路38号楼"), (Self.grid, "b-gate", "工体北路"), (Self.other, "b-138", "工体北路138号楼")]
            where address.contains(fragment) && fragment.count > (expected?.2 ?? 0) {
                expected = (grid, building, fragment.count)
            }
            let found = h.building(matching: address)
            #expect(found?.grid == expected?.0 && found?.building == expected?.1, "\(address)")
        }
    }

    /// With short fragments (under three bytes) and fragments of equal length, the indexed
    /// search still picks the longest, and of those the first in grid and building order.
    @Test func shortAndTiedFragmentsAgreeWithAScan() {
        let fragments: [(GridCode, BuildingID, String)] = [
            (Self.grid, "a", "A1"), (Self.grid, "b", "号楼"), (Self.grid, "c", "8"),
            (Self.other, "d", "楼号"), (Self.other, "e", "A1号"), (Self.other, "f", "东四"), (Self.other, "g", "8号楼"),
        ]
        let grids = [Self.grid, Self.other].map { code in
            Grid(code: code, name: "格", staff: [], buildings: fragments.filter { $0.0 == code }.map { Building(id: $0.1, name: "楼", addresses: [$0.2]) })
        }
        let community = Community(code: "110101008005", name: "社区", staff: [], grids: grids)
        let street = Street(code: "110101008", name: "街道", staff: [], communities: [community])
        let h = Hierarchy(districts: [District(code: "110101", name: "区", staff: [], streets: [street])], people: [])
        let pieces = ["A", "1", "8", "号", "楼", "东", "四", "A1", "号楼", " "]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let address = (0..<Int.random(in: 0...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            var expected: (GridCode, BuildingID, Int)?
            for (grid, building, fragment) in fragments where address.contains(fragment) && fragment.count > (expected?.2 ?? 0) {
                expected = (grid, building, fragment.count)
            }
            let found = h.building(matching: address)
            #expect(found?.grid == expected?.0 && found?.building == expected?.1, "\(address)")
        }
    }
}
