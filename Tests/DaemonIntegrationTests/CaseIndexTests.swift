import Foundation
@testable import GridwatchDaemon
import GridwatchDomain
import Testing

/// The correlator's index of open cases, and the cache of recently used machines.
@Suite struct CaseIndexTests {
    static let grid = GridCode("110101008005003")!
    static let other = GridCode("110101008005004")!
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func key(_ id: CaseID, family: String, grid: GridCode = grid, devices: Set<DeviceID> = []) -> Correlator.Key {
        Correlator.Key(caseID: id, family: family, location: Location(grid: grid), devices: devices, sourceKeys: ["s:\(id)"], lastReportAt: t0)
    }

    @Test func candidatesAreTheFamilyInTheGridAndTheDevicesCases() {
        var index = OpenCaseIndex([
            Self.key("fire-1", family: "fire"),
            Self.key("noise-1", family: "noise"),
            Self.key("fire-other", family: "fire", grid: Self.other),
            Self.key("gas-1", family: "gas", grid: Self.other, devices: ["d-1"]),
        ])
        #expect(Set(index.candidates(device: nil, grid: Self.grid, family: "fire", at: Self.t0, within: 1800).map(\.caseID)) == ["fire-1"])
        #expect(Set(index.candidates(device: "d-1", grid: Self.grid, family: "fire", at: Self.t0, within: 1800).map(\.caseID)) == ["fire-1", "gas-1"])
        #expect(index.candidates(device: nil, grid: Self.grid, family: "gas", at: Self.t0, within: 1800).isEmpty)
        #expect(index.cases(of: "d-1").map(\.caseID) == ["gas-1"])
        // Built in one pass, it is the index built key by key.
        var stepwise = OpenCaseIndex([])
        for key in [Self.key("fire-1", family: "fire"), Self.key("noise-1", family: "noise"),
                    Self.key("fire-other", family: "fire", grid: Self.other), Self.key("gas-1", family: "gas", grid: Self.other, devices: ["d-1"])] {
            stepwise.upsert(key)
        }
        for (device, grid, family) in [(nil, Self.grid, "fire"), ("d-1", Self.grid, "fire"), (nil, Self.other, "fire"), (nil, Self.other, "gas")] as [(DeviceID?, GridCode, String)] {
            #expect(Set(stepwise.candidates(device: device, grid: grid, family: family, at: Self.t0, within: 1800).map(\.caseID))
                    == Set(index.candidates(device: device, grid: grid, family: family, at: Self.t0, within: 1800).map(\.caseID)))
        }
        let twice = OpenCaseIndex([Self.key("c", family: "fire"), Self.key("c", family: "noise", grid: Self.other)])
        #expect(twice.count == 1)
        #expect(twice.candidates(device: nil, grid: Self.grid, family: "fire", at: Self.t0, within: 1800).isEmpty)
        #expect(twice.candidates(device: nil, grid: Self.other, family: "noise", at: Self.t0, within: 1800).map(\.caseID) == ["c"])

        // Outside the window a case of the place is no candidate, unless the report's device is in it.
        var stale = Self.key("fire-old", family: "fire", devices: ["d-9"])
        stale.lastReportAt = Self.t0.addingTimeInterval(-1801)
        index.upsert(stale)
        #expect(Set(index.candidates(device: nil, grid: Self.grid, family: "fire", at: Self.t0, within: 1800).map(\.caseID)) == ["fire-1"])
        #expect(Set(index.candidates(device: nil, grid: Self.grid, family: "fire", at: Self.t0, within: 1801).map(\.caseID)) == ["fire-1", "fire-old"])
        #expect(Set(index.candidates(device: "d-9", grid: Self.grid, family: "fire", at: Self.t0, within: 1800).map(\.caseID)) == ["fire-1", "fire-old"])
        index.remove("fire-old")

        // A case that moves family or ends leaves its old places.
        index.upsert(Self.key("fire-1", family: "smoke"))
        #expect(index.candidates(device: nil, grid: Self.grid, family: "fire", at: Self.t0, within: 1800).isEmpty)
        #expect(index.candidates(device: nil, grid: Self.grid, family: "smoke", at: Self.t0, within: 1800).map(\.caseID) == ["fire-1"])
        index.remove("gas-1")
        #expect(index.cases(of: "d-1").isEmpty)
        #expect(index.count == 3)
    }

    /// Every decision the correlator makes over the index's candidates is the one it makes over
    /// all open cases, for reports whose source key is new.
    @Test func theCandidatesDecideAsAllOpenCasesWould() {
        let families = ["fire", "noise", "gas"]
        let devices: [DeviceID] = ["d-1", "d-2", "d-3"]
        var rng = SystemRandomNumberGenerator()
        let correlator = Correlator(window: 1800)
        for _ in 0..<200 {
            let keys = (0..<30).map { n in
                Correlator.Key(
                    caseID: CaseID("C-\(n)"), family: families.randomElement(using: &rng)!,
                    location: Location(grid: Bool.random(using: &rng) ? Self.grid : Self.other),
                    devices: Bool.random(using: &rng) ? [devices.randomElement(using: &rng)!] : [],
                    sourceKeys: ["s:\(n)"], lastReportAt: Self.t0.addingTimeInterval(Double.random(in: -7200...0, using: &rng)))
            }
            let index = OpenCaseIndex(keys)
            let device = Bool.random(using: &rng) ? devices.randomElement(using: &rng) : nil
            let family = families.randomElement(using: &rng)!
            let grid = Bool.random(using: &rng) ? Self.grid : Self.other
            let location = Location(grid: grid)
            let all = correlator.decide(sourceKey: "new", device: device, family: family, location: location, at: Self.t0, openCases: keys)
            let some = correlator.decide(
                sourceKey: "new", device: device, family: family, location: location, at: Self.t0,
                openCases: index.candidates(device: device, grid: grid, family: family, at: Self.t0, within: 1800))
            #expect(all == some)
        }
    }
}

@Suite struct MachineCacheTests {
    static func machine(_ id: CaseID) -> CaseMachine {
        let grid = GridCode("110101008005003")!
        let hierarchy = Hierarchy(districts: [District(code: "110101", name: "区", staff: [], streets: [
            Street(code: "110101008", name: "街道", staff: [], communities: [
                Community(code: "110101008005", name: "社区", staff: [], grids: [Grid(code: grid, name: "甲", staff: [])]),
            ]),
        ])], people: [])
        let context = CaseContext.make(
            location: Location(grid: grid), category: "hotline.noise", hierarchy: hierarchy, departments: [],
            policies: PolicyBook(base: PolicyBook.generalDefault))!
        let report = Report.hotline(HotlineRequest(serviceRequestID: id.rawValue, serviceCode: "noise", requestedAt: .now))
        return CaseMachine.open(id: id, report: report, category: "hotline.noise", severity: .normal, context: context, now: .now).machine
    }

    @Test func keepsWhatWasUsedRecentlyAndHoldsAtMostItsCapacity() {
        var cache = MachineCache(capacity: 4)
        let busy = Self.machine("busy")
        cache.insert(busy)
        for n in 0..<100 {
            cache.insert(Self.machine(CaseID("quiet-\(n)")))
            // The busy case is used between every two others, so it is never the oldest.
            #expect(cache.machine("busy") == busy)
            #expect(cache.count <= 4)
        }
        #expect(cache.machine("quiet-0") == nil)
        #expect(cache.machine("quiet-99") != nil)
        cache.remove("busy")
        #expect(cache.machine("busy") == nil)
    }
}
