import Foundation
import GridwatchDomain
import Testing

@Suite("Correlation")
struct CorrelatorTests {
    let correlator = Correlator(window: 1800)
    let t = Fixture.t0

    func key(_ id: CaseID, family: String = "gas-leak", building: BuildingID? = Fixture.building, devices: Set<DeviceID> = [], sources: Set<String> = [], last: Date? = nil) -> Correlator.Key {
        Correlator.Key(
            caseID: id, family: family, location: Location(grid: Fixture.gridCode, building: building), devices: devices,
            sourceKeys: sources, lastReportAt: last ?? t)
    }

    func decide(_ source: String = "hotline:new", device: DeviceID? = nil, family: String = "gas-leak", building: BuildingID? = Fixture.building,
                grid: GridCode = Fixture.gridCode, at: Date? = nil, _ open: [Correlator.Key]) -> Correlator.Decision {
        correlator.decide(sourceKey: source, device: device, family: family, location: Location(grid: grid, building: building), at: at ?? t.plus(minutes: 5), openCases: open)
    }

    @Test("the same hotline request id is a redelivery")
    func idempotent() {
        #expect(decide("hotline:12345-1", [key("C-1", sources: ["hotline:12345-1"])]) == .duplicate("C-1"))
    }

    @Test("repeated events from a device fold into its open case, whatever the time")
    func device() {
        let open = [key("C-1", family: "fire", devices: ["smoke-1"], last: t)]
        #expect(decide("alarm:gw:2", device: "smoke-1", family: "fire", at: t.plus(hours: 30), open) == .fold(into: "C-1"))
    }

    @Test("the same incident in the same building within the window folds: camera, alarm and call are one fire")
    func sameBuilding() {
        let open = [key("C-1", family: "fire", devices: ["smoke-1"])]
        #expect(decide("camera:cam-1:1", device: "cam-1", family: "fire", open) == .fold(into: "C-1"))
        #expect(decide("hotline:9", family: "fire", open) == .fold(into: "C-1"))
        #expect(decide("hotline:9", family: "fire", building: nil, open) == .fold(into: "C-1"), "same grid, building unknown")
    }

    @Test("a different building, incident, grid, or a report outside the window opens a new case")
    func separate() {
        let open = [key("C-1")]
        #expect(decide(building: "another", open) == .open)
        #expect(decide(family: "fire", open) == .open)
        #expect(decide(grid: Fixture.otherGridCode, open) == .open)
        #expect(decide(at: t.plus(minutes: 31), open) == .open)
        #expect(decide(at: t.plus(minutes: 30), open) == .fold(into: "C-1"))
    }

    @Test("among several candidates the most recently reported wins, whatever their order")
    func deterministic() {
        let a = key("C-a", last: t)
        let b = key("C-b", last: t.plus(minutes: 3))
        let c = key("C-c", last: t.plus(minutes: 3))
        #expect(decide("hotline:new", [a, b, c]) == .fold(into: "C-b"))
        #expect(decide("hotline:new", [c, b, a]) == .fold(into: "C-b"))
    }

    @Test("a case's key lists every report's source and device")
    func caseKey() {
        var m = Fixture.machine(report: Fixture.alarm("A-1", device: "gas-38-602"), category: Fixture.gasAlarm)
        _ = m.merge(Fixture.hotline("12345-7"), category: Fixture.gasLeak, now: t.plus(minutes: 4))
        let k = m.correlationKey(family: "gas-leak")
        #expect(k.devices == ["gas-38-602"])
        #expect(k.sourceKeys == ["alarm:alarm-gw:A-1", "hotline:12345-7"])
        #expect(k.lastReportAt == t.plus(minutes: 4))
    }
}
