import Foundation
import GridwatchDomain
import PropertyBased
import Testing

/// Properties of the small pure pieces: rosters, polygons, correlation, policy layering.
@Suite("Value properties")
struct ValuePropertyTests {
    @Test("a roster agrees with Foundation's calendar in Beijing time at any instant")
    func rosterMatchesCalendar() async {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let instants = Gen.int(in: 1_700_000_000...1_900_000_000)
        await propertyCheck(count: 500, input: instants, Gen.int(in: 0...1439), Gen.int(in: 1...1440), Gen.int(in: 1...7)) { seconds, from, to, day in
            let instant = Date(timeIntervalSince1970: Double(seconds))
            let roster = DutyRoster(windows: [.init(weekdays: [day], fromMinute: from, toMinute: to)])
            let parts = calendar.dateComponents([.weekday, .hour, .minute], from: instant)
            let weekday = parts.weekday! == 1 ? 7 : parts.weekday! - 1
            let yesterday = weekday == 1 ? 7 : weekday - 1
            let minute = parts.hour! * 60 + parts.minute!
            let expected: Bool
            if from <= to {
                expected = weekday == day && minute >= from && minute < to
            } else {
                expected = (weekday == day && minute >= from) || (yesterday == day && minute < to)
            }
            #expect(roster.isOnDuty(at: instant) == expected)
        }
    }

    @Test("for a rectangle, point-in-polygon is the bounds check")
    func rectangles() async {
        let coordinate = Gen.double(in: 39.0...41.0)
        await propertyCheck(count: 500, input: coordinate, coordinate, Gen.double(in: 0.001...0.5), Gen.double(in: 39.0...41.0), Gen.double(in: 39.0...41.0)) { lat, lon, size, pLat, pLon in
            let polygon = GeoPolygon(vertices: [
                .init(latitude: lat, longitude: lon), .init(latitude: lat, longitude: lon + size),
                .init(latitude: lat + size, longitude: lon + size), .init(latitude: lat + size, longitude: lon),
            ])
            let point = Coordinate(latitude: pLat, longitude: pLon)
            let strictlyInside = pLat > lat && pLat < lat + size && pLon > lon && pLon < lon + size
            let strictlyOutside = pLat < lat || pLat > lat + size || pLon < lon || pLon > lon + size
            if strictlyInside { #expect(polygon.contains(point)) }
            if strictlyOutside { #expect(!polygon.contains(point)) }
        }
    }

    @Test("correlation does not depend on the order of the open cases")
    func correlationOrder() async {
        let keys = zip(Gen.int(in: 0...3), Gen.int(in: 0...2), Gen.int(in: 0...90), Gen.int(in: 0...3))
            .map { family, building, minutes, device in
                (family, building, minutes, device)
            }
            .array(of: 0...8)
        await propertyCheck(count: 300, input: keys, Gen.int(in: 0...3), Gen.int(in: 0...2), Gen.int(in: 0...4)) { specs, family, building, device in
            let t = Fixture.t0
            let open = specs.enumerated().map { i, s in
                Correlator.Key(
                    caseID: CaseID("C-\(i)"), family: "f\(s.0)",
                    location: Location(grid: Fixture.gridCode, building: s.1 == 0 ? nil : BuildingID("b\(s.1)")),
                    devices: [DeviceID("d\(s.3)")], sourceKeys: ["s\(i)"], lastReportAt: t.plus(minutes: Double(s.2)))
            }
            let correlator = Correlator(window: 1800)
            func decide(_ cases: [Correlator.Key]) -> Correlator.Decision {
                correlator.decide(
                    sourceKey: "new", device: device == 4 ? nil : DeviceID("d\(device)"), family: "f\(family)",
                    location: Location(grid: Fixture.gridCode, building: building == 0 ? nil : BuildingID("b\(building)")),
                    at: t.plus(minutes: 60), openCases: cases)
            }
            let forward = decide(open)
            #expect(decide(open.reversed()) == forward)
            #expect(decide(open.shuffled()) == forward)
            if case .fold(let id) = forward {
                let hit = open.first { $0.caseID == id }!
                let sameDevice = device != 4 && hit.devices.contains(DeviceID("d\(device)"))
                #expect(sameDevice || hit.family == "f\(family)", "folded into a case of another incident")
            }
        }
    }

    @Test("an empty override changes nothing, and applying the same override twice is applying it once")
    func overrides() async {
        let durations = Gen.int(in: 1...100_000).map { TimeInterval($0) }
        await propertyCheck(count: 200, input: durations, durations, Gen<Level>.case, Gen.int(in: 0...10)) { reminder, signFor, level, raise in
            let base = PolicyBook.generalDefault
            #expect(PolicyOverride().applied(to: base) == base)
            let o = PolicyOverride(signForWithin: [level: signFor], reminderInterval: reminder, raiseSeverityAfter: raise)
            #expect(o.applied(to: o.applied(to: base)) == o.applied(to: base))
            let p = o.applied(to: base)
            #expect(p.signFor(at: level) == signFor)
            #expect(p.resolveWithin == base.resolveWithin)
            #expect(p.problems.isEmpty)
        }
    }
}
